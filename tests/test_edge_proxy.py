"""An edge proxy inside the stack (`role: edge-proxy`): a layout modelled, not silenced. On
one host, four environments; production's Caddy publishes 80 and 443 and joins staging's
network as well as its own; nothing else is published beyond loopback or shares a network."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.caddy_cli import caddy
from tests.compose_cli import compose, required_variables
from tests.conftest import REPO, Run, write_tree
from tests.policy_project import Patch, findings, patched

EDGE = """\
services:
  edge:
    description: Caddy, the edge proxy of both deployed environments on this host
    role: edge-proxy
    image: caddy:2.8
    ports:
      - "80:80"
      - "443:443"
      - "443:443/udp"
    networks: [proxy, staging-edge]
    healthcheck:
      test: [CMD, caddy, version]
    restart: unless-stopped
    memory: 64m
networks:
  staging-edge:
    name: edge-staging
    external: true
"""
# Every environment on one host.
ONE_HOST: list[Patch] = [
    ("production.yaml", None, EDGE),
    ("local.yaml", "name: laptop", "name: vps"),
    ("test.yaml", "name: laptop", "name: vps"),
]


def _lines(tmp_path: Path, patches: list[Patch]) -> tuple[dict[str, str], list[str]]:
    files = patched(patches)
    return files, [str(p) for p in findings(tmp_path, files)]


def _at(files: dict[str, str], name: str, needle: str) -> str:
    """`environments/NAME:LINE:COLUMN` of `needle`, which is on one line only."""
    lines = files[f"environments/{name}"].split("\n")
    found = [(n, line.index(needle)) for n, line in enumerate(lines, 1) if needle in line]
    assert len(found) == 1, found
    return f"environments/{name}:{found[0][0]}:{found[0][1] + 1}"


def test_the_project_validates_with_no_silence(tmp_path: Path) -> None:
    files, lines = _lines(tmp_path, ONE_HOST)
    assert lines == []
    assert not any("silence" in text for text in files.values())


def test_it_renders_and_compose_and_caddy_accept_every_file(tmp_path: Path, run: Run) -> None:
    root = write_tree(tmp_path, patched(ONE_HOST))
    rendered = run("--root", root, "render")
    assert rendered.exit_code == 0, rendered.output
    for file in sorted((root / "rendered").glob("docker-compose.*.yml")):
        checked = compose(file, "config", "--quiet", variables=_placeholders(file))
        assert checked.returncode == 0, (file.name, checked.stderr)
    production = compose(
        root / "rendered/docker-compose.production.yml",
        "config",
        "--format",
        "json",
        "--no-interpolate",
    )
    assert '"edge-staging"' in production.stdout  # the proxy joins staging's network
    caddyfile = (root / "rendered/Caddyfile").read_text(encoding="utf-8")
    assert (
        "# staging (staging tier), through network edge-staging:\n"
        "# service `edge` of production joins it (its compose file attaches it); docker "
        "network create edge-staging on host vps, once, before either stack starts\n"
    ) in caddyfile
    home = tmp_path / "home"
    home.mkdir()
    caddyfile_path = str(root / "rendered/Caddyfile")
    variables = {
        "STAGING_AUTH_USER": "tester",
        # a bcrypt hash, as `caddy hash-password` makes them
        "STAGING_AUTH_HASH": "$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG",
    }
    args = ("validate", "--config", caddyfile_path, "--adapter", "caddyfile")
    caddy(home, *args, variables=variables)


def _placeholders(file: Path) -> dict[str, str]:
    return dict.fromkeys(required_variables(file.read_text(encoding="utf-8")), "x")


POSTGRES = '"0.0.0.0:5432'


def test_postgres_on_every_interface_in_production_fails_at_its_line(tmp_path: Path) -> None:
    published = '  postgres:\n    ports:\n      - "0.0.0.0:5432:5432"\n'
    edge = EDGE.replace("networks:\n  staging-edge:", published + "networks:\n  staging-edge:")
    files, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    assert lines == [
        f"{_at(files, 'production.yaml', POSTGRES)}: PRD004 error: "
        "services.postgres.ports.0: host port 5432 is published on 0.0.0.0; publish on "
        "127.0.0.1 and let the proxy in front (write the address, as in "
        "`127.0.0.1:8001:8001`, or drop the port)"
    ]


@pytest.mark.parametrize(
    ("port", "message"),
    [
        ('"2019:2019"', "host port 2019 is published on every interface"),  # its admin API
        ('"8080:80"', "host port 8080 is published on every interface"),
        ('"443-444:443-444"', "host port range 443-444 is published on every interface"),
    ],
)
def test_an_edge_proxy_publishes_80_and_443_only(tmp_path: Path, port: str, message: str) -> None:
    edge = EDGE.replace('      - "443:443"\n      - "443:443/udp"\n', f"      - {port}\n")
    files, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    assert lines == [
        f"{_at(files, 'production.yaml', port)}: PRD004 error: services.edge.ports.1: "
        f"{message}; an edge proxy faces the internet on 80 and 443 only (write the "
        "address, as in `127.0.0.1:8001:8001`, or drop the port)"
    ]


def test_the_role_is_what_allows_it(tmp_path: Path) -> None:
    edge = EDGE.replace("    role: edge-proxy\n", "")
    _, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    assert [line.split(": ", 2)[1] for line in lines] == [
        "PRD004 error",
        "PRD004 error",
        "PRD004 error",
        "SEG003 error",
    ]


def test_only_the_edge_proxy_may_join_another_environments_network(tmp_path: Path) -> None:
    api = "  api:\n    networks: [default, proxy, staging-edge]\n"
    edge = EDGE.replace("networks:\n  staging-edge:", api + "networks:\n  staging-edge:")
    files, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    # Production is never the one blamed (Scope.blame); both sides are named.
    assert lines == [
        f"{_at(files, 'staging.yaml', 'edge-staging')}: SEG003 error: networks.proxy.name: "
        f"network `edge-staging` is also production's on host `vps` "
        f"({_at(files, 'production.yaml', 'edge-staging')}) (give the network a name of "
        "this environment's own: each environment has its own network to the proxy, which "
        "the proxy joins)"
    ]


def test_networks_on_two_hosts_are_two_networks(tmp_path: Path) -> None:
    """The same Docker name on two machines is two networks: no finding."""
    api = "  api:\n    networks: [default, proxy, staging-edge]\n"
    edge = EDGE.replace("networks:\n  staging-edge:", api + "networks:\n  staging-edge:")
    moved: Patch = ("staging.yaml", "name: vps", "name: vps2")
    _, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:], moved])
    assert [line for line in lines if "SEG003" in line] == []


def test_the_shipped_caddyfile_says_how_caddy_is_attached() -> None:
    caddyfile = (REPO / "rendered/Caddyfile").read_text(encoding="utf-8")
    assert (
        "# staging (staging tier), through network caddy-staging:\n"
        "# on host vps: docker network create caddy-staging (once), then docker network "
        "connect caddy-staging caddy\n"
    ) in caddyfile
