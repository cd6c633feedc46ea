"""Cross-environment rules index what environments hold instead of comparing every pair:
the findings are exactly those of the pairwise comparison they replace."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from envgen.model.ports import PortMapping
from envgen.model.tiers import Tier
from envgen.policies.rule import Finding, Scope
from envgen.policies.rules import segregation
from envgen.project import references
from envgen.reading.source import Document
from hypothesis import given, settings
from hypothesis import strategies as st

TIERS = [Tier.LOCAL, Tier.TEST, Tier.STAGING, Tier.PRODUCTION]


def _port(published: str | None, ip: str | None, protocol: str) -> PortMapping:
    return PortMapping(target="80", published=published, host_ip=ip, protocol=protocol)


@st.composite
def _environments(draw: st.DrawFn) -> list[Any]:
    count = draw(st.integers(2, 5))
    envs = []
    for index in range(count):
        ports = draw(
            st.lists(
                st.builds(
                    _port,
                    # Ranges that overlap at their ends and in their middle, a port
                    # Docker picks (none, 0), and one number inside a range.
                    st.sampled_from([None, "0", "80", "443", "8080", "79-80", "440-450"]),
                    st.sampled_from([None, "127.0.0.1", "0.0.0.0", "::", "::1", "10.0.0.1"]),
                    st.sampled_from(["tcp", "udp", "UDP"]),
                ),
                max_size=4,
            )
        )
        envs.append(
            SimpleNamespace(
                name=f"e{index}",
                tier=draw(st.sampled_from(TIERS)),
                host=SimpleNamespace(name=draw(st.sampled_from(["a", "b"]))),
                values=draw(st.lists(st.sampled_from(["x", "y", "z", "X"]), max_size=4)),
                services={"s": SimpleNamespace(ports=ports)},
                published_ports=lambda ports=ports: [
                    (("services", "s", i), port) for i, port in enumerate(ports)
                ],
            )
        )
    envs.sort(key=lambda env: TIERS.index(env.tier))
    return envs


def _scope(envs: list[Any]) -> Scope:
    documents = {env.name: Document(None) for env in envs}
    return Scope(tuple(envs), documents)


def _values(env: Any) -> Iterator[tuple[object, tuple[str | int, ...]]]:
    for index, value in enumerate(env.values):
        yield value, ("values", index)


def _pairwise_clashes(scope: Scope, same_host: bool) -> list[Finding]:
    """The comparison of every pair that `_clashes` replaces."""
    found = []
    for blamed, other in scope.pairs(same_host):
        theirs: dict[object, tuple[str | int, ...]] = {}
        for value, path in _values(other):
            theirs.setdefault(value, path)
        for value, path in _values(blamed):
            if value in theirs:
                where = scope.where(other, theirs[value])
                there = f" on host `{blamed.host.name}`" if same_host else ""
                message = f"thing `{value}` is also {other.name}'s{there} ({where})"
                found.append(Finding(blamed.name, path, message))
    return found


def _pairwise_ports(scope: Scope) -> list[Finding]:
    found = []
    for blamed, other in scope.pairs(same_host=True):
        for (_, name, index), port in blamed.published_ports():
            for (_, their_name, their_index), theirs in other.published_ports():
                if port.collides_with(theirs):
                    their_path = ("services", their_name, "ports", their_index)
                    found.append(
                        Finding(
                            blamed.name,
                            ("services", name, "ports", index),
                            f"{port.described} is also published by {other.name} on host "
                            f"`{blamed.host.name}` ({scope.where(other, their_path)})",
                        )
                    )
                    break
    return found


def _key(finding: Finding) -> tuple[str, str, str]:
    return finding.environment, repr(finding.path), finding.message


@given(_environments(), st.booleans())
@settings(max_examples=150, deadline=None)
def test_indexed_clashes_find_what_the_pairwise_comparison_found(
    envs: list[Any], same_host: bool
) -> None:
    scope = _scope(envs)
    on_host = segregation._anywhere if same_host else segregation._nowhere
    indexed = segregation._clashes(scope, _values, "thing", on_host)
    assert sorted(map(_key, indexed)) == sorted(map(_key, _pairwise_clashes(scope, same_host)))


@given(_environments())
@settings(max_examples=150, deadline=None)
def test_indexed_ports_find_what_the_pairwise_comparison_found(envs: list[Any]) -> None:
    scope = _scope(envs)
    assert sorted(map(_key, segregation.host_ports(scope))) == sorted(
        map(_key, _pairwise_ports(scope))
    )


def _pairwise_collisions(env: Any) -> list[tuple[tuple[str | int, ...], str, str]]:
    """The comparison of each port with every earlier one that `_port_collisions` narrows."""
    found: list[tuple[tuple[str | int, ...], str, str]] = []
    earlier: list[tuple[str, PortMapping]] = []
    for (_, name, index), port in env.published_ports():
        taken_by = next((owner for owner, seen in earlier if port.collides_with(seen)), None)
        if taken_by is not None:
            message = f"{port.described} is already published by `{taken_by}`"
            found.append((("services", name, "ports", index), message, ""))
        earlier.append((name, port))
    return found


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.builds(
                _port,
                st.sampled_from([None, "0", "80", "443", "8080", "79-80", "440-450", "81"]),
                st.sampled_from([None, "127.0.0.1", "0.0.0.0", "::", "::1", "10.0.0.1"]),
                st.sampled_from(["tcp", "udp", "UDP"]),
            ),
        ),
        max_size=8,
    )
)
@settings(max_examples=200, deadline=None)
def test_collisions_within_an_environment_are_those_of_every_pair(
    ports: list[tuple[str, PortMapping]],
) -> None:
    env = SimpleNamespace(
        published_ports=lambda: [
            (("services", name, index), port) for index, (name, port) in enumerate(ports)
        ]
    )
    assert list(references._port_collisions(env)) == _pairwise_collisions(env)  # type: ignore[arg-type]
