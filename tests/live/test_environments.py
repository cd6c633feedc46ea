"""Each rendered environment, started as written (`up --wait`): every running container
holds what Compose's resolved model of the file says, and the kernel enforces it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.live.conftest import EXAMPLES, SHIPPED, Environments
from tests.live.stacks import Stack, containers

pytestmark = pytest.mark.live

NANO = 1_000_000_000
UNITS = {"ns": 1, "us": 1_000, "ms": 1_000_000, "s": NANO, "m": 60 * NANO, "h": 3600 * NANO}

# One exec per container reads what the kernel applies: the memory cgroup's limit, the
# mounts, PID 1's capabilities and no_new_privs, and whether the root takes a write.
PROBE = (
    "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null"
    " || cat /sys/fs/cgroup/memory.max; echo ---;"
    " cat /proc/mounts; echo ---;"
    " grep -E '^(CapEff|NoNewPrivs):' /proc/1/status; echo ---;"
    " touch /standin-write-probe 2>/dev/null && echo writable || echo read-only"
)


def nanoseconds(duration: str) -> int:
    """A Go duration as Compose writes it (`1m30s`, `5s`), in nanoseconds."""
    total, number = 0, ""
    rest = duration
    while rest:
        if rest[0].isdigit() or rest[0] == ".":
            number += rest[0]
            rest = rest[1:]
            continue
        unit = next(u for u in ("ns", "us", "ms", "s", "m", "h") if rest.startswith(u))
        total += int(float(number) * UNITS[unit])
        number, rest = "", rest[len(unit) :]
    return total


def probe(environments: Environments, container: dict[str, Any]) -> list[str]:
    out = environments.engine.run("exec", container["Id"], "sh", "-c", PROBE)
    return out.split("---\n")


def cases() -> list[tuple[str, str]]:
    """(environment, service) for every service `up` starts, read from the rendered
    files themselves (so a new service is a new case)."""
    import yaml

    from tests.live.stacks import REFERENCE, REPO

    found = []
    for keys, folder in ((SHIPPED, REPO / "rendered"), (EXAMPLES, REFERENCE / "rendered")):
        for key, name in keys.items():
            document = yaml.safe_load((folder / name).read_text())
            for service, body in document["services"].items():
                if not body.get("profiles"):
                    found.append((key, service))
    return found


@pytest.fixture
def running(environments: Environments, request: pytest.FixtureRequest) -> tuple[Stack, dict[str, Any], dict[str, Any]]:
    key, service = request.param
    stack = environments.up(key)
    found = containers(environments.engine, stack)
    assert service in found, f"{key}: no container for {service}: {sorted(found)}"
    return stack, stack.services[service], found[service]


@pytest.mark.parametrize("running", cases(), indirect=True, ids=lambda c: f"{c[0]}-{c[1]}")
def test_container_holds_the_spec(
    running: tuple[Stack, dict[str, Any], dict[str, Any]], environments: Environments
) -> None:
    stack, spec, container = running
    host = container["HostConfig"]
    config = container["Config"]
    limits = (spec.get("deploy") or {}).get("resources", {}).get("limits", {})
    memory, mounts_text, status, root = probe(environments, container)

    assert container["State"]["Health"]["Status"] == "healthy" if spec.get("healthcheck") else True
    assert container["State"]["Running"] is True
    # memory and CPUs
    expected_memory = int(limits.get("memory") or spec.get("mem_limit") or 0)
    assert host["Memory"] == expected_memory
    if expected_memory:
        assert int(memory.split()[0]) == expected_memory
    assert host["NanoCpus"] == round(float(limits.get("cpus") or spec.get("cpus") or 0) * NANO)
    # read-only root, capabilities, no-new-privileges
    assert host["ReadonlyRootfs"] is bool(spec.get("read_only"))
    assert root.strip() == ("read-only" if spec.get("read_only") else "writable")
    assert sorted(host["CapDrop"] or []) == sorted(spec.get("cap_drop") or [])
    assert sorted(host["CapAdd"] or []) == sorted(spec.get("cap_add") or [])
    assert sorted(host["SecurityOpt"] or []) == sorted(spec.get("security_opt") or [])
    lines = dict(line.split(":\t") for line in status.strip().splitlines())
    if "no-new-privileges:true" in (spec.get("security_opt") or []):
        assert lines["NoNewPrivs"] == "1"
    if spec.get("cap_drop") == ["ALL"]:
        assert int(lines["CapEff"], 16) == _capability_mask(spec.get("cap_add") or [])
    # tmpfs mounts and their sizes, as mounted
    mounted = {fields[1]: fields for fields in (line.split() for line in mounts_text.splitlines())}
    for volume in spec.get("volumes") or []:
        if volume["type"] == "tmpfs":
            fields = mounted[volume["target"]]
            assert fields[2] == "tmpfs"
            size = int((volume.get("tmpfs") or {}).get("size") or 0)
            if size:
                assert f"size={size // 1024}k" in fields[3].split(",")
    # named volumes
    wanted_volumes = sorted(
        stack.config["volumes"][v["source"]]["name"]
        for v in spec.get("volumes") or []
        if v["type"] == "volume"
    )
    assert sorted(m["Name"] for m in container["Mounts"] if m["Type"] == "volume") == wanted_volumes
    # restart policy and user
    assert host["RestartPolicy"]["Name"] == {"no": "no", None: "no"}.get(
        spec.get("restart"), spec.get("restart")
    )
    assert config["User"] == str(spec.get("user") or "")
    # published ports and the address each binds
    wanted_ports = sorted(
        (f"{p['target']}/{p.get('protocol', 'tcp')}", p.get("host_ip", ""), str(p["published"]))
        for p in spec.get("ports") or []
    )
    bound = sorted(
        (port, b["HostIp"], b["HostPort"])
        for port, bindings in (container["NetworkSettings"]["Ports"] or {}).items()
        for b in bindings or []
    )
    assert bound == wanted_ports
    # networks and aliases
    networks = container["NetworkSettings"]["Networks"]
    wanted_networks = {
        stack.config["networks"][key]["name"]: (body or {}).get("aliases") or []
        for key, body in (spec.get("networks") or {"default": {}}).items()
    }
    assert sorted(networks) == sorted(wanted_networks)
    for network, aliases in wanted_networks.items():
        assert set(aliases) <= set(networks[network]["Aliases"] or [])
    # labels
    for label, value in (spec.get("labels") or {}).items():
        assert config["Labels"][label] == value
    # health check
    if spec.get("healthcheck"):
        check = spec["healthcheck"]
        live = config["Healthcheck"]
        assert live["Test"] == check["test"]
        for key, field in (("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod")):
            assert live.get(field, 0) == nanoseconds(check.get(key, "0s"))
        assert live.get("Retries", 0) == check.get("retries", 0)
    # logging
    logging = spec.get("logging") or {}
    if logging:
        assert host["LogConfig"] == {"Type": logging["driver"], "Config": logging.get("options", {})}
    # variables: every name the file gives, with the value Compose resolved
    env = dict(item.split("=", 1) for item in config["Env"])
    for name, value in (spec.get("environment") or {}).items():
        assert env[name] == value, name


CAPABILITIES = {
    "CHOWN": 0, "DAC_OVERRIDE": 1, "DAC_READ_SEARCH": 2, "FOWNER": 3, "FSETID": 4, "KILL": 5,
    "SETGID": 6, "SETUID": 7, "SETPCAP": 8, "NET_BIND_SERVICE": 10, "NET_RAW": 13,
    "SYS_CHROOT": 18, "MKNOD": 27, "AUDIT_WRITE": 29, "SETFCAP": 31,
}


def _capability_mask(names: list[str]) -> int:
    return sum(1 << CAPABILITIES[name] for name in names)
