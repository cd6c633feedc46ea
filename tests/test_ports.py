"""Ports in every form Compose takes mean what they mean to Compose, and the rules read
them as Docker binds them: ranges, ports Docker picks, IPv6 and every-interface
addresses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from envgen.model.ports import PortMapping

from tests.compose_cli import compose, compose_json
from tests.conftest import REPO, Run, edit_spec, write_tree
from tests.policy_project import findings, line_of, patched

PROD_API = "services:\n  api:\n"

HEAD = """\
app: shop
access: localhost
host:
  name: laptop
compose_project: shop
"""

# Every short form Compose takes, and its long form, as a Compose user writes them.
PORTS = """\
services:
  web:
    image: busybox:1
    ports:
      - "3000"
      - 3001
      - "3002-3004"
      - "9090-9091:8080-8081"
      - "127.0.0.1:5000-5002:5000-5002"
      - "[::1]:6001:6001"
      - "::1:6002:6002"
      - "[::]:6003:6003"
      - "0.0.0.0:6004:6004"
      - "6005:6005/udp"
      - "6006:6006/sctp"
      - "127.0.0.1::6007"
      - "6008:6008/tcp"
      - "127.0.0.1:6009:6009/UDP"
      - "6010-6012:6010"
      - "[fe80::1]:6013:6013/udp"
      - "[::]::6014"
      - target: 80
      - target: 81
        published: 8081
        x-note: Compose drops it from its model, and so does envgen
      - target: 82
        published: "8082"
        host_ip: "::1"
        protocol: udp
        app_protocol: http
        mode: host
        name: web
      - target: 83
        published: 9000-9005
      - target: 84
        published: "9006"
        protocol: UDP
