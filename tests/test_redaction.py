"""The one redaction rule: credentials and secret-named values never shown, names shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.problems import Position, Problem
from envgen.redaction import (
    SECRET,
    conceal,
    public_in,
    redact,
    redact_text,
    scrub,
    scrub_problems,
    secrets_in,
)
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Run, edit_spec


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("amqp://user:pw@rabbit/vhost", "amqp://user:(secret)@rabbit/vhost"),
        ("redis://:pw@redis:6379/0", "redis://:(secret)@redis:6379/0"),
        ("https://0123456789abcdef01@sentry.example/1", "https://(secret)@sentry.example/1"),
        ("http://api/x?api_key=abc&page=2", "http://api/x?api_key=(secret)&page=2"),
        ("http://api/x?page=2&token=abc", "http://api/x?page=2&token=(secret)"),
        ("http://api/x?password=abc", "http://api/x?password=(secret)"),
        ("Authorization: Bearer abc.def.123", "Authorization: Bearer (secret)"),
        ("redis-cli -a hunter2 ping", "redis-cli -a (secret) ping"),
        ("PGPASSWORD=hunter2 psql -U app", "PGPASSWORD=(secret) psql -U app"),
        ("psql --password hunter2", "psql --password (secret)"),
        ("--db-password=hunter2", "--db-password=(secret)"),
        # A reference is a name: it stays, without the literal default it may carry.
        ("postgresql://app:${DB_PASSWORD}@db/app", "postgresql://app:${DB_PASSWORD}@db/app"),
        ("redis://default:${PW:-fallback}@redis", "redis://default:${PW}@redis"),
        # Near misses: nothing secret in them, so nothing hidden.
        ("http://example.com/?page=2", "http://example.com/?page=2"),
        ("postgresql://db:5432/app", "postgresql://db:5432/app"),
        ("Basic auth for staging", "Basic auth for staging"),
        ("${LOG_LEVEL:-info}", "${LOG_LEVEL:-info}"),
        ("MODE=fast", "MODE=fast"),
        ("user@example.com", "user@example.com"),
    ],
)
def test_redact_text_cuts_credentials_out_of_strings(text: str, shown: str) -> None:
    assert redact_text(text) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("${DB_PASSWORD}", "${DB_PASSWORD}"),
        ("${DB_PASSWORD:-devpass}", "${DB_PASSWORD}"),
        ("${A}${B}", "${A} ${B}"),
        ("${A:?set A}", "${A}"),
        ("prefix-${A}", SECRET),
        ("$${A}", SECRET),  # an escaped `$`: a literal, not a reference
        ("hunter2", SECRET),
        (1234, SECRET),
    ],
)
def test_conceal_shows_only_the_names_of_variables(value: object, shown: str) -> None:
    assert conceal(value) == shown


def test_redact_hides_by_name_and_keeps_names() -> None:
    data = {
        "DB_PASSWORD": "${DB_PASSWORD:-x}",
        "API_KEY": "abc",
        "token_variable": "BOT_TOKEN",
        "key_variable": "sk-abc123",  # a secret pasted where a name belongs
        "password_default": "devpw",
        "facts": {"BOT_TOKEN": "bot.token"},
        # An integration's secrets map to variable names; a pasted secret stays hidden.
        "secrets": {"token": "BOT_TOKEN", "key": "sk-abc123"},
        "labels": {"com.example.deploy-token": "glpat-xx", "tier": "prod"},
        "command": ["psql", "--password", "hunter2", "-c", "select 1"],
        "url": "redis://:pw@redis",
        "enabled": True,
        "port": 5432,
        "none": None,
    }
    assert redact(data) == {
        "DB_PASSWORD": "${DB_PASSWORD}",
        "API_KEY": SECRET,
        "token_variable": "BOT_TOKEN",
        "key_variable": SECRET,
        "password_default": SECRET,
        "facts": {"BOT_TOKEN": "bot.token"},
        "secrets": {"token": "BOT_TOKEN", "key": SECRET},
        "labels": {"com.example.deploy-token": SECRET, "tier": "prod"},
        "command": ["psql", "--password", SECRET, "-c", "select 1"],
        "url": "redis://:(secret)@redis",
        "enabled": True,
        "port": 5432,
        "none": None,
    }


def test_secrets_in_finds_literals_and_defaults_but_not_names() -> None:
    data = {
        "DB_PASSWORD": "${DB_PASSWORD:-hunter2}",
        "url": "redis://default:${PW:-fallback}@redis",
        "other": "amqp://u:pw123@rabbit",
        "token_variable": "glpat-abc",
        "key_variable": "NAME",
        "secrets": {"token": "BOT_TOKEN", "key": "sk-pasted"},
        "command": ["psql", "--password", "s3cret"],
        "ab": "x",  # too short to scrub
    }
    assert secrets_in(data) == {"hunter2", "fallback", "pw123", "glpat-abc", "sk-pasted", "s3cret"}


def test_public_in_lists_what_is_shown_openly() -> None:
    assert public_in({"name": "app", "password_default": "app", "url": "redis://:x@r"}) == {"app"}


def test_scrub_replaces_quoted_whole_values_only() -> None:
    text = "finds nothing in test; `test-data`, `test` and 'x:test@h'"
    assert (
        scrub(text, {"test"}) == "finds nothing in test; `test-data`, `(secret)` and 'x:(secret)@h'"
    )


def test_scrub_problems_cleans_message_and_hint() -> None:
    problem = Problem(Position("a.yaml", 1, 1), "x", "bad `hunter2`", "not 'hunter2'")
    assert [str(p) for p in scrub_problems([problem], {"hunter2"})] == [
        "a.yaml:1:1: x: bad `(secret)` (not '(secret)')"
    ]


_CANARY = st.from_regex(r"[A-Za-z0-9]{13,20}", fullmatch=True).map(lambda s: f"Zq9{s}")


@given(canary=_CANARY, user=st.sampled_from(["", "u", "admin"]))
def test_a_url_password_never_survives_redaction(canary: str, user: str) -> None:
    for text in (
        f"redis://{user}:{canary}@host:1/0",
        f"https://{canary}@sentry.example/1",
        f"http://h/p?x=1&api_key={canary}",
        f"Bearer {canary}",
        f"sh -c 'PGPASSWORD={canary} psql'",
    ):
        assert canary not in redact_text(text)
        assert canary in secrets_in({"v": text})


@given(canary=_CANARY, name=st.sampled_from(["DB_PASSWORD", "api_key", "X_TOKEN", "secret"]))
def test_a_value_under_a_secret_name_never_survives_redaction(canary: str, name: str) -> None:
    assert canary not in str(redact({name: canary}))
    assert canary not in str(redact({name: f"${{{name.upper()}:-{canary}}}"}))
    assert canary not in scrub(f"value `{canary}` is bad", secrets_in({name: canary}))


CANARY = "Zq9CanaryS3cretValue"


def test_show_hides_secret_values_in_every_format(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "local.yaml", "password_default: coupette", f"password_default: {CANARY}")
    edit_spec(
        shipped,
        "local.yaml",
        "  bot:\n    volumes:\n",
        f"  bot:\n    environment:\n      CACHE_URL: redis://:{CANARY}@redis\n    volumes:\n",
    )
    outputs = [run("--root", shipped, "show", "local", *extra) for extra in _SHOW_FORMATS]
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert CANARY not in result.output
    assert "password_default: (secret)" in outputs[0].stdout
    assert "CACHE_URL: redis://:(secret)@redis" in outputs[0].stdout
    assert "token: TELEGRAM_BOT_TOKEN" in outputs[0].stdout  # a variable's name, shown


_SHOW_FORMATS = [(), ("--format", "json"), ("--origins",), ("--origins", "--format", "json")]


@pytest.mark.parametrize("field", ["token: TELEGRAM_BOT_TOKEN", "password_default: coupette"])
def test_an_error_never_quotes_a_value_that_may_be_secret(
    shipped: Path, run: Run, field: str
) -> None:
    key = field.split(":", maxsplit=1)[0]
    edit_spec(shipped, "local.yaml", field, f'{key}: "{CANARY} !"')
    line = next(
        number
        for number, text in enumerate(
            (shipped / "environments/local.yaml").read_text().splitlines(), 1
        )
        if text.strip().startswith(key)
    )
    result = run("--root", shipped, "validate")
    assert result.exit_code == 2
    assert CANARY not in result.output
    assert result.stderr.splitlines()[0].startswith(f"environments/local.yaml:{line}:")
    assert "(22 characters, not shown as they may be a secret)" in result.stderr
