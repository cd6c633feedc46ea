"""Which names and which parts of values carry secrets: the one list that the policies,
diff and show share.

A name is judged by its words (`DB_PASSWORD`, `apiKey`, `com.example.deploy-token`), so
that `BYPASS_CACHE`, `PASSENGER_COUNT` and `KEYBOARD_LAYOUT` are not secrets, while a
secret word glued to another (`DBPASSWORD`, `DJANGO_SECRETKEY`) still is. A value is
judged by its shape: the password or key of a URL, a secret query parameter, an
`Authorization` credential, a secret option or assignment on a command line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Whole words of a name that say it carries a secret and are no ending below: API_KEY,
# DB_PWD, SMTP_CREDENTIALS (a word equal to an ending, such as PASSWORD, is one already).
SECRET_WORDS = frozenset({"KEY", "PWD", "CREDENTIAL", "CREDENTIALS"})
# Endings that say so, alone or glued to another word: PASSWORD, DBPASSWORD, SECRETKEY,
# AUTHTOKEN, REQUIREPASS. A bare KEY ending is not one (MONKEY, TURKEY): only these compounds.
SECRET_ENDINGS = (
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PASS",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "SECRETKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "MASTERKEY",
)
# English words that end like a secret and are none: BYPASS_CACHE, COMPASS_HEADING.
NOT_SECRET_WORDS = frozenset(
    {"BYPASS", "COMPASS", "ENCOMPASS", "SURPASS", "TRESPASS", "OVERPASS", "UNDERPASS"}
)
# The last word of a name whose value says where a secret is, not what it is: a field
# naming a variable (`token_variable`), a file Docker mounts (`DB_PASSWORD_FILE`).
NAMING_WORDS = frozenset({"VARIABLE", "FILE", "PATH", "DIR"})

# Words of a name: separators split, and so do camelCase humps (apiKey, DBPassword).
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def words(name: str) -> list[str]:
    """`DBPassword` -> [DB, PASSWORD]; `com.example.deploy-token` -> [COM, EXAMPLE, ...]."""
    return [word.upper() for word in _WORD.findall(name)]


def _secret_word(word: str) -> bool:
    if word in SECRET_WORDS:
        return True
    return word not in NOT_SECRET_WORDS and word.endswith(SECRET_ENDINGS)


def is_secret_name(name: str) -> bool:
    """A name whose words say it carries a secret: what the rules hold to references, and
    what diff and show hide. A name ending in a naming word (`token_variable`,
    `DB_PASSWORD_FILE`) holds where the secret is, not the secret."""
    parts = words(name)
    if parts and parts[-1] in NAMING_WORDS:
        return False
    return any(_secret_word(word) for word in parts)


# A reference to a value held elsewhere: Compose's ${VAR...} or $VAR, or the container
# shell's $$VAR (escaped for Compose), optionally quoted for the shell.
_REFERENCE = r"\$\$?(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)"
_REFERENCE_ONLY = re.compile(rf"""(["']?)(?:{_REFERENCE})+\1""")

_URL_USERINFO = re.compile(
    rf"""[A-Za-z][A-Za-z0-9+.-]*://(?P<user>(?:{_REFERENCE}|[^/:@\s'"])*)"""
    # A password may hold a `/` (Compose passes it on as written): it ends at the `@`;
    # but digits then `/` are a port and a path (http://host:8080/path@x).
    rf"""(?::(?!\d+/)(?P<password>(?:{_REFERENCE}|[^@\s'"?#])*))?@"""
)
# A user name alone that is really a key (https://<32 hex digits>@sentry.example.com):
# long and holding a digit, unlike `git@` or `postgres@`.
_KEY_LIKE_USER = re.compile(r"(?=[^@]*[0-9])[A-Za-z0-9_-]{16,}")
_QUERY = re.compile(r"[?&;](?P<name>[^=&;#\s'\"]+)=(?P<value>[^&;#\s'\"]*)")
_AUTHORIZATION = re.compile(
    rf"\b(?:Bearer|Basic)\s+(?P<credential>{_REFERENCE}|[A-Za-z0-9._~+/=-]{{8,}})",
    re.IGNORECASE,
)
# NAME=value on a command line (PGPASSWORD=x psql), or --name=value / --name value.
# A value as a shell writes it: bare, or quoted whole (shlex.join quotes `~`, `!`, ...).
_SHELL_WORD = r"""(?:'[^']*'|"[^"]*"|[^\s'"]+)"""
_ASSIGNMENT = re.compile(
    rf"""(?:^|(?<=[\s'"]))(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>{_SHELL_WORD})"""
)
_OPTION = re.compile(
    r"""(?:^|(?<=[\s'"]))--?(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?:=|\s+)"""
    r"""(?P<value>'[^']*'|"[^"]*"|[^\s'"-][^\s'"]*)"""
)
# Short options of common clients whose argument is a password (redis-cli -a, mysql -p).
_CLIENT_PASSWORD = re.compile(
    r"""\b(?:redis-cli\b[^;&|]*?\s-a\s+|(?:mysql|mysqladmin|mysqldump|mariadb|mariadb-admin)"""
    rf"""\b[^;&|]*?\s-p)(?P<value>{_SHELL_WORD})"""
)


@dataclass(frozen=True)
class Credential:
    """Where a secret sits inside a value, and what kind of secret it is."""

    start: int
    end: int
    what: str  # "URL password", "URL key", ...


def credentials(text: str) -> Iterator[Credential]:
    """Every secret part of a free-text value, wherever it sits in it."""
    for match in _URL_USERINFO.finditer(text):
        if match["password"]:
            yield Credential(match.start("password"), match.end("password"), "URL password")
        elif match["user"] and _KEY_LIKE_USER.fullmatch(match["user"]):
            yield Credential(match.start("user"), match.end("user"), "URL key")
    for match in _QUERY.finditer(text):
        if match["value"] and is_secret_name(match["name"]):
            yield Credential(match.start("value"), match.end("value"), "secret URL parameter")
    for match in _AUTHORIZATION.finditer(text):
        yield Credential(match.start("credential"), match.end("credential"), "credential")
    for pattern, what in ((_ASSIGNMENT, "secret assignment"), (_OPTION, "secret option")):
        for match in pattern.finditer(text):
            if is_secret_name(match["name"]):
                yield Credential(match.start("value"), match.end("value"), what)
    for match in _CLIENT_PASSWORD.finditer(text):
        yield Credential(match.start("value"), match.end("value"), "password option")


def is_reference(text: str) -> bool:
    """Whether a secret's text only refers to a value held elsewhere (`${DB_PASSWORD}`,
    `$$REDIS_PASSWORD` for the container's shell), so that no secret is written down."""
    return _REFERENCE_ONLY.fullmatch(text) is not None


# Prefixes of well-known credentials (API keys, access tokens, private keys).
_CREDENTIAL_PREFIXES = ("sk-", "sk_", "ghp_", "gho_", "github_pat_", "xox", "AKIA", "-----BEGIN")


def looks_like_secret_value(value: str) -> bool:
    """A value that may be a real credential rather than a throw-away one such as `test`:
    a well-known credential prefix, a `digits:token` bot token, or 16 characters or more
    mixing letters and digits."""
    if value.startswith(_CREDENTIAL_PREFIXES):
        return True
    bot_id, _, token = value.partition(":")
    if bot_id.isdigit() and len(token) >= 20:
        return True
    has_letter = any(c.isalpha() for c in value)
    has_digit = any(c.isdigit() for c in value)
    return len(value) >= 16 and has_letter and has_digit
