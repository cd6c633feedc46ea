"""Mounts (a service's `volumes`) in every form Compose takes mean what they mean to
Compose; the rules still see the source, the target, read-only, binds, the Docker socket
and the size of a RAM disk."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.compose.sizes import parse_ram
from envgen.model.mounts import Mount, TmpfsLine
from envgen.model.service import Service

from tests.compose_cli import compose
from tests.conftest import Run, write_tree
from tests.policy_project import findings, line_of, patched

PROD_API = "services:\n  api:\n"

HEAD = """\
app: shop
access: localhost
host:
  name: laptop
compose_project: shop
volumes:
  data: {}
"""

# Every mode of the short form and every key of the long form, as a Compose user writes
# them (the plain file sits in a folder of its own, so its project path is ../src).
MOUNTS = """\
services:
  web:
    image: busybox:1
    volumes:
      - data:/d1
      - data:/d2:ro
      - data:/d3:rw
      - ./src:/s1:z
      - ./src:/s2:Z
      - ./src:/s3:cached
      - ./src:/s4:delegated
      - ./src:/s5:consistent
      - data:/d6:nocopy
      - ./src:/s7:ro,z
      - /anonymous
      - /srv/shared:/s8
      - ./src:/s9:rprivate
      - ./src:/s10:ro,rshared
      - data:/d11:ro,nocopy
      - ./src:/s12:rw,Z,cached
      - type: volume
        source: data
        target: /l1
        read_only: true
        x-note: Compose drops it from its model, and so does envgen
        volume: {nocopy: true, subpath: sub, labels: {com.example.v: "1"}, x-v: 1}
      - type: bind
        source: ./src
        target: /l2
        consistency: cached
        bind: {propagation: rshared, create_host_path: true, selinux: z, recursive: readonly}
      - type: tmpfs
        target: /l3
        tmpfs: {size: 65536k, mode: 1777}
      - type: image
        source: alpine:3
        target: /l4
        image: {subpath: etc}
      - type: volume
        target: /l5
      - type: tmpfs
        target: /l6
