"""Where a named volume or a network lives, as Docker makes it: in one host's engine, or
on something every host that mounts or joins it reaches (a volume plugin, a network
share, an overlay network)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from envgen.policies.meaning.spelling import at
from envgen.policies.resolved import resolved

if TYPE_CHECKING:
    from envgen.model.environment import Environment

# Filesystems that the local driver mounts from another machine (mount(8)'s `type`):
# every host mounting the same export holds the same files.
NETWORK_FILESYSTEMS = frozenset(["nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs"])


@dataclass(frozen=True)
class Storage:
    """One identity of a volume's data: `key` is what two volumes holding the same data
    share, `shared` whether other hosts reach it too (else it is one host engine's), and
    `shown` and `detail` name it in a message."""

    key: tuple[str, ...]
    shared: bool
    shown: str
    detail: str = ""

    def described(self, noun: str) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{noun} `{self.shown}`{detail}"


def _options(volume: Any) -> dict[str, str]:
    options = at(volume.model_extra or {}, "driver_opts")
    if not isinstance(options, dict):
        return {}
    return {str(key): resolved(str(value)) for key, value in options.items()}


def _address(options: dict[str, str]) -> str:
    """The server of a share: NFS names it in `o` (`addr=10.0.0.5,rw`); CIFS in `device`
    (`//server/share`), which is then the whole identity."""
    for option in options.get("o", "").split(","):
        name, _, value = option.strip().partition("=")
        if name == "addr":
            return value.lower()
    return ""


def volume_storage(env: Environment, key: str) -> Iterator[Storage]:
    """Every identity of the declared volume `key`. Always its Docker name on its host's
    engine (one name, one volume there, whatever the driver). Besides, where other hosts
    reach the same data: a volume plugin's volume (`driver` other than `local`) is its
    backend's, by name; a local volume mounting a network share (`driver_opts` with an NFS
    or CIFS `type`, or an `addr=` in `o`) is that share's, by server and export, however
    the volume is named. Everything else the local driver makes (a folder of Docker's, a
    bound host folder, a RAM disk, a disk of the host) and an external volume, whose
    driver the spec does not say, stay the host's."""
    name = resolved(env.volume_name(key))
    yield Storage(("volume", name), False, name)
    volume = env.volumes[key]
    if volume.external:
        return
    driver = resolved(str(at(volume.model_extra or {}, "driver") or "local"))
    if driver != "local":
        yield Storage(("plugin", driver, name), True, name, f"driver `{driver}`")
        return
    options = _options(volume)
    address = _address(options)
    if options.get("type", "").lower() in NETWORK_FILESYSTEMS or address:
        device = options.get("device", "")
        share = f"{address}{device}" if address else device
        kind = options.get("type") or "network"
        yield Storage(("share", address, device), True, name, f"{kind} share `{share}`")


def network_spans_hosts(env: Environment, key: str) -> bool:
    """Whether the declared network `key` reaches past its host: an overlay network is
    one network on every node of the swarm. Any other driver's network (bridge, macvlan,
    an external one, whose driver the spec does not say) is one host engine's."""
    network = env.networks[key]
    if network.external:
        return False
    return resolved(str(at(network.model_extra or {}, "driver") or "")) == "overlay"
