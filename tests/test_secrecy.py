"""Which names and which parts of values are secret (model/secrecy.py), and rule SEC001,
which holds every secret it finds to a reference: exact lines, and the near misses."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.model.secrecy import credentials, is_reference, is_secret_name

from tests.policy_project import Patch, findings, patched

SECRET_NAMES = [
    "DB_PASSWORD",
    "DBPASSWORD",
    "DJANGO_SECRETKEY",
    "REDIS_PASS",
    "requirepass",
    "API_KEY",
    "apiKey",
    "DBPassword",
    "SMTP_CREDENTIALS",
    "PRIVATEKEY",
    "AUTHTOKEN",
    "com.example.deploy-token",
    "password_default",
]
PLAIN_NAMES = [
    "BYPASS_CACHE",
    "PASSENGER_COUNT",
    "KEYBOARD_LAYOUT",
    "COMPASS_HEADING",
    "MAX_TOKENS",
    "TOKENIZER",
    "MONKEY_PATCH",
    "token_variable",
    "DB_PASSWORD_FILE",
    "SECRETS_DIR",
    "PASSTHROUGH",
]


# Every entry of model/secrecy.py's word tables, written out here (not read from the
# tables) so that a word dropped from them fails a test.
EVERY_SECRET_WORD = [
    "APP_TOKEN",
    "APP_KEY",
    "APP_APIKEY",
    "APP_PASSWORD",
    "APP_PASSWD",
    "APP_PASS",
    "APP_PWD",
    "APP_PASSPHRASE",
    "APP_SECRET",
    "APP_CREDENTIAL",
    "APP_CREDENTIALS",
]
EVERY_SECRET_ENDING = [
    "ROOTPASSWORD",
    "ROOTPASSWD",
    "GPGPASSPHRASE",
    "REQUIREPASS",
    "CLIENTSECRET",
    "AUTHTOKEN",
    "MAPSAPIKEY",
    "DJANGOSECRETKEY",
    "SSHPRIVATEKEY",
    "AWSACCESSKEY",
    "JWTSIGNINGKEY",
    "DATAENCRYPTIONKEY",
    "VAULTMASTERKEY",
]
EVERY_NOT_SECRET_WORD = [
    "BYPASS_MODE",
    "COMPASS_MODE",
    "ENCOMPASS_MODE",
    "SURPASS_MODE",
    "TRESPASS_MODE",
    "OVERPASS_MODE",
    "UNDERPASS_MODE",
]
EVERY_NAMING_WORD = ["DB_PASSWORD_VARIABLE", "DB_PASSWORD_FILE", "SSH_KEY_PATH", "TOKEN_DIR"]


@pytest.mark.parametrize("name", EVERY_SECRET_WORD + EVERY_SECRET_ENDING)
def test_every_secret_word_and_ending_is_secret(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", EVERY_NOT_SECRET_WORD + EVERY_NAMING_WORD)
def test_every_listed_look_alike_and_naming_word_is_not_secret(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("name", "near_miss"),
    [("SSH_KEY", "SSH_KEY_PATH"), ("ROOTPASS", "BYPASS"), ("APIKEY", "MONKEY")],
)
def test_a_name_and_its_near_miss(name: str, near_miss: str) -> None:
    assert (is_secret_name(name), is_secret_name(near_miss)) == (True, False)


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", PLAIN_NAMES)
def test_names_that_only_look_secret(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("amqp://user:pw1@rabbit/", [("pw1", "URL password")]),
        ("redis://:pw2@redis:6379", [("pw2", "URL password")]),
        ("redis://:pw/2@redis:6379", [("pw/2", "URL password")]),
        ("amqp://app:Zq9/x/@rabbit/vh", [("Zq9/x/", "URL password")]),
        ("redis://default:${PW:-fallback}@redis", [("${PW:-fallback}", "URL password")]),
        ("https://0123456789abcdef0123@sentry.io/1", [("0123456789abcdef0123", "URL key")]),
        ("https://x.io/v1?lang=en&api_key=k3y", [("k3y", "secret URL parameter")]),
        ("Authorization: Bearer abcdefgh1", [("abcdefgh1", "credential")]),
        ("redis-server --requirepass pw3", [("pw3", "secret option")]),
        ("app --api-key=pw4", [("pw4", "secret option")]),
        ("PGPASSWORD=pw5 psql", [("pw5", "secret assignment")]),
        ("redis-cli -h redis -a pw6 ping", [("pw6", "password option")]),
        ("mysqladmin ping -uroot -ppw7", [("pw7", "password option")]),
        # near misses: a user alone, a port before a path, a non-secret parameter
        ("ssh://git@github.com/x", []),
        ("postgresql://app@db/app", []),
        ("http://host:8080/path@x", []),
        ("https://x.io/?dbname=app", []),
        ("uses Basic auth", []),
        ("serve --password-file /run/secrets/pw", []),
        ("serve --port 8001", []),
    ],
)
def test_credentials_inside_values(text: str, found: list[tuple[str, str]]) -> None:
    assert [(text[c.start : c.end], c.what) for c in credentials(text)] == found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${X}", True),
        ("${X:-default}", True),
        ("$X", True),
        ('"$$X"', True),
        ("${X}${Y}", True),
        ("abc", False),
        ("abc${X}", False),
        ("", False),
    ],
)
def test_is_reference(text: str, expected: bool) -> None:
    assert is_reference(text) is expected


API = "services:\n  api:\n"
LOCAL_API = ("local.yaml", "  api:\n")


def _production(text: str) -> list[Patch]:
    return [("production.yaml", None, API + text)]


def _sec001(message: str, where: str, field: str) -> str:
    return f"environments/{where}: SEC001 error: services.api.{field}: {message}"


# patches, the one finding expected (exact line)
LITERAL_SECRETS: list[tuple[str, list[Patch], str]] = [
    (
        "no underscore before the secret word",
        _production("    environment:\n      DBPASSWORD: hunter2\n"),
        _sec001(
            "`DBPASSWORD` is a literal value; write a ${VARIABLE} reference"
            " (never write the value itself in a spec)",
            "production.yaml:27:19",
            "environment.DBPASSWORD",
        ),
    ),
    (
        "a secret word glued to another",
        _production("    environment:\n      DJANGO_SECRETKEY: s3cr3t\n"),
        _sec001(
            "`DJANGO_SECRETKEY` is a literal value; write a ${VARIABLE} reference"
            " (never write the value itself in a spec)",
            "production.yaml:27:25",
            "environment.DJANGO_SECRETKEY",
        ),
    ),
    (
        "a URL password without a user",
        _production("    environment:\n      CACHE_URL: redis://:hunter2@cache:6379\n"),
        _sec001(
            "variable `CACHE_URL` holds a URL password that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:27:18",
            "environment.CACHE_URL",
        ),
    ),
    (
        "an alternate value is a literal, even on a laptop",
        [(*LOCAL_API, "  api:\n    environment:\n      SIGNING_TOKEN: ${T:+literal}\n")],
        "environments/local.yaml:12:22: SEC001 error: services.api.environment.SIGNING_TOKEN: "
        "`SIGNING_TOKEN` has a literal alternate value; write a ${VARIABLE} reference"
        " (never write the value itself in a spec)",
    ),
    (
        "a password as a health check argument",
        _production("    healthcheck:\n      test: [CMD, redis-cli, -a, hunter2, ping]\n"),
        _sec001(
            "`api` healthcheck passes a password option that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:27:34",
            "healthcheck.test.3",
        ),
    ),
    (
        "a password inside a shell health check",
        _production("    healthcheck:\n      test: redis-cli -a hunter2 ping\n"),
        _sec001(
            "`api` healthcheck passes a password option that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:27:13",
            "healthcheck.test.1",
        ),
    ),
    (
        "a secret option on the command line",
        _production("    command: [redis-server, --requirepass, hunter2]\n"),
        _sec001(
            "`api` command passes a secret option that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:26:44",
            "command.2",
        ),
    ),
    (
        "a secret assignment inside sh -c",
        _production("    command: [sh, -c, PGPASSWORD=hunter2 psql -h db]\n"),
        _sec001(
            "`api` command passes a secret assignment that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:26:23",
            "command.2",
        ),
    ),
    (
        "a secret option in a command string",
        _production("    entrypoint: redis-server --requirepass hunter2\n"),
        _sec001(
            "`api` entrypoint passes a secret option that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:26:17",
            "entrypoint",
        ),
    ),
    (
        "a password default inside a URL, in a deployed tier",
        _production("    environment:\n      CACHE_URL: redis://default:${PW:-fallback}@redis\n"),
        _sec001(
            "variable `CACHE_URL` holds a URL password that has a literal default"
            " (never write the value itself in a spec)",
            "production.yaml:27:18",
            "environment.CACHE_URL",
        ),
    ),
    (
        "a token in a label",
        _production("    labels:\n      com.example.deploy-token: glpat-abcdefghij\n"),
        _sec001(
            "`com.example.deploy-token` is a literal value; write a ${VARIABLE} reference"
            " (never write the value itself in a spec)",
            "production.yaml:27:33",
            "labels.com.example.deploy-token",
        ),
    ),
    (
        "a key as a URL's user",
        _production(
            "    environment:\n"
            "      SENTRY_DSN: https://0123456789abcdef0123456789abcdef@sentry.example.com/1\n"
        ),
        _sec001(
            "variable `SENTRY_DSN` holds a URL key that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:27:19",
            "environment.SENTRY_DSN",
        ),
    ),
    (
        "a key as a URL parameter",
        _production(
            "    environment:\n      FEED_URL: https://api.example.com/v1?api_key=abc123\n"
        ),
        _sec001(
            "variable `FEED_URL` holds a secret URL parameter that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:27:17",
            "environment.FEED_URL",
        ),
    ),
    (
        "a bearer token under a plain name",
        _production("    environment:\n      AUTH_HEADER: Bearer abcdefghijklmnop\n"),
        _sec001(
            "variable `AUTH_HEADER` holds a credential that is a literal value"
            " (never write the value itself in a spec)",
            "production.yaml:27:20",
            "environment.AUTH_HEADER",
        ),
    ),
]


@pytest.mark.parametrize(
    ("patches", "expected"),
    [case[1:] for case in LITERAL_SECRETS],
    ids=[case[0] for case in LITERAL_SECRETS],
)
def test_literal_secret(tmp_path: Path, patches: list[Patch], expected: str) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == [expected]


NEAR_MISSES: list[tuple[str, list[Patch]]] = [
    (
        "names that only look secret, and secrets by reference",
        _production(
            "    environment:\n"
            "      BYPASS_CACHE: 'true'\n"
            "      PASSENGER_COUNT: '4'\n"
            "      KEYBOARD_LAYOUT: us\n"
            "      MAX_TOKENS: '1024'\n"
            "      DB_PASSWORD_FILE: /run/secrets/db\n"
            "      CACHE_URL: redis://${REDIS_USER}:${REDIS_PASSWORD}@cache\n"
            "      REPOSITORY: https://git@example.com/x.git\n"
            "    labels:\n"
            "      description: uses Basic auth for admins\n"
        ),
    ),
    (
        "a password from the container's environment",
        _production('    healthcheck:\n      test: redis-cli -a "$$REDIS_PASSWORD" ping\n'),
    ),
    ("a password file", _production("    command: [serve, --password-file, /run/secrets/pw]\n")),
    (
        "a password by reference in a command string",
        _production('    command: redis-server --requirepass "$${REDIS_PASSWORD}"\n'),
    ),
    (
        "a throw-away default on a laptop",
        [(*LOCAL_API, "  api:\n    environment:\n      CACHE_URL: redis://u:${PW:-dev}@redis\n")],
    ),
]


@pytest.mark.parametrize(
    "patches", [case[1] for case in NEAR_MISSES], ids=[case[0] for case in NEAR_MISSES]
)
def test_near_misses_are_not_secrets(tmp_path: Path, patches: list[Patch]) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == []
