"""`envgen import`: a team's compose files, read by Compose, factored into specs."""
