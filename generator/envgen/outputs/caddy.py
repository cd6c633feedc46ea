"""The reverse proxy's routes: one Caddy site per environment with a domain, and its quoting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from envgen.model.environment import Environment
from envgen.outputs.compose import network_alias
from envgen.outputs.output import Output
from envgen.project.load import Project

# A token Caddy reads as itself when written bare: no space, quote, brace or comment sign.
_BARE = re.compile(r"^[A-Za-z0-9._:/@=+-]+$")
# Braces start placeholders (`{$VAR}` is replaced before Caddy even reads the tokens) and a
# backslash escapes; no quoting makes them plain text, so they are refused.
_UNSAFE = re.compile(r"[{}\\\x00-\x1f\x7f]")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def caddy_token(value: object) -> str:
    """`value` as one Caddyfile token: bare where that is unambiguous, else double-quoted."""
    text = str(value)
    if _UNSAFE.search(text):
        raise ValueError(f"cannot write {text!r} safely in a Caddyfile")
    if _BARE.fullmatch(text):
        return text
    return '"' + text.replace('"', '\\"') + '"'


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
    network: str  # the Docker name of the network Caddy shares with the environment
    upstream: str  # alias:port, unique to the environment on that network
    basic_auth: tuple[str, str] | None  # the user and hash variables


def site(env: Environment) -> Site | None:
    """The route of an environment, or None when it has no domain or no `proxy`, or is a
    preview template."""
    proxy = env.proxy
    if env.domain is None or proxy is None or env.preview is not None:
        return None  # a preview template is never served: its previews are, one by one
    credentials = proxy.basic_auth
    return Site(
        environment=env.name,
        tier=env.tier.value,
        domain=env.domain,
        network=env.network_name(proxy.network),
        upstream=f"{network_alias(env, proxy.service)}:{proxy.port}",
        basic_auth=(
            (credentials.user_variable, credentials.hash_variable)
            if credentials is not None and env.access == "basic_auth"
            else None
        ),
    )


def caddy_sites(project: Project) -> list[Site]:
    """Every route, in project order."""
    return [s for s in map(site, project.environments) if s is not None]


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
)
