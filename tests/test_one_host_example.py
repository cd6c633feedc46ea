"""examples/one-host: a Rails API, Sidekiq and Next.js over PostgreSQL, Redis and
Elasticsearch, four environments on one VPS, Caddy inside production's stack as the edge
proxy, path routes and jobs; written from the documentation alone. It validates and
renders with no silence, Compose and Caddy accept what it renders, and the mistakes that
one host invites fail at their line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.caddy_cli import caddy
from tests.compose_cli import compose, required_variables
from tests.conftest import REPO, Run, edit_spec, spec_position

EXAMPLE = REPO / "examples" / "one-host"
RENDERED = EXAMPLE / "rendered"
COMPOSE_FILES = ("dev", "test", "staging", "prod")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A writable copy of the example."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "one-host"))


def test_the_committed_output_matches_the_specs(run: Run) -> None:
    result = run("--root", EXAMPLE, "check")
    assert (result.exit_code, result.output) == (0, "all 13 generated files are up to date\n")


def test_it_validates_with_no_silence_anywhere(run: Run) -> None:
    result = run("--root", EXAMPLE, "validate")
    assert (result.exit_code, result.output) == (
        0,
        "4 environment(s) valid: dev, test, staging, production\n",
    )
    summary = json.loads(run("--root", EXAMPLE, "validate", "--format", "json").output)["summary"]
    assert summary == {"errors": 0, "warnings": 0, "silenced": 0}
    # Nothing silenced by hand either: no `silence` mapping, no inline silence.
    for spec in sorted((EXAMPLE / "environments").glob("*.yaml")):
        text = spec.read_text(encoding="utf-8")
        assert "silence" not in text, spec.name
        assert "envgen:" not in text, spec.name
    assert "Silenced rules" not in (EXAMPLE / "docs/ENVIRONMENTS.md").read_text("utf-8")


def _config(suffix: str) -> dict[str, Any]:
    path = RENDERED / f"docker-compose.{suffix}.yml"
    needed = dict.fromkeys(required_variables(path.read_text(encoding="utf-8")), "x")
    result = compose(path, "config", "--format", "json", variables=needed)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize("suffix", COMPOSE_FILES)
def test_compose_accepts_each_rendered_file(suffix: str) -> None:
    services = _config(suffix)["services"]
    # The API and the worker start only after the migration has ended with 0.
    for name in ("api", "worker"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
    assert "restart" not in services["migrate"]  # a job ends and stays ended


def _published(services: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted(
        (name, port.get("host_ip", ""), port["published"])
        for name, service in services.items()
        for port in service.get("ports", [])
    )


def test_only_the_edge_proxy_faces_the_internet() -> None:
    production = _config("prod")
    assert _published(production["services"]) == [
        ("edge", "", "443"),
        ("edge", "", "443"),
        ("edge", "", "80"),
        ("postgres", "127.0.0.1", "5432"),
    ]
    # The edge joins production's network, which production's stack creates (the edge
    # starts with it), and staging's, made once on the host before either stack starts.
    assert sorted(production["services"]["edge"]["networks"]) == ["proxy", "staging-edge"]
    networks = {key: (n["name"], n.get("external")) for key, n in production["networks"].items()}
    assert networks == {
        "default": ("market-production_default", None),
        "proxy": ("caddy-production", None),
        "staging-edge": ("caddy-staging", True),
    }
    staging = _config("staging")
    assert _published(staging["services"]) == [("postgres", "127.0.0.1", "5442")]
    assert staging["networks"]["proxy"]["name"] == "caddy-staging"


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    hashed = caddy(home, "hash-password", "--plaintext", "x", variables={}).strip()
    return {"STAGING_BASIC_AUTH_USER": "tester", "STAGING_BASIC_AUTH_HASH": hashed}


def test_caddy_validates_the_caddyfile(tmp_path: Path, credentials: dict[str, str]) -> None:
    args = ("validate", "--config", str(RENDERED / "Caddyfile"), "--adapter", "caddyfile")
    assert caddy(tmp_path, *args, variables=credentials) == "Valid configuration\n"


def _handled(sub: dict[str, Any]) -> str:
    """One block of a site, in Caddy's JSON: basic auth, or the paths it matches (none:
    the rest) and the upstream they go to."""
    (handler,) = sub["handle"]
    if handler["handler"] == "authentication":
        return "basic auth"
    paths = [path for match in sub.get("match", []) for path in match["path"]]
    ((upstream,),) = [h["upstreams"] for route in handler["routes"] for h in route["handle"]]
    return f"{' '.join(paths) or '(the rest)'} -> {upstream['dial']}"


def test_each_domain_routes_its_paths_to_its_own_services(
    tmp_path: Path, credentials: dict[str, str]
) -> None:
    adapted = caddy(
        tmp_path, "adapt", "--config", str(RENDERED / "Caddyfile"), "--adapter", "caddyfile",
        variables=credentials,
    )  # fmt: skip
    found = {}
    for site in json.loads(adapted)["apps"]["http"]["servers"]["srv0"]["routes"]:
        (host,) = site["match"][0]["host"]
        found[host] = [_handled(sub) for sub in site["handle"][0]["routes"]]
    # In the order Caddy runs them: basic auth first, the paths, the rest last.
    assert found == {
        "staging.market.example.com": [
            "basic auth",
            "/cable -> market-staging-api:3000",
            "/api/* -> market-staging-api:3000",
            "(the rest) -> market-staging-web:3000",
        ],
        "market.example.com": [
            "/cable -> market-production-api:3000",
            "/api/* -> market-production-api:3000",
            "(the rest) -> market-production-web:3000",
        ],
    }


def test_postgresql_on_every_interface_in_production_fails_at_its_line(
    example: Path, run: Run
) -> None:
    edit_spec(example, "production.yaml", "- 127.0.0.1:5432:5432", "- 0.0.0.0:5432:5432")
    where = spec_position(example, "production.yaml", "0.0.0.0:5432:5432", at="0.0.0.0")
    result = run("--root", example, "validate")
    assert (result.exit_code, result.output) == (
        2,
        "production:\n"
        f"{where}: PRD004 error: services.postgres.ports.0: host port 5432 is published on"
        " 0.0.0.0; publish on 127.0.0.1 and let the proxy in front (write the address, as"
        " in `127.0.0.1:8001:8001`, or drop the port)\n"
        "1 error\n",
    )


def test_postgresql_on_loopback_in_production_passes(example: Path, run: Run) -> None:
    """The near miss: the committed spec publishes PostgreSQL on 127.0.0.1:5432, for
    pg_dump through an ssh tunnel, and nothing is found."""
    assert spec_position(example, "production.yaml", "- 127.0.0.1:5432:5432", at="127")
    assert run("--root", example, "validate").exit_code == 0


def test_the_edge_proxy_publishing_a_third_port_fails_at_it(example: Path, run: Run) -> None:
    edit_spec(example, "production.yaml", '"443:443/udp"]', '"443:443/udp", "2019:2019"]')
    where = spec_position(example, "production.yaml", '"2019:2019"', at='"2019:2019"')
    result = run("--root", example, "validate")
    assert (result.exit_code, result.output) == (
        2,
        "production:\n"
        f"{where}: PRD004 error: services.edge.ports.3: host port 2019 is published on every"
        " interface; an edge proxy faces the internet on 80 and 443 only (write the address,"
        " as in `127.0.0.1:8001:8001`, or drop the port)\n"
        "1 error\n",
    )


HTTP = '"80:80"'


def test_the_edge_proxy_without_its_role_may_not_publish_80_and_443(
    example: Path, run: Run
) -> None:
    edit_spec(example, "production.yaml", "    role: edge-proxy\n", "")
    result = run("--root", example, "validate")
    assert result.exit_code == 2
    found = [line.split(": ")[1] for line in result.output.splitlines() if "PRD004" in line]
    assert found == [
        "PRD004 error",
        "PRD004 error",
        "PRD004 error",
    ]
    assert "services.edge.ports.0: host port 80 is published on every interface" in result.output
    # Nor may it join staging's network: only an edge proxy reaches other environments.
    # Its hint says what it lacks: the edge proxy's role.
    assert (
        f"{spec_position(example, 'staging.yaml', 'name: caddy-staging')}: SEG003 error:"
        " networks.proxy.name: network `caddy-staging` is also production's on host"
        f" `vps` ({spec_position(example, 'production.yaml', 'name: caddy-staging')}) (if `edge`"
        " of production is the edge proxy (it publishes 80 or 443), declare it `role:"
        " edge-proxy`, the one service that may join every environment's network; otherwise"
        " give the network a name of this environment's own)"
    ) in result.output.splitlines()
    assert (
        f"{spec_position(example, 'production.yaml', HTTP, at=HTTP)}: PRD004"
        " error: services.edge.ports.0: host port 80 is published on every interface; if"
        " `edge` is the edge proxy, declare it `role: edge-proxy` (it may publish 80 and"
        " 443); otherwise publish on 127.0.0.1 and let the proxy in front (write the"
        " address, as in `127.0.0.1:8001:8001`, or drop the port)"
    ) in result.output.splitlines()


def test_a_migration_that_restarts_always_fails_at_its_restart(example: Path, run: Run) -> None:
    edit_spec(
        example, "base.yaml", "    job: migration\n", "    job: migration\n    restart: always\n"
    )
    where = spec_position(example, "base.yaml", "restart: always")
    result = run("--root", example, "validate")
    assert (result.exit_code, result.output) == (
        2,
        "dev, test, staging, production:\n"
        f"{where}: JOB003 error: services.migrate.restart: `migrate` is a one-shot job with"
        " `restart: always`: Docker would start it again each time it ends, and with every"
        ' start of the engine (use `restart: "no"`, or `on-failure` to retry a failed run)\n'
        "1 error\n",
    )


def test_staging_on_production_s_proxy_network_fails_at_its_name(example: Path, run: Run) -> None:
    edit_spec(example, "staging.yaml", "    name: caddy-staging\n", "    name: caddy-production\n")
    where = spec_position(example, "staging.yaml", "name: caddy-production")
    theirs = spec_position(example, "production.yaml", "name: caddy-production")
    result = run("--root", example, "validate")
    assert (result.exit_code, result.output) == (
        2,
        "staging:\n"
        f"{where}: SEG003 error: networks.proxy.name: network `caddy-production` is also"
        f" production's on host `vps` ({theirs}) (give the network a name of this"
        " environment's own: each environment has its own network to the proxy, which the"
        " proxy joins)\n"
        "1 error\n",
    )


def test_staging_on_a_host_port_of_dev_fails_at_its_line(example: Path, run: Run) -> None:
    edit_spec(example, "staging.yaml", "- 127.0.0.1:5442:5432", "- 127.0.0.1:5433:5432")
    where = spec_position(example, "staging.yaml", "127.0.0.1:5433:5432", at="127")
    theirs = spec_position(example, "dev.yaml", "127.0.0.1:5433:5432", at="127")
    result = run("--root", example, "validate")
    assert (result.exit_code, result.output) == (
        2,
        "staging:\n"
        f"{where}: SEG011 error: services.postgres.ports.0: host port 5433 is also published"
        f" by dev on host `vps` ({theirs}) (pick a host port that no other environment on"
        " this host publishes)\n"
        "1 error\n",
    )


def test_the_seed_job_kept_in_production_fails(example: Path, run: Run) -> None:
    edit_spec(
        example, "production.yaml", "  seed: !remove  # never sample data over real data\n", ""
    )
    where = spec_position(example, "base.yaml", "job: seed")
    result = run("--root", example, "validate")
    assert result.exit_code == 2
    assert (
        f"{where}: JOB001 error: services.seed.job: `seed` is a seed job: one run would load"
        " its data over production's"
    ) in result.output


def test_the_jobs_and_the_worker_run_the_api_s_image_without_repeating_build() -> None:
    """Only `api` builds `ghcr.io/example/market-api`; the worker and the jobs name the
    image alone, and run it at each environment's tag, built once."""
    base = (EXAMPLE / "environments/base.yaml").read_text(encoding="utf-8")
    assert base.count("image: ghcr.io/example/market-api\n") == 5
    assert base.count("build: ./api") == 1
    for suffix, image in (
        ("staging", "ghcr.io/example/market-api:${IMAGE_TAG:-staging}"),
        ("prod", "ghcr.io/example/market-api:${IMAGE_TAG:-latest}"),
    ):
        text = (RENDERED / f"docker-compose.{suffix}.yml").read_text(encoding="utf-8")
        assert text.count(f'image: "{image}"') == (5 if suffix == "staging" else 4), suffix
    for suffix in ("dev", "test"):
        services = _config(suffix)["services"]
        built = sorted(name for name, service in services.items() if "build" in service)
        assert built == ["api", "web"], suffix
        # (the jobs in a profile, seed and reindex, are left out by `config`)
        for name in ("worker", "migrate"):
            assert services[name]["image"] == "ghcr.io/example/market-api", (suffix, name)