"""


def _mounts(path: Path) -> list[dict[str, Any]]:
    """Compose's model of the file's mounts, without the empty option mappings (`bind:
    {}`, `volume: {}`) it adds to a short-form mount: no options, as in the long form."""
    result = compose(path, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    volumes = json.loads(result.stdout)["services"]["web"]["volumes"]
    return [{key: value for key, value in m.items() if value != {}} for m in volumes]


def test_every_mount_form_means_to_compose_what_the_plain_file_means(
    tmp_path: Path, run: Run
) -> None:
    (tmp_path / "src").mkdir()
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + MOUNTS,
            "environments/local.yaml": "tier: local\n",
            "plain/compose.yml": "name: shop\n"
            + MOUNTS.replace("./src", "../src")
            + "volumes:\n  data:\n    name: shop_data\n",
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = _mounts(tmp_path / "rendered" / "docker-compose.local.yml")
    assert rendered == _mounts(tmp_path / "plain" / "compose.yml")
    assert rendered[2] == {"type": "volume", "source": "data", "target": "/d3"}  # rw: writable
    assert rendered[9]["read_only"] is True
    assert rendered[9]["bind"] == {"selinux": "z"}


@pytest.mark.parametrize(
    ("written", "short", "long"),
    [
        ("data:/d:ro", "ro", {"read_only": True}),
        ("./src:/s:ro,z", "ro,z", {"read_only": True, "bind": {"selinux": "z"}}),
        ("data:/d:nocopy", "nocopy", {"volume": {"nocopy": True}}),
        ("./src:/s:rslave", "rslave", {"bind": {"propagation": "rslave"}}),
        ("./src:/s:cached", "cached", {}),  # Compose drops it from the short form
        ("./src:/s:rw", "rw", {}),
    ],
)
def test_a_short_mode_stands_for_its_long_form_keys(
    written: str, short: str, long: dict[str, Any]
) -> None:
    mount = Mount.model_validate(written)
    assert mount.options() == long, short


@pytest.mark.parametrize(
    ("written", "kind", "source", "volume_name"),
    [
        ("data:/d", "volume", "data", "data"),
        ("./src:/s", "bind", "./src", None),
        ("/srv/x:/s", "bind", "/srv/x", None),
        ("~/x:/s", "bind", "~/x", None),
        ("/d", "volume", None, None),  # anonymous: no volume to declare
        ({"type": "tmpfs", "target": "/t"}, "tmpfs", None, None),
        ({"type": "image", "source": "alpine:3", "target": "/i"}, "image", "alpine:3", None),
    ],
)
def test_the_kind_of_a_mount_is_compose_s(
    written: Any, kind: str, source: str | None, volume_name: str | None
) -> None:
    mount = Mount.model_validate(written)
    assert (mount.kind, mount.source, mount.volume_name) == (kind, source, volume_name)
    assert mount.is_bind is (kind == "bind")


REFUSED = [
    (
        "'data:/d:nocpy'",
        15,
        "",
        "unknown mount mode `nocpy` (did you mean nocopy?): use ro, rw, z, Z, nocopy, cached, "
        "delegated, consistent, shared, slave, private, rshared, rslave, rprivate",
    ),
    ("'data:/d:ro,rw'", 15, "", "invalid mount `data:/d:ro,rw`: ro and rw contradict each other"),
    ("'data:d'", 15, "", "invalid target `d`: must be an absolute path, without spaces"),
    ("'/data:ro'", 15, "", "invalid target `ro`: must be an absolute path, without spaces"),
    (
        "'data:/d:ro:z'",
        15,
        "",
        "invalid mount `data:/d:ro:z`: write SOURCE:TARGET[:MODES] (MODES such as ro or ro,z)",
    ),
    ("{type: bind, target: /x}", 15, "", "a bind mount needs a `source`"),
    (
        "{type: bind, source: ./src, target: /x, bind: {selinx: z}}",
        62,
        ".bind.selinx",
        "unknown field `selinx` (did you mean `selinux`?)",
    ),
    (
        "{type: tmpfs, target: /t, tmpfs: {size: lots}}",
        55,
        ".tmpfs.size",
        "invalid size `lots`: use bytes or a number with k, m, g or t",
    ),
    (
        "{type: tmp, target: /t}",
        22,
        ".type",
        "input should be 'volume', 'bind', 'tmpfs', "
        "'npipe', 'image' or 'cluster' (did you mean `tmpfs`?)",
    ),
]


@pytest.mark.parametrize("case", REFUSED, ids=[case[0] for case in REFUSED])
def test_a_mount_compose_or_envgen_cannot_read_is_refused_at_its_place(
    tmp_path: Path, run: Run, case: tuple[str, int, str, str]
) -> None:
    written, column, field, message = case
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + "services:\n  web:\n    image: busybox:1\n",
            "environments/local.yaml": f"tier: local\nservices:\n  web:\n"
            f"    volumes: [{written}]\n",
        },
    )
    result = run("--root", tmp_path, "validate")
    assert result.exit_code == 2
    expected = f"environments/local.yaml:4:{column}: services.web.volumes.0{field}: {message}"
    assert result.output.splitlines() == [expected, "1 error"]


def test_a_long_form_mount_and_a_tmpfs_at_one_target_are_refused(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + "services:\n  web:\n    image: busybox:1\n",
            "environments/local.yaml": "tier: local\nservices:\n  web:\n"
            "    volumes: [{type: tmpfs, target: /cache/}]\n    tmpfs: [/cache]\n",
        },
    )
    result = run("--root", tmp_path, "validate")
    assert result.output.splitlines() == [
        "environments/local.yaml:5:13: services.web.tmpfs.0.target: `/cache` is already "
        "mounted by volumes[0]",
        "1 error",
    ]


@pytest.mark.parametrize(
    ("written", "size"),
    [
        ("65536k", 64 * 1024**2),
        ("64m", 64 * 1024**2),
        ("64MB", 64 * 1024**2),
        ("1.5g", 1536 * 1024**2),
        ("1000", 1000),
        (1000, 1000),
        ("1t", 1024**4),
    ],
)
def test_ram_sizes_are_read_in_compose_s_units(written: Any, size: int) -> None:
    """The sizes Compose normalizes to these bytes (`config` writes 67108864 for
    65536k and for 64MB)."""
    assert parse_ram(written) == size


def _tmpfs_mount(size: str) -> str:
    return f"{PROD_API}    volumes: [{{type: tmpfs, target: /scratch, tmpfs: {{size: {size}}}}}]\n"


def test_a_tmpfs_mount_counts_in_the_host_budget(tmp_path: Path) -> None:
    """4g host, 3 services of 256m in each of staging and production (1.5g): a 2561m
    RAM disk is one megabyte too many, 2560m fits exactly."""
    over = findings(tmp_path / "over", patched([("production.yaml", None, _tmpfs_mount("2561m"))]))
    assert [p.rule for p in over if p.rule.startswith("BUD")] == ["BUD001"]
    assert "may use 4097m" in str(next(p for p in over if p.rule == "BUD001"))
    fits = findings(tmp_path / "fits", patched([("production.yaml", None, _tmpfs_mount("2560m"))]))
    assert [p.rule for p in fits if p.rule.startswith("BUD")] == []


def test_a_tmpfs_mount_without_a_size_cannot_be_counted(tmp_path: Path) -> None:
    files = patched(
        [("production.yaml", None, f"{PROD_API}    volumes: [{{type: tmpfs, target: /scratch}}]\n")]
    )
    found = [str(p) for p in findings(tmp_path, files) if p.rule == "BUD002"]
    where = line_of(files, "production.yaml", "volumes:")
    assert found == [
        f"{where}:15: BUD002 warning: services.api.volumes.0: tmpfs `/scratch` has no size, "
        "so host `vps`'s budget cannot count it (give the service a memory limit and each "
        "tmpfs a size)"
    ]


@pytest.mark.parametrize(
    ("mount", "socket"),
    [
        ("{type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock}", True),
        ("{type: bind, source: /run//docker.sock, target: /docker.sock, read_only: true}", True),
        ("'/var/run/docker.sock:/var/run/docker.sock:ro,z'", True),
        ("{type: volume, source: docker.sock, target: /var/run/docker.sock}", False),
        ("'/var/run/docker.socket:/x'", False),
    ],
)
def test_the_docker_socket_is_seen_in_every_form(tmp_path: Path, mount: str, socket: bool) -> None:
    extra = "volumes:\n  docker.sock: {}\n" if "type: volume" in mount else ""
    files = patched([("production.yaml", None, f"{extra}{PROD_API}    volumes: [{mount}]\n")])
    found = [str(p) for p in findings(tmp_path, files) if p.rule == "HST001"]
    assert len(found) == socket
    if socket:
        assert found[0].endswith(
            "services.api.volumes.0: mounts the Docker socket: root on the host (remove it: a "
            "container that needs the host does not belong in a deployed stack)"
        )


def test_a_database_on_a_tmpfs_mount_is_on_tmpfs(tmp_path: Path) -> None:
    mount = "{type: tmpfs, target: /var/lib/postgresql/data, tmpfs: {size: 64m}}"
    files = patched(
        [("production.yaml", None, f"services:\n  postgres:\n    volumes: [{mount}]\n")]
    )
    found = [str(p) for p in findings(tmp_path, files) if p.rule == "PRD009"]
    assert len(found) == 1
    assert "`postgres` keeps the database on tmpfs" in found[0]


# Compose's string form of `tmpfs`, beside envgen's mapping.
TMPFS = """\
services:
  web:
    image: busybox:1
    tmpfs:
      - "/run:rw,noexec,size=64m"
      - "/tmp/x:size=1g,mode=1777"
      - "/k:size=65536k"
      - /plain
      - "/z:"
      - /tmp/prometheus_multiproc:size=16m,uid=1000
  one:
    image: busybox:1
    tmpfs: /one:size=2m
