"""Rules for the reverse proxy's routes: what a domain is sent to, and who may reach it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envgen.model.previews.names import preview_of
from envgen.policies.rule import (
    COMPOSE_ONLY,
    Finding,
    Rule,
    Scope,
    deployed,
    everywhere,
    per_environment,
)

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


def proxy_networks(scope: Scope) -> Iterator[Finding]:
    """PRX002 over the project: each environment's own routes and network, and the
    networks of other environments that an edge proxy of its stack joins."""
    others = _proxy_networks_by_host(scope)
    for env in scope.environments:
        for path, message, hint in proxied_service_on_network(env):
            yield Finding(env.name, path, message, hint)
        for path, message, hint in _edge_on_other_networks(env, others):
            yield Finding(env.name, path, message, hint)


def proxied_service_on_network(env: Environment) -> Iterator[tuple[Path, str, str]]:
    proxy = env.proxy
    if env.domain is None or proxy is None:
        return
    for _, name, _, at in proxy.routed():
        if proxy.network not in env.services[name].networks:
            yield (
                at,
                f"`{name}` does not join network `{proxy.network}`, so the proxy cannot reach it",
                f"add `{proxy.network}` to its `networks`",
            )
    # A preview template's network is each preview's own, which the proxy joins one by
    # one (`docker network connect`): so no network is shared by two previews. A preview
    # made from it has no `preview` block; its network carries the preview's label.
    # An edge proxy of the stack (`role: edge-proxy`) that joins the network starts with
    # it: Compose creates the network at `up`, so the stack may own it.
    network = env.networks[proxy.network]
    if (
        not network.external
        and env.preview is None
        and not _of_a_preview(network)
        and not _edge_joins(env, proxy.network)
    ):
        docker = env.network_name(proxy.network)
        edges = sorted(name for name, s in env.services.items() if s.is_edge_proxy)
        if edges:
            # The stack has its own edge proxy, on other networks only: it is not outside
            # compose, it just does not join this one.
            yield (
                ("networks", proxy.network, "external"),
                f"network `{proxy.network}` is created by this stack, but its edge proxy "
                f"`{edges[0]}` does not join it, so no proxy shares it with the routes",
                f"add `{proxy.network}` to `{edges[0]}`'s `networks`, or declare it "
                f"`external: true`, made once on the host (`docker network create {docker}`)",
            )
            return
        yield (
            ("networks", proxy.network, "external"),
            f"network `{proxy.network}` is created by this stack; the proxy runs outside "
            "compose and shares only an external network",
            f"declare it `external: true`, made once on the host (`docker network create "
            f"{docker}`), or run the proxy in this stack: a service with `role: edge-proxy` "
            f"that joins `{proxy.network}`",
        )


def _edge_joins(env: Environment, key: str) -> bool:
    return any(s.is_edge_proxy and key in s.networks for s in env.services.values())


def _proxy_networks_by_host(scope: Scope) -> dict[tuple[str, str], list[str]]:
    """The environments whose own network to the proxy each network is, by (host,
    Docker name); two on one network is SEG003's to say."""
    owners: dict[tuple[str, str], list[str]] = {}
    for env in scope.environments:
        if env.proxy is not None and env.proxy.network in env.networks and env.preview is None:
            key = (env.host.name, env.network_name(env.proxy.network))
            owners.setdefault(key, []).append(env.name)
    return owners


def _edge_on_other_networks(
    env: Environment, owners: dict[tuple[str, str], list[str]]
) -> Iterator[tuple[Path, str, str]]:
    """Another environment's network that an edge proxy of this stack joins exists before
    both stacks: created by this one, Compose would refuse the network the other made
    (`docker network create` gives it none of Compose's labels), or remove it with this
    stack while the other's services are on it."""
    own = env.proxy.network if env.proxy is not None else None
    joined = {n for s in env.services.values() if s.is_edge_proxy for n in s.networks}
    for key in sorted(joined - {own}):
        network = env.networks.get(key)
        if network is None or network.external:
            continue
        docker = env.network_name(key)
        others = [o for o in owners.get((env.host.name, docker), []) if o != env.name]
        if not others:
            continue
        owner = others[0]
        yield (
            ("networks", key, "external"),
            f"network `{key}` is `{docker}`, {owner}'s own network to the proxy, and this "
            f"stack would create it: Compose refuses one that {owner}'s stack found made "
            "(it lacks this stack's labels), and `down` would remove it from under "
            f"{owner}",
            f"declare it `external: true`, made once on the host before either stack starts "
            f"(`docker network create {docker}`)",
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
        "every proxied service is on the proxy's network, made before it",
        "The proxy reaches a service only through a network they share; elsewhere the route "
        "leads nowhere. A proxy outside compose shares an external network, made once on "
        "the host. An edge proxy inside the stack (`role: edge-proxy`) may share one that "
        "the stack creates at `up`; another environment's network that it joins is "
        "external, made before either stack starts: Compose refuses to take over a network "
        "it did not create, and would remove it with this stack.",
        everywhere("error"),
        proxy_networks,
        hint="add the proxy's network to the service's `networks`",
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
