"""Rules for the reverse proxy's routes: what a domain is sent to, and who may reach it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.model.previews.names import preview_of
from envgen.policies.rule import COMPOSE_ONLY, Rule, deployed, everywhere, per_environment

if TYPE_CHECKING:
    from envgen.model.environment import Environment, Network
    from envgen.reading.source import Path


def basic_auth_variables(env: Environment) -> Iterator[tuple[Path, str]]:
    credentials = env.proxy.basic_auth if env.proxy is not None else None
    if env.access == "basic_auth":
        missing = [
            what
            for what, absent in (
                ("`domain`", env.domain is None),
                ("`proxy`", env.proxy is None),
                ("`proxy.basic_auth` (user_variable, hash_variable)", credentials is None),
            )
            if absent
        ]
        if missing:
            yield (
                ("access",),
                f"access is basic_auth, but no proxy route enforces it: declare {missing[0]}",
            )
    elif credentials is not None:
        yield (
            ("access",),
            f"access is {env.access}, yet `proxy.basic_auth` declares credentials that the "
            "proxy does not ask for",
        )


def proxied_service_on_network(env: Environment) -> Iterator[tuple[Path, str]]:
    proxy = env.proxy
    if env.domain is None or proxy is None:
        return
    for _, name, _, at in proxy.routed():
        if proxy.network not in env.services[name].networks:
            yield (
                at,
                f"`{name}` does not join network `{proxy.network}`, so the proxy cannot "
                f"reach it; add `{proxy.network}` to its `networks`",
            )
    # A preview template's network is each preview's own, which the proxy joins one by
    # one (`docker network connect`): so no network is shared by two previews. A preview
    # made from it has no `preview` block; its network carries the preview's label.
    network = env.networks[proxy.network]
    if not network.external and env.preview is None and not _of_a_preview(network):
        yield (
            ("networks", proxy.network, "external"),
            f"network `{proxy.network}` is created by this stack; the proxy runs outside "
            "compose and shares only an external network",
        )


def _of_a_preview(network: Network) -> bool:
    return preview_of((network.model_extra or {}).get("labels")) is not None


def routed(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.domain is not None and env.proxy is None:
        yield (
            ("domain",),
            f"`{env.domain}` has no `proxy`, so no route leads to it and the rendered Caddyfile "
            "leaves it out",
        )


RULES = [
    Rule(
        "PRX001",
        "basic auth is enforced by the proxy, with credentials from variables",
        "`access: basic_auth` is only a wish until the proxy's route asks for a user and a "
        "password; the credentials live in the proxy's environment, never in the repository.",
        everywhere("error"),
        per_environment(basic_auth_variables),
        hint="declare `domain`, `proxy` and `proxy.basic_auth`, or change `access`",
        targets=COMPOSE_ONLY,  # on a cluster the Ingress asks, through its own Secret
    ),
    Rule(
        "PRX002",
        "every proxied service is on the proxy's shared network",
        "The proxy runs outside compose and reaches a service only through the external "
        "network they share; elsewhere the route leads nowhere.",
        everywhere("error"),
        per_environment(proxied_service_on_network),
        hint="add the proxy's network to the service's `networks`, declared `external: true`",
        targets=COMPOSE_ONLY,  # on a cluster a NetworkPolicy lets the Ingress in
    ),
    Rule(
        "PRX003",
        "a deployed environment's domain is routed by the proxy",
        "A domain without a route answers nothing, or whatever the proxy serves by default; "
        "the Caddyfile is made only from `proxy`.",
        # A warning: a team may route with something else than the rendered Caddyfile.
        deployed(production="warning", staging="warning"),
        per_environment(routed),
        hint="declare `proxy` with the service and the port the domain leads to",
    ),
]
