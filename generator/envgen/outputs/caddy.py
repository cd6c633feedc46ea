"""The reverse proxy's routes: one Caddy site per environment with a domain, and its quoting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from envgen.model.environment import Environment
from envgen.outputs.compose import network_alias
from envgen.outputs.output import Output, comment_line
from envgen.project.load import Project

# A token Caddy reads as itself when written bare: no space, quote, brace or comment sign.
_BARE = re.compile(r"^[A-Za-z0-9._:/@=+-]+$")
# Braces start placeholders (`{$VAR}` is replaced before Caddy even reads the tokens) and a
# backslash escapes; no quoting makes them plain text, so they are refused.
_UNSAFE = re.compile(r"[{}\\\x00-\x1f\x7f]")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Caddy replaces `{$NAME}` with its environment's value while it reads the text, before it
# strips comments: in a comment too, a placeholder could bring a line of its own.
_PLACEHOLDER = re.compile(r"\{\$([^}]*)\}?")


def caddy_token(value: object) -> str:
    """`value` as one Caddyfile token: bare where that is unambiguous, else double-quoted."""
    text = str(value)
    if _UNSAFE.search(text):
        raise ValueError(f"cannot write {text!r} safely in a Caddyfile")
    if _BARE.fullmatch(text):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def caddy_comment(text: object) -> str:
    """Free text as the body of one Caddyfile comment line: on one line, and with every
    `{$` broken apart (`{ $`), so that Caddy finds no placeholder in it."""
    return comment_line(text).replace("{$", "{ $")


def verify_caddyfile(text: str, context: dict[str, Any]) -> str | None:
    """The only placeholders are the variables envgen wrote, each on a line of its own
    that is no comment."""
    allowed = set(context["variables"])
    for line in text.split("\n"):
        for match in _PLACEHOLDER.finditer(line):
            if line.lstrip().startswith("#") or match.group(1) not in allowed:
                return f"a placeholder `{match.group(0)}` Caddy would replace: {line.strip()!r}"
    return None


def caddy_variable(name: str) -> str:
    """A reference to a variable of Caddy's environment, replaced when Caddy loads the file."""
    if not _VARIABLE.fullmatch(name):
        raise ValueError(f"{name!r} is not a variable name")
    return f"{{${name}}}"


@dataclass(frozen=True)
class Site:
    """One domain and where Caddy sends its requests."""

    environment: str
    tier: str
    domain: str
    network: str  # the Docker name of the environment's own network to the proxy
    upstream: str  # alias:port, unique to the environment among the proxy's networks
    basic_auth: tuple[str, str] | None  # the user and hash variables
    attach: str  # how the proxy joins the network, in words for a comment
    # Each path routed to a service of its own, as (path, alias:port); `upstream` takes the
    # rest. Caddy itself tries `handle` blocks by the specificity of their paths.
    routes: tuple[tuple[str, str], ...] = ()


def edge_proxies(project: Project) -> dict[tuple[str, str], str]:
    """The networks that an edge proxy of the stack joins (`role: edge-proxy`), by (host,
    Docker name), each with the service and environment that joins it."""
    joined: dict[tuple[str, str], str] = {}
    for env in project.environments:
        for name, service in env.services.items():
            if service.is_edge_proxy:
                for key in service.networks:
                    if key in env.networks:
                        where = (env.host.name, env.network_name(key))
                        joined.setdefault(where, f"service `{name}` of {env.name}")
    return joined


def _attach(env: Environment, network: str, edges: dict[tuple[str, str], str]) -> str:
    """How the proxy comes to be on the environment's network, for the file's comments."""
    assert env.proxy is not None
    declared = env.networks.get(env.proxy.network)
    external = declared is None or declared.external
    edge = edges.get((env.host.name, network))
    if edge is not None:
        # An external network is made by no `up`: say who makes it, and when.
        made = (
            f"docker network create {network} on host {env.host.name}, once, before "
            "either stack starts"
            if external
            else f"{env.name}'s compose file creates it at `up`"
        )
        return f"{edge} joins it (its compose file attaches it); {made}"
    container = env.proxy.container or "<the proxy's container>"
    created = (
        f"docker network create {network} (once)" if external else "its compose file creates it"
    )
    return f"on host {env.host.name}: {created}, then docker network connect {network} {container}"


def site(env: Environment, edges: dict[tuple[str, str], str] | None = None) -> Site | None:
    """The route of an environment, or None when it has no domain or no `proxy`, or is a
    preview template."""
    proxy = env.proxy
    if env.domain is None or proxy is None or env.preview is not None:
        return None  # a preview template is never served: its previews are, one by one
    credentials = proxy.basic_auth
    network = env.network_name(proxy.network)
    return Site(
        environment=env.name,
        tier=env.tier.value,
        domain=env.domain,
        network=network,
        upstream=f"{network_alias(env, proxy.service)}:{proxy.port}",
        basic_auth=(
            (credentials.user_variable, credentials.hash_variable)
            if credentials is not None and env.access == "basic_auth"
            else None
        ),
        attach=_attach(env, network, edges or {}),
        routes=tuple(
            (route.path, f"{network_alias(env, route.service)}:{route.port}")
            for route in proxy.routes
        ),
    )


def caddy_sites(project: Project) -> list[Site]:
    """Every route, in project order."""
    edges = edge_proxies(project)
    return [s for s in (site(env, edges) for env in project.environments) if s is not None]


def caddy_context(project: Project) -> dict[str, Any] | None:
    """What templates/Caddyfile.j2 needs; None when no environment is routed."""
    sites = caddy_sites(project)
    if not sites:
        return None
    routed = {s.environment for s in sites}
    sources = dict.fromkeys(
        path
        for env in project.environments
        if env.name in routed
        for path in project.sources[env.name]
    )
    return {
        "sources": list(sources),
        "sites": sites,
        "networks": sorted({s.network for s in sites}),
        "variables": [name for s in sites if s.basic_auth for name in s.basic_auth],
    }


CADDY = Output(
    "caddy",
    "Caddyfile.j2",
    comment="#",
    folder=lambda settings: settings.caddyfile.parent,
    filename=lambda settings, _: settings.caddyfile.name,
    project_context=caddy_context,
    comment_text=caddy_comment,
    verify=verify_caddyfile,
    filters={"caddy_comment": caddy_comment},
)
