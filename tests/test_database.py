"""Database engines from a table, the URL's parts and scheme, and passwords inside URLs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from envgen.model.engines import ENGINES
from envgen.model.facts import FACTS, FactUnavailable
from envgen.policies.rules.database import _password_references
from pydantic import ValidationError

from tests.test_facts import environment

POSTGRES = {"name": "shop", "user": "app", "password_variable": "DB_PASSWORD"}
PASSWORD = "${DB_PASSWORD:?DB_PASSWORD must hold the database password}"


def facts(database: dict[str, Any], *names: str) -> list[str]:
    env = environment(database=database)
    return [FACTS[name].value(env) for name in names]


def test_the_table_holds_postgresql_mysql_mariadb_and_external() -> None:
    assert set(ENGINES) >= {"postgres", "mysql", "mariadb", "external"}
    assert not ENGINES["external"].runs_in_stack
    assert all(ENGINES[name].runs_in_stack for name in ("postgres", "mysql", "mariadb"))


@pytest.mark.parametrize(
    ("database", "url", "host", "port"),
    [
        (
            POSTGRES,
            f"postgresql://app:{PASSWORD}@postgres:5432/shop",
            "postgres",
            "5432",
        ),
        (
            {**POSTGRES, "engine": "mysql"},
            f"mysql://app:{PASSWORD}@mysql:3306/shop",
            "mysql",
            "3306",
        ),
        (
            {**POSTGRES, "engine": "mariadb", "service": "db", "port": 3307},
            f"mariadb://app:{PASSWORD}@db:3307/shop",
            "db",
            "3307",
        ),
        (
            {**POSTGRES, "url_scheme": "postgresql+asyncpg", "password_default": "dev"},
            "postgresql+asyncpg://app:${DB_PASSWORD:-dev}@postgres:5432/shop",
            "postgres",
            "5432",
        ),
    ],
)
def test_the_url_and_its_parts_come_from_the_engine(
    database: dict[str, Any], url: str, host: str, port: str
) -> None:
    assert facts(database, "database.url", "database.host", "database.port") == [url, host, port]
    without = url.split("@", 1)[1]
    scheme, user = url.split("://", maxsplit=1)[0], database["user"]
    assert facts(database, "database.url_without_password") == [f"{scheme}://{user}@{without}"]
    assert FACTS["database.url"].secret
    assert not FACTS["database.url_without_password"].secret


EXTERNAL = {"engine": "external", "url_variable": "PROD_DATABASE_URL"}


def test_an_external_database_is_its_variable() -> None:
    assert facts(EXTERNAL, "database.url") == [
        "${PROD_DATABASE_URL:?PROD_DATABASE_URL must hold the database URL}"
    ]
    env = environment(database=EXTERNAL)
    assert env.secret_variables() == [("PROD_DATABASE_URL", ("database", "url_variable"))]
    for part in ("host", "port", "name", "user", "password", "url_without_password"):
        with pytest.raises(FactUnavailable):
            FACTS[f"database.{part}"].value(env)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("postgresql://u:${PW}@h/db", ["PW"]),
        ("postgresql://u:$PW@h/db", ["PW"]),
        ("postgresql://u:${PW:-dev}@h/db", ["PW"]),
        ("postgresql://u:pre${PW}post@h", ["PW"]),
        ("postgresql://${USER}:${PW}@h", ["PW"]),  # the user's place is not the password's
        ("a://u:${A}@h, b://v:${B}@k", ["A", "B"]),
        ("redis://:${PW}@cache", ["PW"]),
        # Near misses: outside the user information, or no reference at all.
        ("postgresql://u@h/db?password=${PW}", []),
        ("postgresql://${PW}@h/db", []),
        ("postgresql://u:$${PW}@h/db", []),  # `$$` is a literal `$`
        ("https://h/${PW}@x", []),
        ("${PW}", []),
    ],
)
def test_where_a_url_holds_a_password_reference(text: str, found: list[str]) -> None:
    assert _password_references(text) == found


@pytest.mark.parametrize(
    ("database", "message"),
    [
        ({"name": "a", "user": "a"}, "a postgres database needs `password_variable`"),
        ({"user": "a", "password_variable": "P"}, "a postgres database needs `name`"),
        (
            {"engine": "mysql", "name": "a", "password_variable": "P"},
            "a mysql database needs `user`",
        ),
        ({**EXTERNAL, "port": 5432}, "remove `port`"),
        ({**EXTERNAL, "url_scheme": "postgresql"}, "remove `url_scheme`"),
        ({**EXTERNAL, "service": "db"}, "remove `service`"),
        ({**EXTERNAL, "password_default": "x"}, "remove `password_default`"),
        ({**POSTGRES, "url_variable": "DB_URL"}, "`url_variable` is for an external database"),
        (
            {**POSTGRES, "engine": "sqlite"},
            "unknown engine `sqlite` (known: postgres, mysql, mariadb, external)",
        ),
    ],
)
def test_a_database_must_fit_its_engine(database: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        environment(database=database)


@pytest.mark.parametrize(
    ("database", "fine"),
    [
        (EXTERNAL, True),
        ({**EXTERNAL, "name": "shop", "password_url_safe": True}, True),
        (POSTGRES, True),
        ({**POSTGRES, "password_default": "dev-1.x_Y"}, True),
        ({**POSTGRES, "password_default": "dev@1"}, False),  # a default must be URL-safe too
    ],
)
def test_near_misses_of_the_engine_rules(database: dict[str, Any], fine: bool) -> None:
    if fine:
        environment(database=database)
    else:
        with pytest.raises(ValidationError):
            environment(database=database)