"""


def _normalized(path: Path) -> Any:
    result = compose(path, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_port_form_means_to_compose_what_the_plain_file_means(
    tmp_path: Path, run: Run
) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + PORTS,
            "environments/local.yaml": "tier: local\n",
            "plain/compose.yml": "name: shop\n" + PORTS,
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = _normalized(tmp_path / "rendered" / "docker-compose.local.yml")
    assert rendered == _normalized(tmp_path / "plain" / "compose.yml")
    ports = rendered["services"]["web"]["ports"]
    # Without an address Compose binds every interface: no host_ip, as written.
    assert {"mode": "ingress", "target": 3000, "protocol": "tcp"} in ports
    assert len(ports) == 27  # each port of a container range is one mapping


REFUSED = [
    (
        "'8080:${PORT}'",
        13,
        "",
        "the container port of `8080:${PORT}` comes from a variable without a default: "
        "give it one, such as ${PORT:-80}",
    ),
    ("'80:80/foo'", 13, ".protocol", "invalid protocol `foo`: write tcp, udp or sctp"),
    (
        "'9090-9092:8080-8081'",
        13,
        "",
        "the host ports 9090-9092 and the container ports 8080-8081 are ranges of "
        "different lengths",
    ),
    (
        "'80:90-91'",
        13,
        "",
        "the host ports 80 and the container ports 90-91 are ranges of different lengths",
    ),
    (
        "'1.2.3.4:80'",
        13,
        ".published",
        "invalid port `1.2.3.4`: write a port such as 8000 or a range 8000-8005",
    ),
    (
        "'localhost:80:80'",
        13,
        ".host_ip",
        "invalid host address `localhost`: write an IPv4 or IPv6 address such as 127.0.0.1 or ::1",
    ),
    (
        "'3005-3000'",
        13,
        ".target",
        "invalid port range `3005-3000`: the first port is the lower one",
    ),
    ("'65536'", 13, ".target", "`65536` is out of range: must be at most 65535"),
    ("'80:0'", 13, "", "the container port must be at least 1"),
    (
        "{target: 80-81}",
        13,
        "",
        "a range of container ports (80-81) is written in the short form, e.g. "
        '"8000-8005:8000-8005"',
    ),
    (
        "{host: 8080, published: 8080, target: 80}",
        13,
        "",
        "`host` and `published` are one key: keep `published`",
    ),
    ("{target: 80, mode: mesh}", 32, ".mode", "input should be 'host' or 'ingress'"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[case[0] for case in REFUSED])
def test_a_port_compose_or_envgen_cannot_read_is_refused_at_its_place(
    tmp_path: Path, run: Run, case: tuple[str, int, str, str]
) -> None:
    written, column, field, message = case
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + "services:\n  web:\n    image: busybox:1\n",
            "environments/local.yaml": f"tier: local\nservices:\n  web:\n    ports: [{written}]\n",
        },
    )
    result = run("--root", tmp_path, "validate")
    assert result.exit_code == 2
    expected = f"environments/local.yaml:4:{column}: services.web.ports.0{field}: {message}"
    assert result.output.splitlines() == [expected, "1 error"]


def _port(written: str | dict[str, Any]) -> PortMapping:
    return PortMapping.model_validate(written)


@pytest.mark.parametrize(
    ("first", "second", "collide"),
    [
        ("8000-8005:80-85", "8005:80", True),  # the range's last port
        ("8000-8005:80-85", "8006:80", False),  # one past it
        ("8000-8005:80-85", "7999:80", False),  # one before it
        ("8000-8005:80-85", "8000:80", True),  # its first port
        ("8000-8005:80", "7000-8000:80", True),  # ranges that touch at one end
        ("3000", "3000:3000", False),  # Docker picks the first one's host port
        ("127.0.0.1::3000", "127.0.0.1::3000", False),
        ("0:80", "0:80", False),  # host port 0: Docker picks
        ("8000:80", "8000:80", True),  # no address: every interface
        ("8000:80", "127.0.0.1:8000:80", True),
        ("0.0.0.0:8000:80", "::1:8000:80", True),
        ("[::]:8000:80", "127.0.0.1:8000:80", True),
        ("[::1]:8000:80", "127.0.0.1:8000:80", False),  # two addresses, neither every one
        ("[::1]:8000:80", "[0:0:0:0:0:0:0:1]:8000:80", True),  # one address, two spellings
        ("127.0.0.1:8000:80", "127.0.0.2:8000:80", False),
        ("8000:80/udp", "8000:80", False),  # another protocol
        ("8000:80/UDP", "8000:80/udp", True),
        ({"target": 80, "published": 8000, "protocol": "UDP"}, "8000:80/udp", True),
    ],
)
def test_ports_collide_when_docker_cannot_bind_both(first: Any, second: Any, collide: bool) -> None:
    assert _port(first).collides_with(_port(second)) is collide
    assert _port(second).collides_with(_port(first)) is collide


@pytest.mark.parametrize(
    ("written", "compose_text"),
    [
        ("8001:8001", "8001:8001"),
        ("3000", "3000"),
        (3000, "3000"),
        ("::1:6002:6002", "[::1]:6002:6002"),
        ("127.0.0.1::6007", "127.0.0.1::6007"),
        ("6005:6005/udp", "6005:6005/udp"),
        ("6008:6008/tcp", "6008:6008"),
        (
            {"target": 84, "published": 9006, "protocol": "UDP"},
            {"target": 84, "published": "9006", "protocol": "UDP"},
        ),
    ],
)
def test_a_port_is_written_in_the_form_compose_reads_as_the_spec(
    written: Any, compose_text: Any
) -> None:
    assert PortMapping.model_validate(written).compose() == compose_text


def _one(problems: list[Any], rule: str) -> list[str]:
    return [str(p) for p in problems if p.rule == rule]


@pytest.mark.parametrize(
    ("ports", "message"),
    [
        ("['8001:8001']", "host port 8001 is published on every interface"),
        ("['0.0.0.0:8001:8001']", "host port 8001 is published on 0.0.0.0"),
        ("['[::]:8001:8001']", "host port 8001 is published on ::"),
        ("['3000']", "container port 3000 is published on every interface"),
        ("['10.0.0.5:9000-9001:80-81']", "host port range 9000-9001 is published on 10.0.0.5"),
    ],
)
def test_prd004_sees_every_interface(tmp_path: Path, ports: str, message: str) -> None:
    files = patched([("production.yaml", None, f"{PROD_API}    ports: {ports}\n")])
    found = _one(findings(tmp_path, files), "PRD004")
    where = line_of(files, "production.yaml", "ports:")
    assert found == [
        f"{where}:13: PRD004 error: services.api.ports.0: {message}; publish on 127.0.0.1 "
        "and let the proxy in front (write the address, as in `127.0.0.1:8001:8001`, or drop "
        "the port)"
    ]


@pytest.mark.parametrize(
    "ports",
    [
        "['127.0.0.1:8001:8001']",
        "['[::1]:8001:8001']",
        "['127.0.0.1::3000']",
        "['::1:9000-9001:80-81']",
    ],
)
def test_prd004_lets_loopback_through(tmp_path: Path, ports: str) -> None:
    files = patched([("production.yaml", None, f"{PROD_API}    ports: {ports}\n")])
    assert _one(findings(tmp_path, files), "PRD004") == []


def _on_one_host(staging: str, production: str) -> list[tuple[str, str | None, str]]:
    return [
        ("staging.yaml", None, f"{PROD_API}    ports: [{staging}]\n"),
        ("production.yaml", None, f"{PROD_API}    ports: [{production}]\n"),
    ]


@pytest.mark.parametrize(
    ("staging", "production", "message"),
    [
        ("'127.0.0.1:8005:80'", "'127.0.0.1:8000-8005:80-85'", "host port 8005"),
        ("'127.0.0.1:8000-8005:80-85'", "'127.0.0.1:8005:80'", "host port range 8000-8005"),
        ("'127.0.0.1:7000-8000:80'", "'127.0.0.1:8000-8001:80'", "host port range 7000-8000"),
        ("'::1:8005:80'", "'[::1]:8000-8005:80-85'", "host port 8005"),
    ],
)
def test_seg011_finds_a_port_inside_another_environments_range(
    tmp_path: Path, staging: str, production: str, message: str
) -> None:
    files = patched(_on_one_host(staging, production))
    found = _one(findings(tmp_path, files), "SEG011")
    where = line_of(files, "staging.yaml", "ports:")
    theirs = line_of(files, "production.yaml", "ports:")
    assert found == [
        f"{where}:13: SEG011 error: services.api.ports.0: {message} is also published by "
        f"production on host `vps` ({theirs}:13) (pick a host port that no other environment "
        "on this host publishes)"
    ]


@pytest.mark.parametrize(
    ("staging", "production"),
    [
        ("'127.0.0.1:8006:80'", "'127.0.0.1:8000-8005:80-85'"),  # one past the range
        ("'127.0.0.1:7999:80'", "'127.0.0.1:8000-8005:80-85'"),  # one before it
        ("'127.0.0.1::80'", "'127.0.0.1::80'"),  # Docker picks both host ports
        ("'::1:8000:80'", "'127.0.0.1:8000:80'"),  # two loopback addresses
        ("'127.0.0.1:8000:80/udp'", "'127.0.0.1:8000:80'"),  # two protocols
    ],
)
def test_seg011_near_misses(tmp_path: Path, staging: str, production: str) -> None:
    files = patched(_on_one_host(staging, production))
    assert _one(findings(tmp_path, files), "SEG011") == []


@pytest.mark.parametrize(
    ("test_port", "clash"),
    [
        ("127.0.0.1:8000-8001:5432-5433", True),  # local publishes 8001
        ("127.0.0.1:8002-8003:5432-5433", False),
        ("127.0.0.1::5432", False),  # Docker picks it
        ("'[::1]:8001:5432'", True),  # a client of localhost:8001 may find either
    ],
)
def test_tst004_reads_ranges(tmp_path: Path, test_port: str, clash: bool) -> None:
    """Local publishes 8001 on 127.0.0.1 only; addresses do not keep TST004 apart."""
    local = ("local.yaml", "- 8001:8001", "- 127.0.0.1:8001:8001")
    files = patched([local, ("test.yaml", "15432:5432", test_port)])
    found = _one(findings(tmp_path, files), "TST004")
    assert len(found) == clash
    if clash:
        assert "is also local's" in found[0]


def test_one_environment_refuses_a_port_inside_its_own_range(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + "services:\n  web:\n    image: busybox:1\n"
            "  api:\n    image: busybox:1\n",
            "environments/local.yaml": "tier: local\nservices:\n  web:\n"
            "    ports: ['8000-8005:80-85']\n  api:\n    ports: ['127.0.0.1:8005:80', '8006:80']\n",
        },
    )
    result = run("--root", tmp_path, "validate")
    assert result.output.splitlines() == [
        "environments/local.yaml:6:13: services.api.ports.0: host port 8005 is already "
        "published by `web`",
        "1 error",
    ]


@pytest.mark.parametrize("name", ["docker-compose.dev.yml", "docker-compose.test.yml"])
def test_the_shipped_ports_stay_on_localhost(name: str) -> None:
    """The shipped specs write 127.0.0.1 where they mean it, so the rendered files
    publish where they did before a port without an address meant every interface."""
    services = compose_json(REPO / "rendered" / name)["services"]
    ports = [port for service in services.values() for port in service.get("ports", [])]
    assert ports
    assert {port.get("host_ip") for port in ports} == {"127.0.0.1"}


def test_diff_names_each_form_by_its_host_side(shipped: Path, run: Run) -> None:
    edit_spec(
        shipped,
        "test.yaml",
        "- 127.0.0.1:15432:5432",
        "- 15432-15433:5432-5433\n      - '5432'\n      - '[::1]:15434:5432/udp'",
    )
    result = run("--root", shipped, "diff", "local", "test", "--service", "postgres")
    assert "  + ports[15432-15433/tcp]" in result.output  # every interface, a range
    assert "  + ports[*:5432/tcp]" in result.output  # a host port Docker picks
    assert "  + ports[[::1]:15434/udp]" in result.output
    assert "  - ports[127.0.0.1:5432/tcp]" in result.output
