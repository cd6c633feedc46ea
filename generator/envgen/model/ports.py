"""Published ports in every form Compose takes, with Compose's meaning.

The short form is read the way Compose reads it (`[IP:][HOST:]CONTAINER[/PROTOCOL]`, the
address split off at the last two colons, IPv6 in brackets or bare); the long form has
Compose's keys. What the spec says reaches Compose unchanged: a port without an address
is bound on every interface, as Compose binds it.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr, model_validator

from envgen.compose.interpolation import InterpolationError, interpolate, parse
from envgen.model.fields import ComposeForm

LAST_PORT = 65535
PROTOCOLS = ("tcp", "udp", "sctp")
_RANGE = re.compile(r"^(?P<first>\d+)(?:-(?P<last>\d+))?$")


def _port_range(value: Any) -> Any:
    """`8000`, 8000 or `8000-8005`, as the text Compose keeps (`published` is a string)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return value  # pydantic reports the wrong type
    text = str(value)
    match = _RANGE.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid port `{text}`: write a port such as 8000 or a range 8000-8005")
    first, last = int(match["first"]), int(match["last"] or match["first"])
    if max(first, last) > LAST_PORT:
        raise ValueError(f"`{text}` is out of range: must be at most {LAST_PORT}")
    if last < first:
        raise ValueError(f"invalid port range `{text}`: the first port is the lower one")
    return text


# A port or a range of ports, kept as text: `8000` or `8000-8005`.
PortRange = Annotated[
    str,
    BeforeValidator(
        _port_range,
        json_schema_input_type=Annotated[int, Field(ge=0, le=LAST_PORT)]
        | Annotated[str, Field(pattern=r"^\d+(-\d+)?$")],
    ),
]


def _address(value: Any) -> Any:
    if isinstance(value, str):
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(
                f"invalid host address `{value}`: write an IPv4 or IPv6 address such as "
                "127.0.0.1 or ::1"
            ) from None
    return value


# A host address as written (Compose keeps it so): validated, not rewritten.
Address = Annotated[str, BeforeValidator(_address, json_schema_input_type=str)]


def _protocol(value: Any) -> Any:
    if isinstance(value, str) and value.lower() not in PROTOCOLS:
        raise ValueError(f"invalid protocol `{value}`: write tcp, udp or sctp")
    return value


_PROTOCOL_TEXT = Annotated[str, Field(pattern=r"^([tT][cC][pP]|[uU][dD][pP]|[sS][cC][tT][pP])$")]
Protocol = Annotated[str, BeforeValidator(_protocol, json_schema_input_type=_PROTOCOL_TEXT)]


def _bounds(text: str) -> range:
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def parse_short(value: str) -> dict[str, str]:
    """Compose's short form as its long-form keys: the container side after the last
    colon, the host port before it, the address before that (`[::1]` or bare `::1`)."""
    container, _, protocol = value.partition("/")
    parts = container.split(":")
    found: dict[str, str] = {"target": parts[-1]}
    if len(parts) >= 2 and parts[-2]:
        found["published"] = parts[-2]
    address = ":".join(parts[:-2])
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    if address:
        found["host_ip"] = address
    if protocol:
        found["protocol"] = protocol.lower()  # as Compose reads the short form
    return found


def judged_text(value: str) -> tuple[str, tuple[str, ...]]:
    """A short form with variables as the rules judge it: each reference replaced by its
    default (`${WEB_PORT:-8080}` is 8080), or by nothing where it has none; and the
    variables that had none, which decide what envgen cannot see."""
    try:
        parts = parse(value)
    except InterpolationError as error:
        raise ValueError(f"`{value}`: {error}") from None
    pieces: list[str] = []
    unjudged: list[str] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
        elif part.operator in (":-", "-"):
            pieces.append(interpolate(part.word or (), {}))
        else:
            unjudged.append(part.name)
    resolved = "".join(pieces)
    if resolved.endswith(":") or resolved.rpartition(":")[2].partition("/")[0] == "":
        raise ValueError(
            f"the container port of `{value}` comes from a variable without a default: "
            "give it one, such as ${PORT:-80}"
        )
    return resolved, tuple(unjudged)