"""


def test_compose_s_tmpfs_strings_mean_what_they_mean_to_compose(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + TMPFS,
            "environments/local.yaml": "tier: local\n",
            "plain/compose.yml": "name: shop\n" + TMPFS,
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = json.loads(
        compose(
            tmp_path / "rendered" / "docker-compose.local.yml", "config", "--format", "json"
        ).stdout
    )
    plain = json.loads(
        compose(tmp_path / "plain" / "compose.yml", "config", "--format", "json").stdout
    )
    assert rendered["services"] == plain["services"]
    assert rendered["services"]["one"]["tmpfs"] == ["/one:size=2m"]
    assert "volumes" not in rendered["services"]["web"]  # strings are not tmpfs mounts


@pytest.mark.parametrize(
    ("written", "size"),
    [
        ("/s:rw,noexec,size=64m", 64 * 1024**2),
        ("/s:size=65536k,mode=1777", 64 * 1024**2),
        ("/s:size=1000", 1000),
        ("/s:size=50%", None),  # a share of the RAM: not a number of bytes
        ("/s:rw,noexec", None),
        ("/s", None),
    ],
)
def test_a_tmpfs_string_s_size_is_read_for_the_budget(written: str, size: int | None) -> None:
    assert TmpfsLine.model_validate(written).bytes == size


@pytest.mark.parametrize(
    ("size", "rules"),
    [("2561m", ["BUD001"]), ("2560m", []), ("50%", ["BUD002"])],
)
def test_a_tmpfs_string_counts_in_the_host_budget(
    tmp_path: Path, size: str, rules: list[str]
) -> None:
    """4g host, 1.5g of services: a 2561m RAM disk is a megabyte too many."""
    files = patched(
        [("production.yaml", None, f"{PROD_API}    tmpfs: ['/scratch:rw,size={size}']\n")]
    )
    found = findings(tmp_path, files)
    assert [p.rule for p in found if p.rule.startswith("BUD")] == rules


TMPFS_REFUSED = [
    (
        "'/run:size=lots'",
        13,
        ".options",
        "invalid size `lots`: use bytes or a number with k, m, g or t",
    ),
    (
        "'run:size=1m'",
        13,
        ".target",
        "invalid value `run`: must be an absolute path, without spaces",
    ),
]


@pytest.mark.parametrize("case", TMPFS_REFUSED, ids=[case[0] for case in TMPFS_REFUSED])
def test_a_tmpfs_string_envgen_cannot_read_is_refused_at_its_place(
    tmp_path: Path, run: Run, case: tuple[str, int, str, str]
) -> None:
    written, column, field, message = case
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + "services:\n  web:\n    image: busybox:1\n",
            "environments/local.yaml": f"tier: local\nservices:\n  web:\n    tmpfs: [{written}]\n",
        },
    )
    result = run("--root", tmp_path, "validate")
    expected = f"environments/local.yaml:4:{column}: services.web.tmpfs.0{field}: {message}"
    assert result.output.splitlines() == [expected, "1 error"]


def test_a_home_path_is_left_for_compose_to_expand(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + "services:\n  web:\n    image: busybox:1\n",
            "environments/local.yaml": "tier: local\nservices:\n  web:\n"
            "    volumes: ['~/cache:/cache', './src:/src']\n",
        },
    )
    assert run("--root", tmp_path, "render").exit_code == 0
    rendered = yaml.safe_load((tmp_path / "rendered" / "docker-compose.local.yml").read_text())
    sources = [mount["source"] for mount in rendered["services"]["web"]["volumes"]]
    assert sources == ["~/cache", "../src"]


def test_tmpfs_strings_read_back_as_themselves() -> None:
    """What `envgen show` prints: each entry in its own form, without a warning."""
    service = Service.model_validate(
        {"image": "busybox:1", "tmpfs": ["/run:rw,size=1m", {"target": "/t", "size": "8m"}]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dumped = service.model_dump(mode="json")["tmpfs"]
    assert dumped == ["/run:rw,size=1m", {"target": "/t", "size": "8m"}]