def test_another_image_without_a_tag_is_still_refused_in_production(
    example: Path, run: Run
) -> None:
    """The near miss: a worker on an image that no service builds is a third party's."""
    old = "    image: ghcr.io/example/market-api\n    command: [bundle"
    edit_spec(example, "base.yaml", old, old.replace("market-api", "market-jobs"))
    where = spec_position(example, "base.yaml", "image: ghcr.io/example/market-jobs")
    result = run("--root", example, "validate")
    assert (result.exit_code, result.output) == (
        2,
        "test, staging, production:\n"
        f"{where}: PRD011 error: services.worker.image: `worker` runs"
        " `ghcr.io/example/market-jobs` without a tag: whatever `latest` is when the host"
        " pulls it (pin the image to a tag, e.g. `postgres:16`)\n"
        "1 error\n",
    )


def test_the_deploy_targets_and_the_caddyfile_say_who_makes_each_network() -> None:
    makefile = (RENDERED / "envgen.mk").read_text(encoding="utf-8").splitlines()
    assert [line for line in makefile if line.startswith("# deploy-")] == [
        "# deploy-staging: pull and start staging, then wait until it is healthy; Compose "
        "creates no external network: make each once on the host first, docker network "
        "create caddy-staging",
        "# deploy-prod: pull and start production, then wait until it is healthy; Compose "
        "creates no external network: make each once on the host first, docker network "
        "create caddy-staging",
    ]
    caddyfile = (RENDERED / "Caddyfile").read_text(encoding="utf-8").splitlines()
    assert [line for line in caddyfile if "joins it" in line] == [
        "# service `edge` of production joins it (its compose file attaches it); docker "
        "network create caddy-staging on host vps, once, before either stack starts",
        "# service `edge` of production joins it (its compose file attaches it); "
        "production's compose file creates it at `up`",
    ]


def test_staging_s_network_created_by_production_s_stack_fails_at_its_line(
    example: Path, run: Run
) -> None:
    """The near miss of production's own network, which its stack may create."""
    old = "    external: true  # made once before either stack starts"
    edit_spec(example, "production.yaml", old, old.replace("true", "false"))
    where = spec_position(example, "production.yaml", "external: false")
    result = run("--root", example, "validate")
    assert (result.exit_code, result.output) == (
        2,
        "production:\n"
        f"{where}: PRX002 error: networks.staging-edge.external: network `staging-edge` is"
        " `caddy-staging`, staging's own network to the proxy, and this stack would create"
        " it: Compose refuses one that staging's stack found made (it lacks this stack's"
        " labels), and `down` would remove it from under staging (declare it `external:"
        " true`, made once on the host before either stack starts (`docker network create"
        " caddy-staging`))\n"
        "1 error\n",
    )
