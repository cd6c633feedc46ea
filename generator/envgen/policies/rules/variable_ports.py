"""What the port rules cannot judge: a host side that a variable without a default decides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.policies.rule import Rule, everywhere, per_environment

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.reading.source import Path


def unjudged_ports(env: Environment) -> Iterator[tuple[Path, str]]:
    """A published port whose host address or port comes from a variable with no default:
    the rules judge its default (`${WEB_PORT:-8080}` is 8080), and here there is none."""
    for path, port in env.published_ports():
        if port.unjudged:
            names = ", ".join(f"`{name}`" for name in port.unjudged)
            yield (
                (*path[:2], "ports", path[2]),
                f"`{port.written}`: {names} without a default decides where the port is "
                "published, so no rule can check it against the host's other ports or "
                "addresses",
            )


RULES = [
    Rule(
        "PRT001",
        "every published port can be judged",
        "A variable in a host port is judged by its default; with none, the port rules "
        "(collisions between environments, addresses in production) cannot see the port.",
        everywhere("warning"),
        per_environment(unjudged_ports),
        hint="give it a default, such as `${WEB_PORT:-8080}`, which the port rules judge",
    ),
]
