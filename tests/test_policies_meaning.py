"""The rules at the boundaries of what Compose means: which binds are source code (both
sides of the documented criterion), an external network that is another environment's,
a limit a variable decides, a restart policy under `deploy`; and the facts about Compose
these rest on, checked against the real binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compose_cli import compose
from tests.policy_project import Patch, findings, patched

API = "services:\n  api:\n"


def _production_api(text: str, extra: str = "") -> list[Patch]:
    return [("production.yaml", None, extra + API + text)]


def _rules(root: Path, patches: list[Patch], env: str = "production") -> list[str]:
    return sorted(
        f"{p.rule} {p.field}"
        for p in findings(root, patched(patches))
        if env in p.environment.split(", ")
    )


BOUND = (
    "volumes:\n  code:\n    driver: local\n    driver_opts: {type: none, o: bind, device: ./api}\n"
)
NFS = (
    "volumes:\n  code:\n    driver: local\n"
    "    driver_opts: {type: nfs, o: 'addr=10.0.0.1', device: ':/api'}\n"
)

SOURCE = [
    ("the build context", "    volumes: ['./api:/srv/api']\n", ""),
    ("inside the build context", "    volumes: ['./api/app:/code/app:ro']\n", ""),
    ("the project", "    volumes: ['.:/srv/shop']\n", ""),
    ("the project, as ./", "    volumes: ['./:/srv/shop']\n", ""),
    (
        "a folder holding a context",
        "    build: ./services/api\n    volumes: ['./services:/srv']\n",
        "",
    ),
    (
        "the context by a default",
        "    volumes: [{type: bind, source: '${SRC:-./api}', target: /srv/api}]\n",
        "",
    ),
    ("long form", "    volumes: [{type: bind, source: ./api, target: /opt/api}]\n", ""),
    ("a code file, read-only", "    volumes: ['./tools/main.py:/srv/main.py:ro']\n", ""),
    ("a script", "    volumes: ['./entrypoint.sh:/entrypoint.sh:ro']\n", ""),
    ("a folder on /app", "    volumes: ['./frontend:/app']\n", ""),
    ("a folder on /usr/src/app", "    volumes: ['./web:/usr/src/app']\n", ""),
    (
        "a folder on the working_dir",
        "    working_dir: /opt/shop\n    volumes: ['./shop:/opt/shop']\n",
        "",
    ),
    ("a checkout outside the project", "    volumes: ['/srv/shop/api:/srv/api']\n", ""),
    ("another checkout's context", "    volumes: ['../main/api/src:/srv/src']\n", ""),
    (
        "a folder on the working_dir written with a slash",
        "    working_dir: /opt/shop/\n    volumes: ['./shop:/opt/shop']\n",
        "",
    ),
    ("a local volume binding the context", "    volumes: ['code:/srv/code']\n", BOUND),
]
NOT_SOURCE = [
    ("a config file", "    volumes: ['./config/nginx.conf:/etc/nginx/nginx.conf:ro']\n", ""),
    ("a Caddyfile", "    volumes: ['./Caddyfile:/etc/caddy/Caddyfile:ro']\n", ""),
    ("a data folder", "    volumes: ['./data:/var/lib/data']\n", ""),
    ("certificates", "    volumes: ['./certs:/etc/ssl/private:ro']\n", ""),
    ("a config file inside /app", "    volumes: ['./config/app.yaml:/app/config.yaml:ro']\n", ""),
    ("a host file", "    volumes: ['/etc/localtime:/etc/localtime:ro']\n", ""),
    ("a named volume on /app", "    volumes: ['code:/app']\n", "volumes:\n  code: {}\n"),
    ("an NFS volume", "    volumes: ['code:/srv/code']\n", NFS),
]


@pytest.mark.parametrize(("text", "extra"), [c[1:] for c in SOURCE], ids=[c[0] for c in SOURCE])
def test_source_binds(tmp_path: Path, text: str, extra: str) -> None:
    found = _rules(tmp_path, _production_api(text, extra))
    assert "PRD005 services.api.volumes.0" in found, found


@pytest.mark.parametrize(
    ("text", "extra"), [c[1:] for c in NOT_SOURCE], ids=[c[0] for c in NOT_SOURCE]
)
def test_binds_that_are_not_source(tmp_path: Path, text: str, extra: str) -> None:
    assert not [f for f in _rules(tmp_path, _production_api(text, extra)) if "PRD005" in f]


def test_the_docker_socket_through_a_default(tmp_path: Path) -> None:
    text = (
        "    volumes: [{type: bind, source: '${SOCKET:-/var/run/docker.sock}', "
        "target: /var/run/docker.sock}]\n"
    )
    assert "HST001 services.api.volumes.0" in _rules(tmp_path, _production_api(text))


JOIN = "networks:\n  back:\n    external: true\n    name: {name}\n"


def test_an_external_network_that_is_production_own(tmp_path: Path) -> None:
    joined = JOIN.format(name="shop-production_default") + API + "    networks: [default, back]\n"
    problems = findings(tmp_path, patched([("staging.yaml", None, joined)]))
    assert [str(p) for p in problems if p.rule == "SEG003"] == [
        "environments/staging.yaml:31:11: SEG003 error: networks.back.name: network "
        "`shop-production_default` is also production's on host `vps` "
        "(environments/production.yaml:1:1) "
        "(give the network a name of this environment's own: each environment has its own "
        "network to the proxy, which the proxy joins)"
    ]


def test_an_external_network_of_a_declared_production_network(tmp_path: Path) -> None:
    production = "networks:\n  back: {}\n" + API + "    networks: [default, proxy, back]\n"
    joined = JOIN.format(name="shop-production_back") + API + "    networks: [default, back]\n"
    patches: list[Patch] = [("production.yaml", None, production), ("staging.yaml", None, joined)]
    found = _rules(tmp_path, patches, "staging")
    assert "SEG003 networks.back.name" in found, found


def test_the_shared_proxy_network_and_an_outside_one_are_no_finding(tmp_path: Path) -> None:
    joined = JOIN.format(name="monitoring") + API + "    networks: [default, proxy, back]\n"
    found = _rules(tmp_path, [("staging.yaml", None, joined)], "staging")
    assert not [f for f in found if f.startswith("SEG003")], found


def test_an_external_volume_that_is_production_own(tmp_path: Path) -> None:
    text = "volumes:\n  dbdata:\n    external: true\n    name: shop-production_dbdata\n"
    found = _rules(tmp_path, [("staging.yaml", None, text)], "staging")
    assert "SEG002 volumes.dbdata" in found, found


def test_a_limit_from_a_variable(tmp_path: Path) -> None:
    text = "    memory: !remove\n    mem_limit: ${API_MEMORY}\n"
    problems = findings(tmp_path, patched(_production_api(text)))
    shown = [str(p) for p in problems if p.environment == "production"]
    assert shown == [
        "environments/production.yaml:27:16: BUD002 warning: services.api.mem_limit: `api`'s "
        "memory limit `${API_MEMORY}` is decided by a variable, so host `vps`'s budget cannot "
        "count it (give the service a memory limit and each tmpfs a size)"
    ]


RESTARTS = [
    ("an empty deploy policy: the engine's none", "    deploy: {restart_policy: {}}\n", True),
    (
        "deploy's none overrides restart",
        "    deploy: {restart_policy: {condition: none}}\n",
        True,
    ),
    (
        "deploy's any overrides restart: no",
        '    restart: "no"\n    deploy: {restart_policy: {condition: any}}\n',
        False,
    ),
    ("on-failure restarts", "    deploy: {restart_policy: {condition: on-failure}}\n", False),
    ("a default that restarts", "    deploy: {restart_policy: {condition: '${R:-any}'}}\n", False),
]


@pytest.mark.parametrize(
    ("text", "flagged"), [c[1:] for c in RESTARTS], ids=[c[0] for c in RESTARTS]
)
def test_restart_under_deploy(tmp_path: Path, text: str, flagged: bool) -> None:
    found = _rules(tmp_path, _production_api(text))
    assert any(f.startswith("PRD002 services.api") for f in found) is flagged, found


def test_restart_policy_message(tmp_path: Path) -> None:
    text = "    deploy: {restart_policy: {condition: none}}\n"
    problems = findings(tmp_path, patched(_production_api(text)))
    assert [str(p) for p in problems if p.rule == "PRD002"] == [
        "environments/production.yaml:26:42: PRD002 error: "
        "services.api.deploy.restart_policy.condition: `api` has "
        "`deploy.restart_policy.condition: none`; it stays down after a crash "
        "(set `restart: unless-stopped`)"
    ]


def test_a_healthcheck_disabled_over_an_inherited_one(tmp_path: Path) -> None:
    found = _rules(tmp_path, _production_api("    healthcheck: {disable: true}\n"))
    assert "PRD003 services.api.healthcheck" in found


def _compose_file(tmp_path: Path, service: str) -> Path:
    path = tmp_path / "compose.yml"
    path.write_text(f"services:\n  a:\n    image: x\n{service}", encoding="utf-8")
    return path


def test_compose_refuses_two_different_memory_limits(tmp_path: Path) -> None:
    """Why one limit is read from either key: Compose takes no file where they differ."""
    text = "    mem_limit: 256m\n    deploy: {resources: {limits: {memory: 128m}}}\n"
    result = compose(_compose_file(tmp_path, text), "config", "--format", "json")
    assert result.returncode != 0
    assert "can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'" in (
        result.stderr
    )
    same = "    mem_limit: 128m\n    deploy: {resources: {limits: {memory: 128M}}}\n"
    assert compose(_compose_file(tmp_path, same), "config").returncode == 0


def test_compose_keeps_restart_beside_deploy_restart_policy(tmp_path: Path) -> None:
    """Compose keeps both keys; `docker compose up` lets deploy.restart_policy win."""
    text = "    restart: always\n    deploy: {restart_policy: {condition: none}}\n"
    result = compose(_compose_file(tmp_path, text), "config")
    assert result.returncode == 0, result.stderr
    assert "restart: always" in result.stdout
    assert "condition: none" in result.stdout


@pytest.mark.parametrize(("value", "flagged"), [("\"'true'\"", True), ("\"'false'\"", False)])
def test_a_quoted_switch_value(tmp_path: Path, value: str, flagged: bool) -> None:
    """A value written with quotes inside (`DEBUG="'true'"`) is read as the program reads it."""
    found = _rules(tmp_path, _production_api(f"    environment:\n      NODE_DEBUG: {value}\n"))
    assert ("PRD008 services.api.environment.NODE_DEBUG" in found) is flagged, found
