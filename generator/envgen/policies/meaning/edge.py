"""What makes a service look like an edge proxy that does not say so (`role: edge-proxy`):
it publishes the web's ports, or joins several environments' networks to the proxy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service

# The ports an edge proxy serves the web on: HTTP, and HTTPS (whose HTTP/3 runs over UDP
# on the same port).
EDGE_PORTS = (80, 443)


def publishes_web_ports(service: Service) -> bool:
    return any(set(port.host_ports or ()) & set(EDGE_PORTS) for port in service.ports)


def proxy_networks(envs: Iterable[Environment]) -> set[tuple[str, str]]:
    """Every environment's own network to the proxy, as (host, Docker name)."""
    return {
        (env.host.name, env.network_name(env.proxy.network))
        for env in envs
        if env.proxy is not None and env.proxy.network in env.networks
    }


def why_an_edge(env: Environment, name: str, proxies: set[tuple[str, str]]) -> str | None:
    """Why service `name` of `env` looks like an edge proxy without the role, in words;
    None if not. A service the proxy routes to is the proxy's target, never the proxy."""
    service = env.services[name]
    if service.is_edge_proxy:
        return None
    if publishes_web_ports(service):
        return "it publishes 80 or 443"
    if env.proxy is not None and name in {target for _, target, _, _ in env.proxy.routed()}:
        return None
    joined = {
        env.network_name(key)
        for key in service.networks
        if key in env.networks and (env.host.name, env.network_name(key)) in proxies
    }
    if len(joined) > 1:
        return "it joins the networks to the proxy of several environments"
    return None
