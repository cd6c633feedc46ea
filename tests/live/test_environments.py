"""Each rendered environment, started as written (`up --wait`): every running container
holds what Compose's resolved model of the file says, and the kernel enforces it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from tests.live import standin
from tests.live.conftest import EXAMPLES, SHIPPED, Environments
from tests.live.stacks import REFERENCE, REPO, Stack, containers

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


def cases() -> list[tuple[str, str]]:
    """(environment, service) for every service `up` starts and keeps running, read from
    the rendered files themselves (so a new service is a new case); a one-shot job ends
    (see stacks.Stack.running_services)."""
    found = []
    for keys, folder in ((SHIPPED, REPO / "rendered"), (EXAMPLES, REFERENCE / "rendered")):
        for key, name in keys.items():
            document = yaml.safe_load((folder / name).read_text())
            for service, body in document["services"].items():
                if not body.get("profiles") and not standin.is_job(body):
                    found.append((key, service))
    return found


@dataclass(frozen=True)
class Observed:
    """A running service: what the spec said (Compose's resolved model of the rendered
    file), what the engine holds (`docker inspect`), what the kernel applies (PROBE)."""

    stack: Stack
    spec: dict[str, Any]
    container: dict[str, Any]
    memory: str
    mounts: dict[str, list[str]]
    status: dict[str, str]
    root: str

    @property
    def host(self) -> dict[str, Any]:
        found: dict[str, Any] = self.container["HostConfig"]
        return found

    @property
    def config(self) -> dict[str, Any]:
        found: dict[str, Any] = self.container["Config"]
        return found


SEEN: dict[tuple[str, str], Observed] = {}


@pytest.fixture
def seen(environments: Environments, request: pytest.FixtureRequest) -> Observed:
    key, service = request.param
    stack = environments.up(key)
    if (key, service) not in SEEN:
        found = containers(environments.engine, stack)
        assert service in found, f"{key}: no container for {service}: {sorted(found)}"
        container = found[service]
        out = environments.engine.run("exec", container["Id"], "sh", "-c", PROBE)
        memory, mounts, status, root = out.split("---\n")
        SEEN[(key, service)] = Observed(
            stack,
            stack.services[service],
            container,
            memory.strip(),
            {fields[1]: fields for fields in (line.split() for line in mounts.splitlines())},
            dict(line.split(":\t") for line in status.strip().splitlines()),
            root.strip(),
        )
    return SEEN[(key, service)]


each_service = pytest.mark.parametrize(
    "seen", cases(), indirect=True, ids=lambda c: f"{c[0]}-{c[1]}"
)


@each_service
def test_running_and_healthy(seen: Observed) -> None:
    state = seen.container["State"]
    assert state["Running"] is True
    if seen.spec.get("healthcheck"):
        assert state["Health"]["Status"] == "healthy"


@each_service
def test_memory_and_cpu_limits(seen: Observed) -> None:
    limits = (seen.spec.get("deploy") or {}).get("resources", {}).get("limits", {})
    memory = int(limits.get("memory") or seen.spec.get("mem_limit") or 0)
    assert seen.host["Memory"] == memory
    if memory:
        assert int(seen.memory) == memory  # the cgroup's own limit
    cpus = float(limits.get("cpus") or seen.spec.get("cpus") or 0)
    assert seen.host["NanoCpus"] == round(cpus * NANO)


@each_service
def test_read_only_root(seen: Observed) -> None:
    assert seen.host["ReadonlyRootfs"] is bool(seen.spec.get("read_only"))
    assert seen.root == ("read-only" if seen.spec.get("read_only") else "writable")


@each_service
def test_capabilities_and_no_new_privileges(seen: Observed) -> None:
    assert _caps(seen.host["CapDrop"]) == _caps(seen.spec.get("cap_drop"))
    assert _caps(seen.host["CapAdd"]) == _caps(seen.spec.get("cap_add"))
    assert sorted(seen.host["SecurityOpt"] or []) == sorted(seen.spec.get("security_opt") or [])
    wanted = "no-new-privileges:true" in (seen.spec.get("security_opt") or [])
    assert seen.status["NoNewPrivs"] == str(int(wanted))
    if seen.spec.get("cap_drop") == ["ALL"]:
        assert int(seen.status["CapEff"], 16) == _capability_mask(seen.spec.get("cap_add") or [])


@each_service
def test_tmpfs_mounts_and_sizes(seen: Observed) -> None:
    for volume in seen.spec.get("volumes") or []:
        if volume["type"] == "tmpfs":
            fields = seen.mounts[volume["target"]]
            assert fields[2] == "tmpfs"
            size = int((volume.get("tmpfs") or {}).get("size") or 0)
            if size:
                assert f"size={size // 1024}k" in fields[3].split(",")


@each_service
def test_volume_names(seen: Observed) -> None:
    wanted = sorted(
        (seen.stack.config["volumes"][v["source"]]["name"], v["target"])
        for v in seen.spec.get("volumes") or []
        if v["type"] == "volume"
    )
    mounted = seen.container["Mounts"]
    assert sorted((m["Name"], m["Destination"]) for m in mounted if m["Type"] == "volume") == wanted


@each_service
def test_restart_policy_and_user(seen: Observed) -> None:
    # The engine writes "" for an unset policy, which means "no".
    assert (seen.host["RestartPolicy"]["Name"] or "no") == (seen.spec.get("restart") or "no")
    assert seen.config["User"] == str(seen.spec.get("user") or "")


@each_service
def test_published_ports_and_addresses(seen: Observed) -> None:
    wanted = sorted(
        (f"{p['target']}/{p.get('protocol', 'tcp')}", p.get("host_ip", ""), str(p["published"]))
        for p in seen.spec.get("ports") or []
    )
    bound = sorted(
        (port, b["HostIp"], b["HostPort"])
        for port, bindings in (seen.container["NetworkSettings"]["Ports"] or {}).items()
        for b in bindings or []
    )
    assert bound == wanted


@each_service
def test_networks_and_aliases(seen: Observed) -> None:
    networks = seen.container["NetworkSettings"]["Networks"]
    wanted = {
        seen.stack.config["networks"][key]["name"]: (body or {}).get("aliases") or []
        for key, body in (seen.spec.get("networks") or {"default": {}}).items()
    }
    assert sorted(networks) == sorted(wanted)
    for network, aliases in wanted.items():
        assert set(aliases) <= set(networks[network]["Aliases"] or [])


@each_service
def test_labels(seen: Observed) -> None:
    labels = seen.spec.get("labels") or {}
    assert {k: seen.config["Labels"].get(k) for k in labels} == labels


@each_service
def test_health_check_settings(seen: Observed) -> None:
    check = seen.spec.get("healthcheck")
    live = seen.config.get("Healthcheck") or {}
    if not check:
        assert live == {}
        return
    # `$$` is Compose's escape of `$`: the engine receives one `$`.
    assert live["Test"] == [part.replace("$$", "$") for part in check["test"]]
    for key, field in (
        ("interval", "Interval"),
        ("timeout", "Timeout"),
        ("start_period", "StartPeriod"),
    ):
        assert live.get(field, 0) == nanoseconds(check.get(key, "0s")), key
    assert live.get("Retries", 0) == check.get("retries", 0)


@each_service
def test_logging(seen: Observed) -> None:
    logging = seen.spec.get("logging") or {}
    if logging:
        assert seen.host["LogConfig"] == {
            "Type": logging["driver"],
            "Config": logging.get("options", {}),
        }


@each_service
def test_variables(seen: Observed) -> None:
    """Every variable the file gives, with the value Compose resolved."""
    env = dict(item.split("=", 1) for item in seen.config["Env"])
    wanted = seen.spec.get("environment") or {}
    assert {name: env.get(name) for name in wanted} == wanted


CAPABILITIES = {
    "CHOWN": 0, "DAC_OVERRIDE": 1, "DAC_READ_SEARCH": 2, "FOWNER": 3, "FSETID": 4, "KILL": 5,
    "SETGID": 6, "SETUID": 7, "SETPCAP": 8, "NET_BIND_SERVICE": 10, "NET_RAW": 13,
    "SYS_CHROOT": 18, "MKNOD": 27, "AUDIT_WRITE": 29, "SETFCAP": 31,
}  # fmt: skip


def _caps(names: list[str] | None) -> list[str]:
    """Capability names without the `CAP_` the engine adds."""
    return sorted(name.removeprefix("CAP_") for name in names or [])


def _capability_mask(names: list[str]) -> int:
    return sum(1 << CAPABILITIES[name] for name in names)
