"""Segregation mistakes that only look different: the rules judge what Compose resolves
(defaults expanded, paths folded, URLs decoded) and recognize debug, reload and
development-only settings by value wherever they are set. Exact lines, and near misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policy_project import Patch, findings, patched

API = "services:\n  api:\n"
TEST_POSTGRES = ("test.yaml", "    volumes: []\n")


def _service(name: str, text: str) -> list[Patch]:
    return [(name, None, API + text)]


def _local_variable(text: str) -> list[Patch]:
    return [("local.yaml", "  api:\n", f"  api:\n    environment:\n      {text}\n")]


def _optional_env_file(path: str) -> str:
    return f"    env_file:\n      - path: {path}\n        required: false\n"


CASES: list[tuple[str, list[Patch], str]] = [
    (
        "staging reads production's variables file as an env_file",
        _service("staging.yaml", _optional_env_file(".env.production")),
        "environments/staging.yaml:31:9: SEG013 error: services.api.env_file.0: env_file "
        "`.env.production` is production's variables file (environments/production.yaml:7:17)"
        " (point it at this environment's own variables file)",
    ),
    (
        "the same, with a path that folds to it",
        _service("staging.yaml", _optional_env_file("././.env.production")),
        "environments/staging.yaml:31:9: SEG013 error: services.api.env_file.0: env_file "
        "`././.env.production` is production's variables file "
        "(environments/production.yaml:7:17) (point it at this environment's own variables file)",
    ),
    (
        "a variables file that folds to production's",
        [("staging.yaml", "variables_file: .env.staging", "variables_file: ././.env.production")],
        "environments/staging.yaml:7:17: SEG013 error: variables_file: variables file "
        "`.env.production` is also production's (environments/production.yaml:7:17)"
        " (point it at this environment's own variables file)",
    ),
    (
        "a volume name whose default is production's",
        [
            (
                "staging.yaml",
                None,
                "volumes:\n  dbdata:\n    name: ${PGDATA_VOLUME:-shop-production_dbdata}\n",
            )
        ],
        "environments/staging.yaml:30:5: SEG002 error: volumes.dbdata: volume "
        "`shop-production_dbdata` is also production's on host `vps` (environments/base.yaml:25:11)"
        " (give the volume a `name` of this environment's own, or none: Compose prefixes the "
        "project's)",
    ),
    (
        "a container name that an unset variable makes production's",
        [
            ("production.yaml", None, API + "    container_name: shop-api\n"),
            ("staging.yaml", None, API + "    container_name: shop-api$X\n"),
        ],
        "environments/staging.yaml:30:21: SEG004 error: services.api.container_name: container "
        "name `shop-api` is also production's on host `vps` (environments/production.yaml:26:21)"
        " (remove `container_name`: Compose names the container after the project)",
    ),
    (
        "a network that resolves to production's implicit default network",
        [
            (
                "staging.yaml",
                None,
                "networks:\n  back:\n    name: ${NET:-shop-production_default}\n"
                "    external: false\n" + API + "    networks: [back, proxy]\n",
            )
        ],
        "environments/staging.yaml:30:11: SEG003 error: networks.back.name: network "
        "`shop-production_default` is also production's on host `vps` "
        "(environments/production.yaml:1:1)"
        " (give the network a name of this environment's own: each environment has its own "
        "network to the proxy, which the proxy joins)",
    ),
    (
        "production's database, percent-encoded",
        _local_variable("REPORT_DB: postgresql://u@db/%73hop_production"),
        "environments/local.yaml:12:18: SEG012 error: services.api.environment.REPORT_DB: "
        "`shop_production` belongs to production (environments/production.yaml:20:9)"
        " (use this environment's own value: a lower tier never names production's)",
    ),
    (
        "production's database as a URL parameter",
        _local_variable("REPORT_DB: postgresql://db/?dbname=shop_production"),
        "environments/local.yaml:12:18: SEG012 error: services.api.environment.REPORT_DB: "
        "`shop_production` belongs to production (environments/production.yaml:20:9)"
        " (use this environment's own value: a lower tier never names production's)",
    ),
    (
        "source mounted by an absolute path",
        _service("production.yaml", "    volumes: [/srv/shop/api:/app]\n"),
        "environments/production.yaml:26:15: PRD005 error: services.api.volumes.0: `api` "
        "bind-mounts source code `/srv/shop/api`; run the image as built"
        " (remove the bind mount and run the code the image was built with)",
    ),
    (
        "source mounted from another checkout",
        _service("production.yaml", "    volumes: [../main/api/src:/app]\n"),
        "environments/production.yaml:26:15: PRD005 error: services.api.volumes.0: `api` "
        "bind-mounts source code `../main/api/src`; run the image as built"
        " (remove the bind mount and run the code the image was built with)",
    ),
    (
        "production without an image tag builds from source",
        [("production.yaml", "image_tag: production\n", "")],
        "environments/base.yaml:37:12: PRD010 error: services.api.build: `api` is built from "
        "the source on the host, since no `image_tag` is set and its `image` names no tag"
        " (set `image_tag` (or `image_tag_required`), or give `image` a tag, and no "
        "`pull_policy: build`, so that production runs a released image)",
    ),
    (
        "DEBUG: y",
        _service("production.yaml", "    environment:\n      DEBUG: y\n"),
        "environments/production.yaml:27:14: PRD008 error: services.api.environment.DEBUG: "
        "`api` turns on debug mode through `DEBUG`"
        " (turn it off here (e.g. `DEBUG: false`), or set it only in lower tiers)",
    ),
    (
        "APP_DEBUG: '1'",
        _service("production.yaml", "    environment:\n      APP_DEBUG: '1'\n"),
        "environments/production.yaml:27:18: PRD008 error: services.api.environment.APP_DEBUG: "
        "`api` turns on debug mode through `APP_DEBUG`"
        " (turn it off here (e.g. `APP_DEBUG: false`), or set it only in lower tiers)",
    ),
    (
        "--debug",
        _service("production.yaml", "    command: [serve, --debug]\n"),
        "environments/production.yaml:26:22: PRD008 error: services.api.command.1: `api` runs "
        "with `--debug`"
        " (drop the flag from the command here, or use it only in lower tiers)",
    ),
    (
        "--reload inside sh -c",
        _service("production.yaml", "    command: [sh, -c, serve --reload]\n"),
        "environments/production.yaml:26:23: PRD006 error: services.api.command.2: `api` runs "
        "with `--reload`, which watches files and restarts"
        " (run the image's production server, without a reloader or a development server)",
    ),
    (
        "--reload in a command string",
        _service("production.yaml", "    command: serve --port 80 --reload\n"),
        "environments/production.yaml:26:14: PRD006 error: services.api.command: `api` runs "
        "with `--reload`, which watches files and restarts"
        " (run the image's production server, without a reloader or a development server)",
    ),
    (
        "a development-only feature turned on through environment",
        [
            (
                "base.yaml",
                "      DATABASE_URL: database.url\n",
                "      DATABASE_URL: database.url\n      EXPLORER_ENABLED: features.explorer\n",
            ),
            (
                "production.yaml",
                None,
                "services:\n  vectors:\n    environment:\n      EXPLORER_ENABLED: 'true'\n",
            ),
        ],
        "environments/production.yaml:27:25: PRD008 error: "
        "services.vectors.environment.EXPLORER_ENABLED: `vectors` turns on `explorer` "
        "(for developers only) through `EXPLORER_ENABLED`"
        " (let the flag set it (`EXPLORER_ENABLED: features.explorer` under `facts`, off in"
        " this tier), or set it only in lower tiers)",
    ),
    (
        "a mocked integration's real key by reference",
        [(*TEST_POSTGRES, "    volumes: []\n    environment:\n      LLM_KEY: ${PROD_LLM_KEY}\n")],
        "environments/test.yaml:14:16: TST002 error: services.postgres.environment.LLM_KEY: "
        "`postgres` gets a secret of `llm` through `LLM_KEY`, but `llm` is mocked here "
        "(remove the variable; a mock needs no secret)",
    ),
    (
        "a mocked integration's key variable set by hand",
        [(*TEST_POSTGRES, "    volumes: []\n    environment:\n      STAGING_LLM_KEY: ${T}\n")],
        "environments/test.yaml:14:24: TST002 error: "
        "services.postgres.environment.STAGING_LLM_KEY: `postgres` gets a secret of `llm` "
        "through `STAGING_LLM_KEY`, but `llm` is mocked here "
        "(remove the variable; a mock needs no secret)",
    ),
]


@pytest.mark.parametrize(
    ("patches", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_resolved_mistake(tmp_path: Path, patches: list[Patch], expected: str) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == [expected]


NEAR_MISSES: list[tuple[str, list[Patch]]] = [
    ("an env_file of its own", _service("staging.yaml", _optional_env_file("config/api.env"))),
    (
        "host files that are no source",
        _service(
            "production.yaml",
            "    volumes: [/etc/localtime:/etc/localtime:ro, /srv/shop/uploads:/uploads]\n",
        ),
    ),
    (
        "debug settings that are off, or only look like debug",
        _service(
            "production.yaml",
            "    environment:\n"
            "      DEBUG: 'false'\n"
            "      DEBUG_LEVEL: info\n"
            "      DEBUGGER: 'on'\n",
        ),
    ),
    (
        "a network of its own beside the default one",
        [
            (
                "staging.yaml",
                None,
                "networks:\n  back:\n    name: shop-staging_back\n    external: false\n"
                + API
                + "    networks: [default, back, proxy]\n",
            )
        ],
    ),
    ("--no-reload", _service("production.yaml", "    command: [sh, -c, serve --no-reload]\n")),
    ("--no-reload in a string", _service("production.yaml", "    command: serve --no-reload\n")),
    (
        "a volume name whose default is staging's own",
        [
            (
                "staging.yaml",
                None,
                "volumes:\n  dbdata:\n    name: ${PGDATA_VOLUME:-shop-staging_db}\n",
            )
        ],
    ),
    (
        "another database whose name starts like production's",
        _local_variable("REPORT_DB: postgresql://db/?dbname=shop_production_copy"),
    ),
    (
        "a mocked integration's mode, and an empty key",
        [
            (
                *TEST_POSTGRES,
                "    volumes: []\n    environment:\n      LLM_MODE: mocked\n      LLM_KEY: ''\n",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    "patches", [case[1] for case in NEAR_MISSES], ids=[case[0] for case in NEAR_MISSES]
)
def test_near_miss(tmp_path: Path, patches: list[Patch]) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == []
