"""Which names carry secrets: the one list of secret words that rules, diff and show share."""

from __future__ import annotations

# Name parts that say a variable carries a secret: API_KEY, DB_PASSWORD, SECRET_KEY_BASE.
SECRET_WORDS = frozenset(
    {"TOKEN", "KEY", "APIKEY", "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "CREDENTIALS"}
)


def is_secret_name(variable: str) -> bool:
    """A name whose parts say it carries a secret; what the rules hold to references."""
    return not SECRET_WORDS.isdisjoint(variable.upper().split("_"))


def looks_secret(name: str) -> bool:
    """Broader, for hiding values from display, where hiding too much costs nothing: a
    secret word anywhere in the name (PRIVATEKEY, DBPASS, REDIS_PASS)."""
    upper = name.upper()
    return any(word in upper for word in SECRET_WORDS)
