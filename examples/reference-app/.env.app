# Application settings every service reads (no secrets: those come from ${...} references).
LOG_LEVEL=info
SCRAPER_CONCURRENCY=4
RECOMMENDATION_LIMIT=20
