"""A minimal four-environment project that every policy rule accepts, and ways to break it."""

from __future__ import annotations

from pathlib import Path

from envgen.errors import SpecError
from envgen.policies.check import enforce
from envgen.problems import Problem
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import write_tree

BASE = """\
app: shop
access: localhost
integrations:
  bot:
    description: chat bot
    mode: mocked
  llm:
    mode: mocked
features:
  explorer:
    description: API explorer
    default_on: [local, test]
    development_only: true
  debug:
    default_on: [local]
    development_only: true
  new_checkout:
    default_on: [local, test, staging, production]
database:
  name: shop
  user: shop
  password_variable: DB_PASSWORD
  password_url_safe: true
volumes:
  dbdata: {}
  vectors: {}
networks:
  proxy: {name: edge, external: true}
  # the external network Caddy routes through
proxy:
  network: proxy
  service: api
  port: 8001
services:
  api:
    image: example/api
    build: ./api
    command: [serve]
    networks: [default, proxy]
    facts:
      DATABASE_URL: database.url
    healthcheck:
      test: [CMD, check]
    restart: unless-stopped
    memory: 256m
  postgres:
    image: postgres:16
    volumes:
      - dbdata:/var/lib/postgresql/data
    healthcheck:
      test: [CMD, pg_isready]
    restart: unless-stopped
    memory: 256m
  vectors:
    image: example/vectors:1.0
    data: true
    volumes:
      - vectors:/data
    healthcheck:
      test: [CMD, check]
    restart: unless-stopped
    memory: 256m
"""

LOCAL = """\
tier: local
host:
  name: laptop
variables_file: .env.local
database:
  name: shop_dev
  password_variable: DEV_DB_PASSWORD
  password_default: dev
services:
  api:
    ports:
      - 8001:8001
"""

TEST = """\
tier: test
host:
  name: laptop
database:
  name: shop_test
  password_variable: TEST_DB_PASSWORD
  password_default: test
services:
  api: !remove
  vectors: !remove
  postgres:
    volumes: []
    tmpfs:
      - target: /var/lib/postgresql/data
        size: 64m
    ports:
      - 15432:5432
"""


def _deployed(
    *, tier: str, name: str, prefix: str, domain: str, bot: str, access: str, extra: str = ""
) -> str:
    return f"""\
tier: {tier}
host:
  name: vps
  memory: 4g
domain: {domain}
access: {access}
variables_file: .env.{name}
image_tag: {name}
integrations:
  bot:
    mode: real
    identity: {bot}
    secrets:
      token: {prefix}_BOT_TOKEN
  llm:
    mode: real
    secrets:
      key: {prefix}_LLM_KEY
database:
  name: shop_{name}
  password_variable: {prefix}_DB_PASSWORD
cors_origins:
  - https://{domain}
{extra}"""


STAGING = _deployed(
    tier="staging",
    name="staging",
    prefix="STAGING",
    domain="staging.example.com",
    bot="ShopStagingBot",
    access="basic_auth",
    extra="proxy:\n  basic_auth:\n    user_variable: STAGING_AUTH_USER\n"
    "    hash_variable: STAGING_AUTH_HASH\n",
)
PRODUCTION = _deployed(
    tier="production",
    name="production",
    prefix="PROD",
    domain="shop.example.com",
    bot="ShopBot",
    access="public",
)

_SPECS = {
    ".gitignore": ".env\n.env.*\n!.env.example\n!.env.test\n",
    "environments/base.yaml": BASE,
    "environments/local.yaml": LOCAL,
    "environments/test.yaml": TEST,
    "environments/staging.yaml": STAGING,
    "environments/production.yaml": PRODUCTION,
}

# (spec file name, text to replace or None to append, new text)
Patch = tuple[str, str | None, str]


def patched(patches: list[Patch]) -> dict[str, str]:
    """The clean project with `patches` applied; then staging and production each declare
    their own proxy network, last in their spec (so that no line a patch appends moves),
    beside the networks a patch declares."""
    files = dict(_SPECS)
    for name, old, new in patches:
        path = f"environments/{name}"
        if old is None:
            files[path] += new
        else:
            assert files[path].count(old) == 1, f"{old!r} is not unique in {name}"
            files[path] = files[path].replace(old, new)
    for name in ("staging", "production"):
        path = f"environments/{name}.yaml"
        files[path] = _with_network(files[path], f"  proxy:\n    name: edge-{name}\n")
    return files


def _with_network(text: str, entry: str) -> str:
    """`entry` added under the spec's `networks` (appended when it has none), unless a
    patch declares that network already."""
    lines = text.split("\n")
    if "networks:" not in lines:
        return text + "networks:\n" + entry
    start = lines.index("networks:")
    stop = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")),
        len(lines),
    )
    key = entry.split("\n", maxsplit=1)[0]
    if any(line.startswith(key) for line in lines[start + 1 : stop]):
        return text
    return "\n".join([*lines[:stop], *entry.rstrip("\n").split("\n"), *lines[stop:]])


CLEAN = patched([])


def findings(root: Path, files: dict[str, str]) -> list[Problem]:
    """Every policy problem of the project in `files`, blocking or not."""
    write_tree(root, files)
    try:
        return enforce(load_project(load_settings(root)))
    except SpecError as error:
        return error.problems


def line_of(files: dict[str, str], name: str, needle: str) -> str:
    """`environments/NAME:LINE` of the first line holding `needle`."""
    text = files[f"environments/{name}"]
    assert needle in text, f"{needle!r} not in {name}"
    return f"environments/{name}:{text[: text.index(needle)].count(chr(10)) + 1}"
