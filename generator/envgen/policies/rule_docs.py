"""What each rule reads, how to fix a finding, and an example of a violation and its fix:
the documentation that the registry puts on each rule object (docs/reference/rules.md).

Each example is a piece of one spec of the project that `envgen init shop` makes (a web
service and PostgreSQL; staging and production on the host `server`), and
tests/test_rule_examples.py applies it: the violation draws the rule, the fix nothing."""

from __future__ import annotations

from typing import NamedTuple

from envgen.policies.rule import Example


class RuleDoc(NamedTuple):
    reads_text: str
    fix: str
    example: Example


_PRODUCTION_BOT = (
    "production.yaml",
    "integrations:\n  bot:\n    mode: real\n    identity: ShopBot\n"
    "    secrets:\n      token: PROD_BOT_TOKEN\n",
)
_ON_BACKEND = "services:\n  postgres:\n    networks: [default, backend]\n"
_SEED_JOB = (
    "services:\n  seed:\n    description: loads a sample of the catalogue\n    seed: true\n"
    "    image: ghcr.io/example/shop-seed:1.0\n    command: [python, -m, seed]\n"
)
_MIGRATION_JOB = (
    "services:\n  migrate:\n    description: database migrations\n    job: migration\n"
    "    image: ghcr.io/example/shop-migrate:1.0\n    command: [migrate, up]\n"
    "    memory: 128m\n"
)

# The target kubernetes: production on a cluster (with a release tag and CPU limits), and
# both deployed environments there for the rules that compare namespaces.
_KUBE_PRODUCTION = (
    (
        "production.yaml",
        "target: kubernetes\nimage_tag: '1.0'\nservices:\n  web:\n    cpus: 1\n"
        "  postgres:\n    cpus: 1\n",
    ),
)
_KUBE_BOTH = (
    *_KUBE_PRODUCTION,
    (
        "staging.yaml",
        "target: kubernetes\nservices:\n  web:\n    cpus: 1\n  postgres:\n    cpus: 1\n",
    ),
)
# Staging as the template of previews, its own values named after it.
_PREVIEW_TEMPLATE = "preview:\n  ttl: 72h\ndatabase:\n  user: shop_staging\n"
_PREVIEW_NETWORK = "networks:\n  proxy:\n    name: shop-staging-edge\n    external: false\n"

