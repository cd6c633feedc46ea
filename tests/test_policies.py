"""Each policy rule: a minimal spec that breaks it (id, severity, file and line) and one
that satisfies it."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.policies import RULES

from tests.policy_project import CLEAN, Patch, findings, line_of, patched

PROD_API = "services:\n  api:\n"

# rule, severity, patches, file and text of the line the finding must point at
VIOLATIONS: list[tuple[str, str, list[Patch], str, str]] = [
    (
        "SEG001",
        "error",
        [
            ("local.yaml", None, "compose_project: shop\n"),
            ("test.yaml", None, "compose_project: shop\n"),
        ],
        "test.yaml",
        "compose_project: shop",
    ),
    (
        "SEG002",
        "error",
        [
            ("staging.yaml", None, "volumes:\n  dbdata:\n    name: shared_db\n"),
            ("production.yaml", None, "volumes:\n  dbdata:\n    name: shared_db\n"),
        ],
        "staging.yaml",
        "name: shared_db",
    ),
    (
        "SEG003",
        "error",
        [
            (
                name,
                None,
                "networks:\n  back:\n    name: shared_net\n    external: false\n"
                f"{PROD_API}    networks: [default, back, proxy]\n",
            )
            for name in ("staging.yaml", "production.yaml")
        ],
        "staging.yaml",
        "name: shared_net",
    ),
    (
        "SEG004",
        "error",
        [
            (name, None, f"{PROD_API}    container_name: api\n")
            for name in ("staging.yaml", "production.yaml")
        ],
        "staging.yaml",
        "container_name: api",
    ),
    (
        "SEG005",
        "error",
        [("test.yaml", "name: shop_test", "name: shop_production")],
        "test.yaml",
        "name: shop_production",
    ),
    (
        "SEG006",
        "error",
        [
            (name, None, "services:\n  vectors:\n    volumes: [./vectors:/data]\n")
            for name in ("staging.yaml", "production.yaml")
        ],
        "staging.yaml",
        "./vectors:/data",
    ),
    (
        "SEG007",
        "error",
        [
            (
                "local.yaml",
                None,
                "integrations:\n  bot:\n    mode: real\n    identity: shopbot\n"
                "    secrets: {token: BOT_TOKEN}\n",
            )
        ],
        "local.yaml",
        "identity: shopbot",
    ),
    (
        "SEG008",
        "error",
        [
            (
                "local.yaml",
                None,
                "integrations:\n  llm:\n    mode: real\n    secrets:\n      key: PROD_LLM_KEY\n",
            )
        ],
        "local.yaml",
        "key: PROD_LLM_KEY",
    ),
    (
        "SEG008",
        "error",
        # Basic-auth variables count too: here one holds production's bot token.
        [("staging.yaml", "user_variable: STAGING_AUTH_USER", "user_variable: PROD_BOT_TOKEN")],
        "staging.yaml",
        "user_variable: PROD_BOT_TOKEN",
    ),
    (
        "SEG009",
        "error",
        [("staging.yaml", "domain: staging.example.com", "domain: shop.example.com")],
        "staging.yaml",
        "domain: shop",
    ),
    (
        "SEG010",
        "error",
        [("local.yaml", None, "cors_origins: [https://shop.example.com]\n")],
        "local.yaml",
        "cors_origins",
    ),
    (
        "SEG011",
        "error",
        [
            (name, None, f"{PROD_API}    ports: [127.0.0.1:9000:9000]\n")
            for name in ("staging.yaml", "production.yaml")
        ],
        "staging.yaml",
        "ports: [127.0.0.1:9000:9000]",
    ),
    (
        "SEG012",
        "error",
        [
            (
                "local.yaml",
                "  api:\n",
                "  api:\n    environment:\n      PUBLIC_URL: https://shop.example.com/app\n",
            )
        ],
        "local.yaml",
        "PUBLIC_URL",
    ),
    (
        "SEG013",
        "error",
        [("test.yaml", None, "variables_file: .env.local\n")],
        "test.yaml",
        "variables_file",
    ),
    (
        "PRD001",
        "error",
        [("production.yaml", None, f"{PROD_API}    memory: !remove\n")],
        "production.yaml",
        "memory: !remove",
    ),
    (
        "PRD001",
        "warning",
        [("staging.yaml", None, f"{PROD_API}    memory: !remove\n")],
        "staging.yaml",
        "memory: !remove",
    ),
    (
        "PRD002",
        "error",
        [("production.yaml", None, f'{PROD_API}    restart: "no"\n')],
        "production.yaml",
        "restart",
    ),
    (
        "PRD003",
        "error",
        [("production.yaml", None, f"{PROD_API}    healthcheck: !remove\n")],
        "production.yaml",
        "healthcheck",
    ),
    (
        "PRD004",
        "error",
        [("production.yaml", None, f"{PROD_API}    ports: [0.0.0.0:8001:8001]\n")],
        "production.yaml",
        "ports",
    ),
    (
        "PRD005",
        "error",
        [("production.yaml", None, f"{PROD_API}    volumes: [./api/src:/app]\n")],
        "production.yaml",
        "volumes",
    ),
    (
        "PRD006",
        "error",
        [("production.yaml", None, f"{PROD_API}    command: [serve, --reload]\n")],
        "production.yaml",
        "command",
    ),
    (
        "PRD007",
        "error",
        [("production.yaml", None, "features:\n  explorer:\n    enabled: true\n")],
        "production.yaml",
        "enabled: true",
    ),
    (
        "PRD007",
        "warning",
        [("staging.yaml", None, "features:\n  debug:\n    enabled: true\n")],
        "staging.yaml",
        "enabled: true",
    ),
    (
        # On by the tier default that base.yaml declares: the finding points there.
        "PRD007",
        "error",
        [("base.yaml", "default_on: [local, test]", "default_on: [local, test, production]")],
        "base.yaml",
        "default_on: [local, test, production]",
    ),
    (
        "PRD008",
        "error",
        [("production.yaml", None, f"{PROD_API}    environment:\n      DEBUG: 1\n")],
        "production.yaml",
        "DEBUG",
    ),
    (
        "PRD008",
        "warning",
        [("staging.yaml", None, f"{PROD_API}    environment:\n      DEBUG: 'on'\n")],
        "staging.yaml",
        "DEBUG",
    ),
    (
        "PRD009",
        "error",
        [
            (
                "production.yaml",
                None,
                "services:\n  postgres:\n    volumes: []\n    tmpfs: [/var/lib/postgresql]\n",
            )
        ],
        "production.yaml",
        "tmpfs",
    ),
    (
        "PRD009",
        "error",
        [("production.yaml", None, "services:\n  postgres:\n    volumes: []\n")],
        "production.yaml",
        "volumes: []",
    ),
    (
        "PRD010",
        "error",
        [("production.yaml", "image_tag: production\n", "")],
        "base.yaml",
        "build: ./api",
    ),
    (
        "TST001",
        "error",
        [("test.yaml", "- target: /var/lib/postgresql/data", "- target: /tmp")],
        "test.yaml",
        "volumes: []",
    ),
    (
        # The data folder is the engine's: a MariaDB keeps it in /var/lib/mysql.
        "TST001",
        "error",
        [
            (
                "test.yaml",
                "  name: shop_test\n",
                "  name: shop_test\n  engine: mariadb\n  service: postgres\n",
            )
        ],
        "test.yaml",
        "volumes: []",
    ),
    (
        "DBS001",
        "warning",
        [
            (
                "staging.yaml",
                "  password_variable: STAGING_DB_PASSWORD\n",
                "  password_variable: STAGING_DB_PASSWORD\n  password_url_safe: false\n",
            )
        ],
        "base.yaml",
        "DATABASE_URL: database.url",
    ),
    (
        "DBS001",
        "warning",
        [
            (
                "local.yaml",
                "  password_default: dev\n",
                "  password_default: dev\n  password_url_safe: false\n",
            ),
            (
                "local.yaml",
                "  api:\n",
                "  api:\n    facts: !remove\n    environment:\n"
                "      DB_URL: postgresql://shop:${DEV_DB_PASSWORD:-dev}@postgres/shop_dev\n",
            ),
        ],
        "local.yaml",
        "DB_URL",
    ),
    (
        "DBS002",
        "warning",
        [("staging.yaml", "  name: shop_staging\n", "  name: ${DB_NAME}\n")],
        "staging.yaml",
        "name: ${DB_NAME}",
    ),
    (
        "TST002",
        "error",
        [
            (
                "test.yaml",
                None,
                "integrations:\n  bot:\n    mode: real\n    identity: ShopTestBot\n"
                "    secrets: {token: TEST_BOT_TOKEN}\n",
            )
        ],
        "test.yaml",
        "mode: real",
    ),
    (
        # Real by inheritance: the finding points at base.yaml's mode.
        "TST002",
        "error",
        [("base.yaml", "  llm:\n    mode: mocked\n", "  llm:\n    mode: real\n")],
        "base.yaml",
        "mode: real",
    ),
    # On one host SEG011 would find it too; TST004, the narrower rule, is reported.
    ("TST004", "error", [("test.yaml", "15432:5432", "8001:5432")], "test.yaml", "8001:5432"),
    (
        "TST004",
        "error",
        [("test.yaml", "15432:5432", "8001:5432"), ("test.yaml", "name: laptop", "name: ci")],
        "test.yaml",
        "8001:5432",
    ),
    (
        "STG001",
        "error",
        [("staging.yaml", "access: basic_auth", "access: public")],
        "staging.yaml",
        "access",
    ),
    (
        # SEG007 finds it too; STG002, the narrower rule, is reported.
        "STG002",
        "error",
        [("staging.yaml", "identity: ShopStagingBot", "identity: shopBOT")],
        "staging.yaml",
        "identity: shopBOT",
    ),
    (
        "STG002",
        "error",
        [("staging.yaml", "    identity: ShopStagingBot\n", "")],
        "staging.yaml",
        "    mode: real",  # the first line of staging's `bot`
    ),
    (
        "PRX001",
        "error",
        [
            ("staging.yaml", "proxy:\n  basic_auth:\n    user_variable: STAGING_AUTH_USER\n", ""),
            ("staging.yaml", "    hash_variable: STAGING_AUTH_HASH\n", ""),
        ],
        "staging.yaml",
        "access: basic_auth",
    ),
    (
        "PRX001",
        "error",
        [("local.yaml", None, "access: basic_auth\n")],
        "local.yaml",
        "access: basic_auth",
    ),
    (
        "PRX001",
        "error",
        [
            (
                "production.yaml",
                None,
                "proxy:\n  basic_auth:\n    user_variable: PROD_AUTH_USER\n"
                "    hash_variable: PROD_AUTH_HASH\n",
            )
        ],
        "production.yaml",
        "access: public",
    ),
    (
        "PRX002",
        "error",
        [("production.yaml", None, f"{PROD_API}    networks: [default]\n")],
        "base.yaml",
        "service: api",
    ),
    (
        "PRX002",
        "error",
        [("production.yaml", None, "networks:\n  proxy:\n    external: false\n")],
        "production.yaml",
        "external: false",
    ),
    (
        "PRX003",
        "warning",
        [("production.yaml", None, "proxy: !remove\n")],
        "production.yaml",
        "domain: shop.example.com",
    ),
    (
        "SEC001",
        "error",
        [("local.yaml", "  api:\n", "  api:\n    environment:\n      API_TOKEN: abc123\n")],
        "local.yaml",
        "API_TOKEN",
    ),
    (
        "SEC001",
        "error",
        [
            (
                "production.yaml",
                None,
                f"{PROD_API}    environment:\n      SECRET_KEY: ${{KEY:-abc}}\n",
            )
        ],
        "production.yaml",
        "SECRET_KEY",
    ),
    (
        "SEC001",
        "error",
        [
            (
                "local.yaml",
                "  api:\n",
                "  api:\n    environment:\n      CACHE_URL: redis://app:hunter2@cache\n",
            )
        ],
        "local.yaml",
        "CACHE_URL",
    ),
    (
        "SEC001",
        "error",
        [("local.yaml", "  api:\n", "  api:\n    facts:\n      API_KEY: tier\n")],
        "local.yaml",
        "API_KEY",
    ),
    (
        "SEC002",
        "error",
        [("staging.yaml", "_DB_PASSWORD\n", "_DB_PASSWORD\n  password_default: changeme\n")],
        "staging.yaml",
        "password_default",
    ),
    (
        "SEC003",
        "error",
        [("production.yaml", "variables_file: .env.production\n", "")],
        "production.yaml",
        "tier",
    ),
    (
        "BUD001",
        "warning",
        [(name, "memory: 4g", "memory: 1g") for name in ("staging.yaml", "production.yaml")],
        "production.yaml",
        "memory: 1g",
    ),
    (
        "BUD002",
        "warning",
        [("production.yaml", None, "services:\n  vectors:\n    tmpfs: [/cache]\n")],
        "production.yaml",
        "/cache",
    ),
    (
        "BUD003",
        "warning",
        [("production.yaml", "memory: 4g", "memory: 8g")],
        "production.yaml",
        "memory: 8g",
    ),
]

# rule, patches that come close but satisfy it
SATISFIED: list[tuple[str, list[Patch]]] = [
    (  # each its own external network to the proxy, the proxy on both
        "SEG003",
        [
            (
                f"{name}.yaml",
                None,
                f"networks:\n  proxy:\n    name: caddy-{name}\n    external: true\n"
                f"{PROD_API}    networks: [default, proxy]\n",
            )
            for name in ("staging", "production")
        ],
    ),
    ("SEG010", [("local.yaml", None, "cors_origins: [http://localhost:3000]\n")]),
    (
        "SEG011",
        [
            ("local.yaml", "- 8001:8001", "- 9000:9000"),
            ("staging.yaml", None, f"{PROD_API}    ports: [127.0.0.1:9000:9000]\n"),
        ],
    ),
    (
        "SEG011",
        [
            ("staging.yaml", None, f"{PROD_API}    ports: [127.0.0.2:9000:9000]\n"),
            ("production.yaml", None, f"{PROD_API}    ports: [127.0.0.1:9000:9000]\n"),
        ],
    ),
    ("SEG012", [("local.yaml", "  api:\n", "  api:\n    environment:\n      SHOP_NAME: shop\n")]),
    (
        "PRD001",
        [
            (
                "production.yaml",
                None,
                # A job is no long-running service, but it still needs a memory limit.
                "services:\n  job:\n    image: example/job:1\n    job: task\n"
                "    profiles: [jobs]\n    memory: 64m\n",
            )
        ],
    ),
    (
        "PRD005",
        [
            (
                "production.yaml",
                None,
                f"{PROD_API}    volumes: [./config/api.toml:/etc/api.toml:ro]\n",
            )
        ],
    ),
    (
        "SEC001",
        [
            (
                "production.yaml",
                None,
                f"{PROD_API}    environment:\n      API_TOKEN: ${{PROD_API_TOKEN:?set it}}\n",
            )
        ],
    ),
    (
        "SEC001",
        [
            (
                "local.yaml",
                "  api:\n",
                "  api:\n    environment:\n      API_TOKEN: ${LOCAL_API_TOKEN:-dev}\n",
            )
        ],
    ),
    ("STG002", [("staging.yaml", "identity: ShopStagingBot", "identity: ShopStaging2Bot")]),
    # A staging that mocks an integration has no identity to share.
    (
        "STG002",
        [
            (
                "staging.yaml",
                "    mode: real\n    identity: ShopStagingBot\n",
                "    mode: mocked\n",
            ),
            ("staging.yaml", "    secrets:\n      token: STAGING_BOT_TOKEN\n", ""),
        ],
    ),
    # Without an identity in production there is nothing for staging to differ from.
    (
        "STG002",
        [
            ("staging.yaml", "    identity: ShopStagingBot\n", ""),
            ("production.yaml", "    identity: ShopBot\n", ""),
        ],
    ),
    # One identity for two different integrations is no clash.
    (
        "SEG007",
        [("local.yaml", None, "integrations:\n  llm:\n    mode: real\n    identity: ShopBot\n")],
    ),
    # An identity shared with a mocked integration is only a label.
    ("SEG007", [("local.yaml", None, "integrations:\n  bot:\n    identity: ShopBot\n")]),
    # The `data` marker, not the image, makes a service's storage SEG006's business.
    (
        "SEG006",
        [("base.yaml", "    data: true\n", "")]
        + [
            (name, None, "services:\n  vectors:\n    volumes: [./vectors:/data]\n")
            for name in ("staging.yaml", "production.yaml")
        ],
    ),
    ("TST002", [("test.yaml", None, "integrations:\n  bot:\n    mode: 'off'\n")]),
    # A flag that is not for developers only may be on anywhere.
    ("PRD007", [("production.yaml", None, "features:\n  new_checkout:\n    enabled: true\n")]),
    (
        "PRD008",
        [("production.yaml", None, f"{PROD_API}    environment:\n      DEBUG: 'false'\n")],
    ),
    # Without a domain nothing is routed, so the proxy's settings are not checked.
    ("PRX002", [("local.yaml", "  api:\n", "  api:\n    networks: [default]\n")]),
    ("PRX001", [("local.yaml", None, "access: localhost\n")]),
    # A domain on a laptop tier is not deployed, so no route is demanded.
    ("PRX003", [("local.yaml", None, "domain: shop.test\nproxy: !remove\n")]),
    ("TST004", [("test.yaml", "15432:5432", "15433:5432")]),
    (
        "TST001",
        [
            (
                "test.yaml",
                "  name: shop_test\n",
                "  name: shop_test\n  engine: mysql\n  service: postgres\n",
            ),
            ("test.yaml", "- target: /var/lib/postgresql/data", "- target: /var/lib/mysql"),
        ],
    ),
    # A database name from a variable with a default: SEG005 judges the default.
    ("DBS002", [("staging.yaml", "  name: shop_staging\n", "  name: ${DB_NAME:-shop_staging}\n")]),
    # The URL without the password, or another variable in a URL: not the database's.
    (
        "DBS001",
        [
            (
                "local.yaml",
                "  password_default: dev\n",
                "  password_default: dev\n  password_url_safe: false\n",
            ),
            (
                "local.yaml",
                "  api:\n",
                "  api:\n    facts:\n      DATABASE_URL: database.url_without_password\n"
                "    environment:\n      CACHE_URL: redis://:${DEV_CACHE_PASSWORD}@cache\n"
                "      DB_QUERY: postgresql://shop@postgres/shop_dev?sslmode=${DEV_DB_PASSWORD}\n",
            ),
        ],
    ),
]

VIOLATIONS += [
    (
        "VAR001",
        "error",
        [("staging.yaml", "variables_file: .env.staging\n", "variables_file: staging.env\n")],
        "staging.yaml",
        "variables_file: staging.env",
    ),
    (
        "VAR001",
        "warning",
        [("local.yaml", "variables_file: .env.local\n", "variables_file: local.env\n")],
        "local.yaml",
        "variables_file: local.env",
    ),
    (
        "VAR002",
        "error",
        [
            ("test.yaml", "password_default: test\n", "password_default: planted-1234abcd\n"),
            ("test.yaml", None, "variables_file: .env.test\n"),
        ],
        "test.yaml",
        "password_default: planted-1234abcd",
    ),
    (
        "VAR003",
        "error",
        [("test.yaml", None, "variables_file: .env.testing\n")],
        "test.yaml",
        "variables_file: .env.testing",
    ),
]

SATISFIED += [
    # `.env.*` has no slash: it matches the name in every folder.
    (
        "VAR001",
        [("staging.yaml", "variables_file: .env.staging\n", "variables_file: ops/.env.staging\n")],
    ),
    # 15 characters mixing letters and digits: one short of looking like a credential.
    (
        "VAR002",
        [
            ("test.yaml", "password_default: test\n", "password_default: abcdefghijklm12\n"),
            ("test.yaml", None, "variables_file: .env.test\n"),
        ],
    ),
    ("VAR003", [("test.yaml", None, "variables_file: .env.test\n")]),
]


VIOLATIONS += [
    (
        "HST001",
        "error",
        [("production.yaml", None, f"{PROD_API}    {key}\n")],
        "production.yaml",
        key,
    )
    for key in (
        "privileged: true",
        "pid: host",
        "network_mode: host",
        "cap_add: [SYS_ADMIN]",
        "volumes: ['/var/run/docker.sock:/var/run/docker.sock:ro']",
    )
]
VIOLATIONS += [
    (
        "HST001",
        "error",
        [("staging.yaml", None, f"{PROD_API}    privileged: true\n")],
        "staging.yaml",
        "privileged: true",
    ),
    # A Docker secret read from a variable is a secret variable like any other.
    (
        "SEG008",
        "error",
        [
            (name, None, "secrets:\n  api_key:\n    environment: SHARED_API_KEY\n")
            for name in ("staging.yaml", "production.yaml")
        ],
        "staging.yaml",
        "environment: SHARED_API_KEY",
    ),
    # Compose's deploy.replicas and reservations count in the host's budget.
    (
        "BUD001",
        "warning",
        [("production.yaml", None, f"{PROD_API}    deploy:\n      replicas: 12\n")],
        "production.yaml",
        "memory: 4g",
    ),
    (
        "BUD001",
        "warning",
        [
            (
                "production.yaml",
                None,
                f"{PROD_API}    deploy:\n      resources:\n        reservations: {{memory: 3g}}\n",
            )
        ],
        "production.yaml",
        "memory: 4g",
    ),
]
SATISFIED += [
    ("HST001", [("local.yaml", "    ports:", "    privileged: true\n    pid: host\n    ports:")]),
    ("HST001", [("production.yaml", None, f"{PROD_API}    pid: service:postgres\n")]),
    ("HST001", [("production.yaml", None, f"{PROD_API}    cap_add: [NET_BIND_SERVICE]\n")]),
    ("BUD001", [("production.yaml", None, f"{PROD_API}    deploy:\n      replicas: 2\n")]),
]

# Secrets in the other places a spec writes down: exact lines in tests/test_secret_places.py.
VIOLATIONS += [
    (
        "SEC004",
        "error",
        [("local.yaml", "password_default: dev", "password_default: abc123def456ghij")],
        "local.yaml",
        "password_default: abc123",
    ),
]
SATISFIED += [
    ("SEC004", [("local.yaml", "password_default: dev", "password_default: dev-only")]),
]


# Seed jobs: the exact lines, boundaries and near misses are in tests/test_jobs.py.
SEED_JOB = f'{PROD_API}    seed: true\n    profiles: [seed]\n    restart: "no"\n'
VIOLATIONS += [
    ("JOB001", "error", [("production.yaml", None, SEED_JOB)], "production.yaml", "seed: true"),
    (
        "JOB002",
        "error",
        # A seed job that keeps the api's restart policy from base.yaml.
        [("staging.yaml", None, f"{PROD_API}    seed: true\n    profiles: [seed]\n")],
        "base.yaml",
        "restart: unless-stopped",
    ),
    (
        "JOB003",
        "error",
        # A declared migration that keeps the api's restart policy from base.yaml.
        [("production.yaml", None, f"{PROD_API}    job: migration\n")],
        "base.yaml",
        "restart: unless-stopped",
    ),
]
SATISFIED += [
    ("JOB001", [("staging.yaml", None, SEED_JOB)]),
    ("JOB001", [("production.yaml", None, f"{PROD_API}    profiles: [seed]\n")]),
]


# A network is created by its stack unless it says `external: true`, as in Compose.
BACK_JOINED = f"{PROD_API}    networks: [default, back, proxy]\n"
VIOLATIONS += [
    (
        "SEG003",
        "error",
        [
            (name, None, f"networks:\n  back:\n    name: shared_net\n{BACK_JOINED}")
            for name in ("staging.yaml", "production.yaml")
        ],
        "staging.yaml",
        "name: shared_net",
    ),
    (
        "PRX002",
        "error",
        [("production.yaml", None, "networks:\n  proxy: !override\n    name: edge\n")],
        "production.yaml",
        "proxy: !override",
    ),
]
SATISFIED += [
    # Without a name each is `<project>_back`: two projects, two networks.
    (
        "SEG003",
        [
            (name, None, f"networks:\n  back: {{}}\n{BACK_JOINED}")
            for name in ("staging.yaml", "production.yaml")
        ],
    ),
    # One name on two hosts: two networks.
    (
        "SEG003",
        [
            (name, None, f"networks:\n  back: {{name: shared_net}}\n{BACK_JOINED}")
            for name in ("staging.yaml", "production.yaml")
        ]
        + [("staging.yaml", "name: vps", "name: vps2")],
    ),
]
VIOLATIONS += [
    # External does not make a network safe to share: services of two environments on it
    # reach each other past the proxy (the proxy's network was so once).
    (
        "SEG003",
        "error",
        [
            (
                name,
                None,
                f"networks:\n  back:\n    name: shared_net\n    external: true\n{BACK_JOINED}",
            )
            for name in ("staging.yaml", "production.yaml")
        ],
        "staging.yaml",
        "name: shared_net",
    ),
    (
        "SEG003",
        "error",
        [
            (name, None, "networks:\n  proxy:\n    name: caddy\n    external: true\n")
            for name in ("staging.yaml", "production.yaml")
        ],
        "staging.yaml",
        "name: caddy",
    ),
]


# An image without a tag: fine on a laptop, a warning in test and staging, an error in
# production; a tag, a digest or a variable satisfies it, and a built image is PRD010's.
UNPINNED = "services:\n  postgres:\n    image: postgres\n"
VIOLATIONS += [
    (
        "PRD011",
        "error",
        [("production.yaml", None, UNPINNED)],
        "production.yaml",
        "image: postgres",
    ),
    ("PRD011", "warning", [("staging.yaml", None, UNPINNED)], "staging.yaml", "image: postgres"),
    (
        "PRD011",
        "warning",
        [("test.yaml", "  postgres:\n", "  postgres:\n    image: postgres\n")],
        "test.yaml",
        "image: postgres",
    ),
]
SATISFIED += [
    ("PRD011", [("local.yaml", "services:\n", UNPINNED)]),
    ("PRD011", [("production.yaml", None, "services:\n  postgres:\n    image: postgres:16\n")]),
    (
        "PRD011",
        [
            (
                "production.yaml",
                None,
                f"services:\n  postgres:\n    image: postgres@sha256:{'a' * 64}\n",
            )
        ],
    ),
    (
        "PRD011",
        [
            (
                "production.yaml",
                None,
                "services:\n  postgres:\n    image: ${PG_IMAGE:-postgres:16}\n",
            )
        ],
    ),
    (
        "PRD011",
        [("production.yaml", None, "services:\n  postgres:\n    image: registry:5000/pg:16\n")],
    ),
]


# A variable in a host port: the rules judge its default; with none, PRT001 says so.
VIOLATIONS += [
    (
        "PRT001",
        "warning",
        [("local.yaml", "      - 8001:8001\n", "      - ${API_PORT}:8001\n")],
        "local.yaml",
        "${API_PORT}:8001",
    ),
    (
        "TST004",
        "error",
        [("test.yaml", "      - 15432:5432\n", "      - ${PG_PORT:-8001}:5432\n")],
        "test.yaml",
        "${PG_PORT:-8001}:5432",
    ),
]
SATISFIED += [
    ("PRT001", [("local.yaml", "      - 8001:8001\n", "      - ${API_PORT:-8001}:8001\n")]),
    ("TST004", [("test.yaml", "      - 15432:5432\n", "      - ${PG_PORT:-15432}:5432\n")]),
]


# The target kubernetes: production moved to a cluster, every service with a CPU limit
# (KUB003); the exact lines and near misses are in tests/test_kubernetes_rules.py.
def _kube(api: str = "", postgres: str = "") -> str:
    return (
        f"target: kubernetes\nservices:\n  api:\n    cpus: 1\n{api}"
        f"  postgres:\n    cpus: 1\n{postgres}  vectors:\n    cpus: 1\n"
    )


KUBE_TEST = [
    ("test.yaml", "tier: test\n", "tier: test\ntarget: kubernetes\nimage_tag: test\n"),
]
VIOLATIONS += [
    (
        "KUB001",
        "error",
        [("production.yaml", None, _kube(api="    volumes: ['/var/log:/host-logs:ro']\n"))],
        "production.yaml",
        "volumes: ['/var/log",
    ),
    (
        "KUB002",
        "error",
        [
            *KUBE_TEST,
            ("test.yaml", "  postgres:\n", "  postgres:\n    cpus: 1\n    privileged: true\n"),
        ],
        "test.yaml",
        "privileged: true",
    ),
    (
        "KUB003",
        "error",
        [("production.yaml", None, _kube().replace("    cpus: 1\n", "    read_only: false\n", 1))],
        "production.yaml",
        "read_only: false",
    ),
    (
        "KUB004",
        "error",
        [
            ("production.yaml", "image_tag: production", "image_tag: latest"),
            ("production.yaml", None, _kube()),
        ],
        "production.yaml",
        "image_tag: latest",
    ),
    (
        "KUB005",
        "error",
        [
            ("production.yaml", None, _kube()),
            (
                "staging.yaml",
                None,
                _kube(api="    environment:\n      DB_HOST: postgres.shop-production\n"),
            ),
        ],
        "staging.yaml",
        "DB_HOST: postgres.shop-production",
    ),
    (
        "KUB006",
        "error",
        [
            ("production.yaml", None, _kube()),
            ("staging.yaml", None, "kubernetes: {namespace: shop-production}\n" + _kube()),
        ],
        "staging.yaml",
        "kubernetes: {namespace",
    ),
]
SATISFIED += [
    ("KUB003", [("production.yaml", None, _kube())]),
    ("KUB002", [*KUBE_TEST, ("test.yaml", "  postgres:\n", "  postgres:\n    cpus: 1\n")]),
]


# Preview templates: staging made one (its values all hold `staging`, the token).
TEMPLATE = ("staging.yaml", None, "preview:\n  ttl: 72h\n")
OWN_USER = (
    "staging.yaml",
    "  name: shop_staging\n",
    "  name: shop_staging\n  user: shop_staging\n",
)
OWN_NETWORK = (
    "staging.yaml",
    None,
    "networks:\n  proxy:\n    name: shop-staging-edge\n    external: false\n",
)
VIOLATIONS += [
    ("PRV001", "error", [TEMPLATE, OWN_NETWORK], "base.yaml", "  user: shop"),
    ("PRV002", "error", [TEMPLATE, OWN_USER], "base.yaml", "  proxy: {name: edge"),
    (
        "PRV003",
        "error",
        [TEMPLATE, OWN_USER, OWN_NETWORK, ("local.yaml", "  name: shop_dev", "  name: shop_pr_1")],
        "staging.yaml",
        "  name: shop_staging",
    ),
]
SATISFIED += [
    ("PRV001", [TEMPLATE, OWN_USER, OWN_NETWORK]),
    ("PRV002", [TEMPLATE, OWN_USER, OWN_NETWORK]),
    # `pr_01` is no preview's: an id has no leading zero.
    (
        "PRV003",
        [TEMPLATE, OWN_USER, OWN_NETWORK, ("local.yaml", "  name: shop_dev", "  name: shop_pr_01")],
    ),
]


def test_at_least_twenty_rules_each_with_a_violation() -> None:
    assert len(RULES) >= 20
    assert sorted({case[0] for case in VIOLATIONS}) == sorted(RULES)


def test_the_clean_project_satisfies_every_rule(tmp_path: Path) -> None:
    assert findings(tmp_path, CLEAN) == []


@pytest.mark.parametrize(
    "case", VIOLATIONS, ids=[f"{case[0]}-{index}" for index, case in enumerate(VIOLATIONS)]
)
def test_violation(tmp_path: Path, case: tuple[str, str, list[Patch], str, str]) -> None:
    rule, severity, patches, name, needle = case
    files = patched(patches)
    found = findings(tmp_path, files)
    assert [(p.rule, p.severity) for p in found] == [(rule, severity)], [str(p) for p in found]
    position = found[0].position
    assert f"{position.path}:{position.line}" == line_of(files, name, needle)


@pytest.mark.parametrize(
    ("rule", "patches"), SATISFIED, ids=[f"{case[0]}-{i}" for i, case in enumerate(SATISFIED)]
)
def test_near_miss_satisfies(tmp_path: Path, rule: str, patches: list[Patch]) -> None:
    found = findings(tmp_path, patched(patches))
    assert [str(p) for p in found if p.rule == rule or p.severity == "error"] == []