class PortMapping(ComposeForm):
    """A container port, or a range of them, published on the host."""

    target: PortRange = Field(
        description="port inside the container; a range (3000-3005) in the short form only"
    )
    published: PortRange | None = Field(
        None,
        description="port or range on the host; none: Docker picks a free one at each start",
    )
    host_ip: Address | None = Field(
        None, description="host address to bind; none: every interface (0.0.0.0 and ::)"
    )
    protocol: Protocol = Field("tcp", description="tcp, udp or sctp")
    app_protocol: str | None = Field(None, description="application protocol, e.g. http")
    mode: Literal["host", "ingress"] | None = Field(
        None, description="host or ingress (Swarm's routing mesh)"
    )
    name: str | None = Field(None, description="a name for the port")
    # envgen's older names; moved to Compose's keys on reading, so always None after.
    host: PortRange | None = Field(None, description="older name of `published`")
    container: PortRange | None = Field(None, description="older name of `target`")

    @classmethod
    def short_form(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return {"target": value}
        if isinstance(value, str):
            if "$" in value:
                return parse_short(judged_text(value)[0])
            return parse_short(value)
        if isinstance(value, dict):
            return _shorthand_keys(value)
        return value

    # The short form as written when it holds variables: rendered so, for Compose to fill.
    _written: str | None = PrivateAttr(None)
    # The variables without a default that decide part of it: what envgen cannot judge.
    _unjudged: tuple[str, ...] = PrivateAttr(())

    @model_validator(mode="wrap")
    @classmethod
    def _keep_written(cls, value: Any, handler: Any) -> PortMapping:
        port: PortMapping = handler(value)
        if isinstance(value, str) and "$" in value:  # the raw value: this runs outermost
            port._written = value
            port._unjudged = judged_text(value)[1]
        return port

    @property
    def written(self) -> str | None:
        """The short form as the spec wrote it, when variables decide part of it."""
        return self._written

    @property
    def unjudged(self) -> tuple[str, ...]:
        """The variables without a default that decide part of the port: the rules judge
        the port as if they were empty, which may not be what Compose is given."""
        return self._unjudged

    @model_validator(mode="after")
    def _ranges_match(self) -> PortMapping:
        if _bounds(self.target).start == 0:
            raise ValueError("the container port must be at least 1")
        ranged = "-" in self.target and self.published is not None
        if ranged and len(_bounds(self.target)) != len(_bounds(str(self.published))):
            raise ValueError(
                f"the host ports {self.published} and the container ports {self.target} "
                "are ranges of different lengths"
            )
        return self

    @property
    def host_ports(self) -> range | None:
        """The fixed host ports; None when Docker picks one (no host port, or 0)."""
        if self.published is None or self.published == "0":
            return None
        return _bounds(self.published)

    @property
    def every_interface(self) -> bool:
        """Bound on every address: no address given, or 0.0.0.0 or ::."""
        return self.host_ip is None or ipaddress.ip_address(self.host_ip).is_unspecified

    @property
    def is_loopback(self) -> bool:
        return self.host_ip is not None and ipaddress.ip_address(self.host_ip).is_loopback

    @property
    def address(self) -> str:
        """Where it is bound, in words a message can use."""
        return "every interface" if self.host_ip is None else self.host_ip

    @property
    def described(self) -> str:
        """`host port 8001`, `host port range 8000-8005`, or `container port 3000` when Docker
        picks the host port."""
        if self.host_ports is None:
            return f"container port {self.target}"
        return f"host port{' range' * ('-' in str(self.published))} {self.published}"

    @property
    def host_side(self) -> str:
        """`127.0.0.1:8001`, `[::1]:8001`, `8000-8005`, or `*` for a port Docker picks (an
        IPv6 address in brackets, so that the port cannot be read as part of it)."""
        port = self.published if self.host_ports is not None else "*"
        if self.host_ip is None:
            return str(port)
        address = f"[{self.host_ip}]" if ":" in self.host_ip else self.host_ip
        return f"{address}:{port}"

    @property
    def identity(self) -> str:
        """How `envgen diff` names the port: its host side and protocol (a port Docker
        picks is named by its container port too, as several may share a host side)."""
        protocol = self.protocol.lower()
        if self.host_ports is None:
            return f"{self.host_side}:{self.target}/{protocol}"
        return f"{self.host_side}/{protocol}"

    def shares_host_port(self, other: PortMapping) -> bool:
        """One fixed host port in common, with one protocol, whatever the addresses."""
        mine, theirs = self.host_ports, other.host_ports
        if mine is None or theirs is None or self.protocol.lower() != other.protocol.lower():
            return False
        return mine.start < theirs.stop and theirs.start < mine.stop

    def collides_with(self, other: PortMapping) -> bool:
        """Whether both cannot be bound at once: a host port in common, on the same
        address or with either on every address (none given, 0.0.0.0, ::)."""
        if not self.shares_host_port(other):
            return False
        if self.every_interface or other.every_interface:
            return True
        return ipaddress.ip_address(str(self.host_ip)) == ipaddress.ip_address(str(other.host_ip))

    def compose(self) -> str | dict[str, Any]:
        """The Compose text of this port: as written when variables decide it; else the
        short form, or the long one where only it can say everything (a name, a mode, an
        application protocol, a protocol in capitals, which the short form would lower)."""
        if self._written is not None:
            return self._written
        if self.app_protocol or self.mode or self.name or self.protocol != self.protocol.lower():
            return self.model_dump(exclude_none=True) | {"target": int(self.target)}
        sides = [str(self.target) + ("" if self.protocol == "tcp" else f"/{self.protocol}")]
        if self.published is not None or self.host_ip is not None:
            sides.insert(0, self.published or "")
        if self.host_ip is not None:
            sides.insert(0, f"[{self.host_ip}]" if ":" in self.host_ip else self.host_ip)
        return ":".join(sides)


def _shorthand_keys(value: dict[str, Any]) -> dict[str, Any]:
    """envgen's older long form (`host`, `container`) stands for Compose's keys; a range
    of container ports is Compose's short form only."""
    value = dict(value)
    for shorthand, key in (("host", "published"), ("container", "target")):
        if shorthand in value:
            if key in value:
                raise ValueError(f"`{shorthand}` and `{key}` are one key: keep `{key}`")
            value[key] = value.pop(shorthand)
    target = value.get("target")
    if isinstance(target, str) and "-" in target:
        raise ValueError(
            f"a range of container ports ({target}) is written in the short form, "
            'e.g. "8000-8005:8000-8005"'
        )
    return value