DOCS: dict[str, RuleDoc] = {
    "SEG001": RuleDoc(
        "each environment's compose project name: `compose_project`, by default "
        "`<app>-<name>`, against the environments on the same `host.name`.",
        "Give the environment a project name of its own, or leave `compose_project` out.",
        Example(
            "staging.yaml", "compose_project: shop-production\n", "compose_project: shop-staging\n"
        ),
    ),
    "SEG002": RuleDoc(
        "the Docker name of every named volume a service mounts: `volumes.<key>.name`, by "
        "default `<compose_project>_<key>`, with `${VAR:-default}` expanded, on the same "
        "`host.name`; on every host, a volume's `driver` other than `local` (with its name) "
        "and the share a local volume mounts (`driver_opts` with `type: nfs`, `nfs4`, "
        "`cifs`... or `o: addr=...`, by server and `device`).",
        "Give the volume a name of the environment's own, or leave `name` out.",
        Example(
            "staging.yaml",
            "volumes:\n  pgdata:\n    name: shop-production_pgdata\n",
            "volumes:\n  pgdata:\n    name: shop-staging_pgdata\n",
        ),
    ),
    "SEG003": RuleDoc(
        "the Docker name of every network, by default `<compose_project>_<key>` (an "
        "external one by its key), and the implicit `<project>_default`; the proxy's "
        "external network is exempt; on the same `host.name`, or on every host for a "
        "`driver: overlay` network.",
        "Name the network after the environment, or leave `name` out.",
        Example(
            "staging.yaml",
            "networks:\n  backend:\n    name: shop-backend\n" + _ON_BACKEND,
            "networks:\n  backend:\n    name: shop-staging-backend\n" + _ON_BACKEND,
            given=(
                (
                    "production.yaml",
                    "networks:\n  backend:\n    name: shop-backend\n" + _ON_BACKEND,
                ),
            ),
        ),
    ),
    "SEG004": RuleDoc(
        "each service's `container_name`, with `${VAR:-default}` expanded, against the "
        "environments on the same `host.name`.",
        "Give the container a name of the environment's own, or leave it out: Compose "
        "names containers after the project.",
        Example(
            "staging.yaml",
            "services:\n  web:\n    container_name: shop-web\n",
            "services:\n  web:\n    container_name: shop-staging-web\n",
            given=(("production.yaml", "services:\n  web:\n    container_name: shop-web\n"),),
        ),
    ),
    "SEG005": RuleDoc(
        "`database.name` of every environment: as written, a variable by its default "
        "(`${DB_NAME:-shop}`), one without a default by the variable and the variables file "
        "it is read from (DBS002 says so).",
        "Name the environment's database after it.",
        Example(
            "staging.yaml",
            "database:\n  name: shop_production\n",
            "database:\n  name: shop_staging\n",
        ),
    ),
    "SEG006": RuleDoc(
        "the mounts of every service marked `data: true`: on the same `host.name`, the "
        "Docker name of each named volume and each host folder (a bind source, or a local "
        "volume's `driver_opts` `device` with `o: bind`); on every host, a volume plugin's "
        "volume and a network share, as SEG002 reads them.",
        "Give the data service's volume a name of the environment's own (by default it "
        "has one), or a bind folder of its own.",
        Example(
            "staging.yaml",
            "services:\n  search:\n    volumes:\n      - /srv/shop/search:/meili_data\n",
            "services:\n  search:\n    volumes:\n      - /srv/shop-staging/search:/meili_data\n",
            given=(
                (
                    "base.yaml",
                    "services:\n  search:\n    image: getmeili/meilisearch:v1.7\n"
                    "    data: true\n    restart: unless-stopped\n    memory: 256m\n"
                    "    healthcheck:\n      test: [CMD, curl, -f, http://localhost:7700/health]\n",
                ),
                ("test.yaml", "services:\n  search: !remove\n"),
                (
                    "local.yaml",
                    "services:\n  search:\n    volumes:\n      - ./search:/meili_data\n",
                ),
                (
                    "production.yaml",
                    "services:\n  search:\n    volumes:\n      - /srv/shop/search:/meili_data\n",
                ),
            ),
        ),
    ),
    "SEG007": RuleDoc(
        "`integrations.<name>.identity` of every real integration, case-insensitively.",
        "Give the environment an account of its own at the outside service (its own bot, "
        "its own project) and name it in `identity`.",
        Example(
            "local.yaml",
            "integrations:\n  bot:\n    mode: real\n    identity: ShopBot\n"
            "    secrets:\n      token: DEV_BOT_TOKEN\n",
            "integrations:\n  bot:\n    mode: real\n    identity: ShopDevBot\n"
            "    secrets:\n      token: DEV_BOT_TOKEN\n",
            given=(_PRODUCTION_BOT,),
        ),
    ),
    "SEG008": RuleDoc(
        "the variables that carry secrets: `integrations.<name>.secrets`, "
        "`database.password_variable` and `url_variable`, `proxy.basic_auth`'s variables, "
        "and a Docker secret's `environment`.",
        "Give the environment its own variable, prefixed with its name (`STAGING_DB_PASSWORD`).",
        Example(
            "staging.yaml",
            "database:\n  password_variable: PROD_DB_PASSWORD\n",
            "database:\n  password_variable: STAGING_DB_PASSWORD\n",
        ),
    ),
    "SEG009": RuleDoc(
        "`domain` of every environment.",
        "Serve the environment on a domain of its own, such as a subdomain.",
        Example("staging.yaml", "domain: shop.example.com\n", "domain: staging.shop.example.com\n"),
    ),
    "SEG010": RuleDoc(
        "the host of each `cors_origins` entry, against the other environments' `domain`.",
        "Allow the environment's own domain only.",
        Example(
            "staging.yaml",
            "cors_origins:\n  - https://shop.example.com\n",
            "cors_origins:\n  - https://staging.shop.example.com\n",
        ),
    ),
    "SEG011": RuleDoc(
        "every published host port of the environments on one `host.name`, by address, "
        "number (each of a range) and protocol, in every form Compose takes.",
        "Publish another host port, or leave the host port out and let Docker pick one.",
        Example(
            "staging.yaml",
            "services:\n  web:\n    ports:\n      - 127.0.0.1:8000:8000\n",
            "services:\n  web:\n    ports:\n      - 127.0.0.1:8001:8000\n",
            given=(
                ("production.yaml", "services:\n  web:\n    ports:\n      - 127.0.0.1:8000:8000\n"),
            ),
        ),
    ),
    "SEG012": RuleDoc(
        "the free text of lower tiers' services (`environment`, `command`, `entrypoint`, "
        "labels, health checks), defaults expanded and percent-decoded, for production's "
        "domain, identities, database name and secret variables.",
        "Use the environment's own value, or a fact (`public_url`, `database.url`) that "
        "each environment fills with its own.",
        Example(
            "staging.yaml",
            "services:\n  web:\n    environment:\n      PUBLIC_URL: https://shop.example.com\n",
            "services:\n  web:\n    environment:\n"
            "      PUBLIC_URL: https://staging.shop.example.com\n",
        ),
    ),
    "SEG013": RuleDoc(
        "`variables_file` of every environment and each service's `env_file`, compared as "
        "the files they name.",
        "Give the environment a variables file of its own.",
        Example(
            "staging.yaml", "variables_file: .env.production\n", "variables_file: .env.staging\n"
        ),
    ),
    "PRD001": RuleDoc(
        "each long-running service's memory limit: `memory`, `mem_limit` or "
        "`deploy.resources.limits.memory`; a service in a profile is a job and exempt.",
        "Set `memory` (or Compose's `deploy.resources.limits.memory`).",
        Example(
            "production.yaml",
            "services:\n  web:\n    memory: !remove\n",
            "services:\n  web:\n    memory: 512m\n",
        ),
    ),
    "PRD002": RuleDoc(
        "each long-running service's `restart`.",
        "Use `restart: unless-stopped` (or `always`).",
        Example(
            "production.yaml",
            'services:\n  web:\n    restart: "no"\n',
            "services:\n  web:\n    restart: unless-stopped\n",
        ),
    ),
    "PRD003": RuleDoc(
        "each long-running service's `healthcheck.test` (`[NONE]` or `disable: true` turn it off).",
        "Give the service a health check that succeeds only when it can serve.",
        Example(
            "production.yaml",
            "services:\n  web:\n    healthcheck: !remove\n",
            "services:\n  web:\n    healthcheck:\n"
            '      test: [CMD-SHELL, "wget -q --spider http://localhost:8000/health || exit 1"]\n',
        ),
    ),
    "PRD004": RuleDoc(
        "the host address of every published port, in every form Compose takes: none, "
        "`0.0.0.0` or `::` is every interface.",
        "Bind the port to `127.0.0.1` (the proxy reaches the service over the shared "
        "network), or publish none.",
        Example(
            "production.yaml",
            "services:\n  web:\n    ports:\n      - 8000:8000\n",
            "services:\n  web:\n    ports:\n      - 127.0.0.1:8000:8000\n",
        ),
    ),
    "PRT001": RuleDoc(
        "the host side of every published port: a `${VAR}` there is judged by its default "
        "(`${WEB_PORT:-8080}`), and one without a default is reported.",
        "Give the variable a default, the port the environment uses when nothing sets it.",
        Example(
            "production.yaml",
            'services:\n  web:\n    ports:\n      - "127.0.0.1:${WEB_PORT}:8000"\n',
            'services:\n  web:\n    ports:\n      - "127.0.0.1:${WEB_PORT:-8000}:8000"\n',
        ),
    ),
    "PRD005": RuleDoc(
        "bind mounts (short and long form) whose source is a project path, an absolute "
        "path inside a checkout, or another checkout.",
        "Bake the code into the image; keep bind mounts of source code to the laptop.",
        Example(
            "production.yaml",
            "services:\n  web:\n    volumes:\n      - .:/app\n",
            "services:\n  web:\n    volumes: []\n",
        ),
    ),
    "PRD006": RuleDoc(
        "`command` and `entrypoint`, in list and string form and inside `sh -c`, for `--reload`.",
        "Run the server without its reloader outside the laptop.",
        Example(
            "production.yaml",
            "services:\n  web:\n    command: [uvicorn, app:main, --reload]\n",
            "services:\n  web:\n    command: [uvicorn, app:main]\n",
        ),
    ),
    "PRD007": RuleDoc(
        "each feature flag marked `development_only`: `enabled`, or its `default_on` tiers.",
        "Turn the flag off in the environment (`enabled: false`), or silence the rule there "
        "with the reason.",
        Example(
            "production.yaml",
            "features:\n  debug:\n    enabled: true\n",
            "features:\n  debug:\n    enabled: false\n",
        ),
    ),
    "PRD008": RuleDoc(
        "`environment` (mapping or list form) and `command`: a variable named for debug "
        "with a true value, a `--debug` flag, a variable that carries a development-only "
        "flag set by hand. Which variables carry a flag is known project-wide: a fact "
        "`NAME: features.<flag>` in base.yaml or in any environment's spec makes `NAME` that "
        "flag in every environment and every service, even where the spec removes the fact. "
        "A value from an `env_file` is out of its reach: envgen does not read those files.",
        "Turn debugging on through the project's feature flag, which the rules follow, "
        "not by hand.",
        Example(
            "production.yaml",
            'services:\n  web:\n    environment:\n      APP_DEBUG: "1"\n',
            'services:\n  web:\n    environment:\n      APP_DEBUG: "0"\n',
        ),
    ),
    "PRD009": RuleDoc(
        "the database service's mounts at its engine's data folder "
        "(`/var/lib/postgresql/data`, `/var/lib/mysql`): a volume, a tmpfs, or nothing.",
        "Mount a named volume at the data folder.",
        Example(
            "production.yaml",
            "services:\n  postgres:\n    volumes: []\n    tmpfs:\n"
            "      - target: /var/lib/postgresql/data\n        size: 256m\n",
            "services:\n  postgres:\n    volumes:\n      - pgdata:/var/lib/postgresql/data\n",
        ),
    ),
    "PRD010": RuleDoc(
        "production's `image_tag` and `image_tag_required`, and each service's `build`, "
        "`image` (a literal tag, or a variable that is required or has a default) and "
        "`pull_policy`.",
        "Set `image_tag` (or `image_tag_required`), or write the tag in `image` (Compose "
        "pulls it and builds only when asked), so that production pulls the tested image.",
        Example("production.yaml", "image_tag: null\n", "image_tag: latest\n"),
    ),
    "PRD011": RuleDoc(
        "the `image` of each service that is not built from the project, for a tag or a digest.",
        "Pin the image to a tag (`postgres:17`) or a digest.",
        Example(
            "production.yaml",
            "services:\n  postgres:\n    image: postgres\n",
            "services:\n  postgres:\n    image: postgres:17\n",
        ),
    ),
    "TST001": RuleDoc(
        "the database service's mounts at its engine's data folder, in the test tier.",
        "Put the data folder on a tmpfs with a size, and mount no volume there.",
        Example(
            "test.yaml",
            "services:\n  postgres:\n    tmpfs: []\n    volumes:\n"
            "      - pgdata:/var/lib/postgresql/data\n",
            "services:\n  postgres:\n    tmpfs:\n"
            "      - target: /var/lib/postgresql/data\n        size: 256m\n",
        ),
    ),
    "TST002": RuleDoc(
        "`integrations.<name>.mode` in the test tier, and every service's `environment` for "
        "the secret variables of a mocked integration.",
        "Mock the integration (`mode: mocked`) or turn it off.",
        Example(
            "test.yaml",
            "integrations:\n  bot:\n    mode: real\n    identity: ShopTestBot\n"
            "    secrets:\n      token: TEST_BOT_TOKEN\n",
            "integrations:\n  bot:\n    mode: mocked\n",
        ),
    ),
    "TST004": RuleDoc(
        "the host ports the test tier publishes, against those of local environments on "
        "the same host (each port of a range).",
        "Publish the test stack on other host ports, e.g. local's plus 10000.",
        Example(
            "test.yaml",
            "services:\n  postgres:\n    ports:\n      - 127.0.0.1:5432:5432\n",
            "services:\n  postgres:\n    ports:\n      - 127.0.0.1:15432:5432\n",
        ),
    ),
    "STG001": RuleDoc(
        "staging's `access`.",
        "Use `access: basic_auth`, with the credentials' variables under `proxy.basic_auth`.",
        Example("staging.yaml", "access: public\n", "access: basic_auth\n"),
    ),
    "STG002": RuleDoc(
        "the `identity` of staging's real integrations, against production's.",
        "Give staging its own account (a staging bot) and name it in `identity`.",
        Example(
            "staging.yaml",
            "integrations:\n  bot:\n    mode: real\n    identity: ShopBot\n"
            "    secrets:\n      token: STAGING_BOT_TOKEN\n",
            "integrations:\n  bot:\n    mode: real\n    identity: ShopStagingBot\n"
            "    secrets:\n      token: STAGING_BOT_TOKEN\n",
            given=(_PRODUCTION_BOT,),
        ),
    ),
    "SEC001": RuleDoc(
        "every value a spec writes into a rendered file: variables and labels named as "
        "secrets, URLs' passwords and keys, bearer tokens, password options in commands and "
        "health checks, build arguments, `x-` keys, descriptions and notes.",
        "Write a `${VARIABLE}` reference and put the value in the environment's variables file.",
        Example(
            "staging.yaml",
            "services:\n  web:\n    environment:\n      API_TOKEN: s3cr3t-t0ken-value\n",
            "services:\n  web:\n    environment:\n      API_TOKEN: ${STAGING_API_TOKEN}\n",
        ),
    ),
    "SEC002": RuleDoc(
        "`database.password_default` in staging and production.",
        "Leave `password_default` out: the password comes from the variables file.",
        Example(
            "staging.yaml",
            "database:\n  password_variable: STAGING_DB_PASSWORD\n  password_default: staging\n",
            "database:\n  password_variable: STAGING_DB_PASSWORD\n",
        ),
    ),
    "SEC003": RuleDoc(
        "`variables_file` of staging and production.",
        "Name the git-ignored file that holds the environment's secrets.",
        Example("staging.yaml", "variables_file: null\n", "variables_file: .env.staging\n"),
    ),
    "SEC004": RuleDoc(
        "a laptop's `database.password_default` and the defaults of its secret variables "
        "(`${DB_PASSWORD:-...}`), for the shape of a real credential.",
        "Use a throw-away value such as `dev`.",
        Example(
            "local.yaml",
            "database:\n  password_default: Xk9pQ2mN7vR4tL8w\n",
            "database:\n  password_default: dev\n",
        ),
    ),
    "DBS001": RuleDoc(
        "where the database's password is interpolated into a URL (the fact "
        "`database.url`, or a URL written by hand), and `database.password_url_safe`.",
        "Make passwords of URL-safe characters (`openssl rand -hex 32`) and say so with "
        "`password_url_safe: true`, or pass the password apart from the URL.",
        Example(
            "base.yaml",
            "database:\n  password_url_safe: false\n",
            "database:\n  password_url_safe: true\n",
        ),
    ),
    "DBS002": RuleDoc(
        "`database.name` where a variable without a default gives it, beside another "
        "environment's database.",
        "Give the variable a default, the name the environment uses when nothing sets it.",
        Example(
            "staging.yaml",
            "database:\n  name: ${DB_NAME}\n",
            "database:\n  name: ${DB_NAME:-shop_staging}\n",
        ),
    ),
    "PRX001": RuleDoc(
        "`access: basic_auth`, and `proxy.basic_auth`'s two variables.",
        "Name the variables of the credentials under `proxy.basic_auth` (set in the proxy's "
        "environment), or choose another `access`.",
        Example("local.yaml", "access: basic_auth\n", "access: localhost\n"),
    ),
    "PRX002": RuleDoc(
        "the `networks` of `proxy.service` and of each `proxy.routes` service, for "
        "`proxy.network`; whether that network is `external`, and whether a service with "
        "`role: edge-proxy` joins it; the networks an edge proxy joins that are another "
        "environment's network to the proxy, on the same host.",
        "Put the service on the proxy's network beside `default`. Declare the proxy's "
        "network `external: true` (made once with `docker network create`) unless an edge "
        "proxy of the stack joins it, and another environment's network always.",
        Example(
            "production.yaml",
            "services:\n  web:\n    networks: [default]\n",
            "services:\n  web:\n    networks: [default, proxy]\n",
        ),
    ),
    "PRX003": RuleDoc(
        "a deployed environment's `domain`, and its `proxy`.",
        "Give the environment a `proxy` (in `base.yaml` for all of them) that routes the "
        "domain to a service.",
        Example(
            "production.yaml",
            "proxy: !remove\n",
            "proxy:\n  network: proxy\n  service: web\n  port: 8000\n",
        ),
    ),
    "BUD001": RuleDoc(
        "`host.memory`, and the memory limits (`memory`, `mem_limit`, "
        "`deploy.resources.limits` times `deploy.replicas`) and tmpfs sizes of every "
        "environment on the host, jobs included.",
        "Make the limits fit the host, or give the host its real size.",
        Example(
            "production.yaml",
            "services:\n  web:\n    memory: 4g\n",
            "services:\n  web:\n    memory: 512m\n",
        ),
    ),
    "BUD002": RuleDoc(
        "on a host with `memory`, each service's memory limit and each tmpfs's size (a "
        "`size=` option, or `tmpfs.size`).",
        "Give the service a memory limit and the tmpfs a size.",
        Example(
            "production.yaml",
            "services:\n  web:\n    tmpfs:\n      - /tmp\n",
            "services:\n  web:\n    tmpfs:\n      - target: /tmp\n        size: 64m\n",
        ),
    ),
    "BUD003": RuleDoc(
        "`host.memory` of the environments that share `host.name`.",
        "Write the host's one size in every environment on it.",
        Example(
            "production.yaml",
            "host:\n  name: server\n  memory: 8g\n",
            "host:\n  name: server\n  memory: 4g\n",
        ),
    ),
    "HST001": RuleDoc(
        "`privileged`, `pid`, `network_mode`, `ipc` and `userns_mode: host`, "
        "`cap_add: [SYS_ADMIN]`, and a mount of the Docker socket, in either form.",
        "Drop the host access; give the container only the capabilities it needs.",
        Example(
            "production.yaml",
            "services:\n  web:\n    privileged: true\n",
            "services:\n  web:\n    privileged: false\n",
        ),
    ),
    "VAR001": RuleDoc(
        "`variables_file` of every environment whose file envgen does not write, against "
        "the project's `.gitignore`.",
        "Name a file that `.gitignore` leaves out (`.env.*`), or add it there.",
        Example("staging.yaml", "variables_file: .env-staging\n", "variables_file: .env.staging\n"),
    ),
    "VAR002": RuleDoc(
        "the values envgen writes into a committed variables file: the test tier's "
        "`password_default` and the defaults of its variables, for the shape of a real "
        "credential.",
        "Use a throw-away value such as `test`.",
        Example(
            "test.yaml",
            "database:\n  password_default: Xk9pQ2mN7vR4tL8w\n",
            "database:\n  password_default: test\n",
        ),
    ),
    "VAR003": RuleDoc(
        "the test tier's `variables_file`, which envgen writes, against the project's "
        "`.gitignore`.",
        "Name a file that `.gitignore` keeps (`!.env.test`), or re-include it there.",
        Example("test.yaml", "variables_file: .env.ci\n", "variables_file: .env.test\n"),
    ),
    "JOB001": RuleDoc(
        "`seed` of every service in production.",
        "Seed the environments that may hold sample data (staging) and remove the job from "
        "production (`seed: !remove` where `base.yaml` defines it).",
        Example(
            "production.yaml",
            _SEED_JOB + '    profiles: [seed]\n    restart: "no"\n    memory: 128m\n',
            "# no seed job in production: staging.yaml holds it\n",
        ),
    ),
    "JOB002": RuleDoc(
        "a seed job's `profiles` and `restart`.",
        'Put the job in a profile (`profiles: [seed]`) with `restart: "no"`; '
        "`make seed-<suffix>` runs it.",
        Example(
            "staging.yaml",
            _SEED_JOB + "    restart: on-failure\n    memory: 128m\n",
            _SEED_JOB + '    profiles: [seed]\n    restart: "no"\n    memory: 128m\n',
        ),
    ),
    "KUB001": RuleDoc(
        "every bind mount of an environment with the target kubernetes whose source is a "
        "path of the node, not a file of the project.",
        "Mount a named volume (a claim), or a project file (a ConfigMap), instead.",
        Example(
            "production.yaml",
            "services:\n  web:\n    volumes:\n      - /var/log:/logs\n",
            "services:\n  web:\n    volumes: []\n",
            given=_KUBE_PRODUCTION,
        ),
    ),
    "KUB002": RuleDoc(
        "`privileged` of every service of an environment with the target kubernetes.",
        "Drop `privileged`; add the one capability the service needs, if any.",
        Example(
            "test.yaml",
            "services:\n  web:\n    privileged: true\n",
            "services:\n  web:\n    privileged: false\n",
            given=(
                (
                    "test.yaml",
                    "target: kubernetes\nimage_tag: test\nservices:\n  postgres:\n"
                    "    cpus: 1\n  web:\n    cpus: 1\n",
                ),
            ),
        ),
    ),
    "KUB003": RuleDoc(
        "each service's memory limit (`memory`, `mem_limit`, `deploy.resources.limits."
        "memory`) and CPU limit (`cpus`, `deploy.resources.limits.cpus`), on the target "
        "kubernetes.",
        "Give the service `memory` and `cpus`: they become its limits and requests.",
        Example(
            "production.yaml",
            "target: kubernetes\n",
            "services:\n  web:\n    cpus: 1\n",
            given=(
                (
                    "production.yaml",
                    "target: kubernetes\nimage_tag: '1.0'\nservices:\n  postgres:\n    cpus: 1\n",
                ),
            ),
        ),
    ),
    "KUB004": RuleDoc(
        "a production environment's `image_tag` and its images' tags, on the target kubernetes.",
        "Deploy a tag that names one release (`1.4.2`, a date stamp).",
        Example(
            "production.yaml",
            "image_tag: latest\n",
            "image_tag: '1.0'\n",
            given=_KUBE_PRODUCTION,
        ),
    ),
    "KUB005": RuleDoc(
        "every value a service receives (variables, commands) for a host name in another "
        "Kubernetes environment's namespace (`db.shop-production`, with or without "
        "`.svc.cluster.local`).",
        "Name the service of the environment's own namespace (`db`).",
        Example(
            "staging.yaml",
            "services:\n  web:\n    environment:\n      REPORTS_URL: http://web.shop-production:8000\n",
            "services:\n  web:\n    environment:\n      REPORTS_URL: http://web:8000\n",
            given=_KUBE_BOTH,
        ),
    ),
    "KUB006": RuleDoc(
        "each Kubernetes environment's namespace: `kubernetes.namespace`, by default its "
        "compose project name.",
        "Give each environment a namespace of its own, or leave `namespace` out.",
        Example(
            "staging.yaml",
            "kubernetes:\n  namespace: shop-production\n",
            "kubernetes:\n  namespace: shop-staging\n",
            given=_KUBE_BOTH,
        ),
    ),
    "PRV001": RuleDoc(
        "every identifying value of a preview template (project, domain, database name and "
        "user, volume, network and container names, identities, secret variables) for the "
        "template's name, which each preview's id replaces.",
        "Write the template's name in the value (`shop_staging`).",
        Example(
            "staging.yaml",
            "database:\n  user: shop\n",
            "database:\n  user: shop_staging\n",
            given=(("staging.yaml", _PREVIEW_TEMPLATE + _PREVIEW_NETWORK),),
        ),
    ),
    "PRV002": RuleDoc(
        "a preview template's host ports, external networks and volumes, and external "
        "database: each would be every preview's at once.",
        "Publish no host port (the proxy routes by domain), and let Compose create each "
        "network and volume for each preview's project.",
        Example(
            "staging.yaml",
            "networks:\n  proxy:\n    external: true\n",
            "networks:\n  proxy:\n    external: false\n",
            given=(("staging.yaml", _PREVIEW_TEMPLATE + _PREVIEW_NETWORK),),
        ),
    ),
    "PRV003": RuleDoc(
        "the template's values with any id in place of its name, against every other "
        "environment's project, domain, database, volume, network, identity and variable.",
        "Name the other environment's value so that no id makes it (`shop_pr_01`: an id has "
        "no leading zero), or the template's so that none does.",
        Example(
            "local.yaml",
            "database:\n  name: shop_pr_1\n",
            "database:\n  name: shop_pr_01\n",
            given=(("staging.yaml", _PREVIEW_TEMPLATE + _PREVIEW_NETWORK),),
        ),
    ),
    "JOB003": RuleDoc(
        "the restart policy of every one-shot job (`job:`, or a service in a compose "
        'profile with `restart: "no"`): `restart` and `deploy.restart_policy.condition`.',
        'Let the job end: `restart: "no"`, or `on-failure` to retry a run that failed.',
        Example(
            "production.yaml",
            _MIGRATION_JOB + "    restart: unless-stopped\n",
            _MIGRATION_JOB + "    restart: on-failure\n",
        ),
    ),
}
