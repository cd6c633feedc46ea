"""The proxy's path routes as an Ingress's paths, meaning what Caddy makes of them, and the
route forms no Ingress path can mean the same, refused at their line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from envgen.model.environment import Environment, Proxy
    from envgen.reading.source import Path

# What ingress-nginx's admission takes in an Exact or Prefix path (its strict path
# validation, the FAQ's "Validation of path"): letters, digits, `_`, `-` and `/`. Its
# Prefix `/api` is nginx's `location /api/` plus `= /api` unless an Exact `/api` exists.
_INGRESS_NGINX = re.compile(r"[A-Za-z0-9_/-]")


@dataclass(frozen=True)
class IngressPath:
    """One path of the Ingress and the Service port its requests go to."""

    path: str
    kind: Literal["Exact", "Prefix"]
    service: str
    port: int


def _prefix(path: str) -> str | None:
    """What Caddy's `/api/*` asks a request path to start with (`/api/`); None for a path
    Caddy matches exactly."""
    return path[:-1] if path.endswith("/*") else None


def caddy_target(proxy: Proxy, request: str) -> tuple[str, int]:
    """Where Caddy sends `request` (a lower-case path): the route of that exact path, else
    the route of the longest prefix it starts with, else `service`. Caddy (2.10 and later)
    tries a site's `handle` blocks by the length of their path without its trailing `*`,
    an exact path before `path*`: with only exact paths and `/prefix/*` routes, that is
    this."""
    longest: tuple[int, str, int] | None = None
    for route in proxy.routes:
        prefix = _prefix(route.path)
        if prefix is None and route.path == request:
            return route.service, route.port
        longer = longest is None or len(prefix or "") > longest[0]
        if prefix is not None and request.startswith(prefix) and longer:
            longest = (len(prefix), route.service, route.port)
    if longest is not None:
        return longest[1], longest[2]
    return proxy.service, proxy.port


def ingress_paths(proxy: Proxy) -> list[IngressPath]:
    """The Ingress's paths, sending each request where Caddy sends it: an exact route is an
    Exact path; `/api/*` a Prefix `/api` (whole segments: `/api/`, `/api/x`), with an
    Exact `/api` to wherever Caddy sends `/api` itself, which `/api/*` does not match;
    the rest a Prefix `/` to `service`, unless a route `/*` takes it. An Ingress picks
    the longest matching path, and Exact over Prefix at one length: as Caddy's order."""
    found: dict[tuple[str, str], IngressPath] = {}
    exact = {route.path for route in proxy.routes if _prefix(route.path) is None}
    for route in proxy.routes:
        prefix = _prefix(route.path)
        if prefix is None:
            found[route.path, "Exact"] = IngressPath(route.path, "Exact", route.service, route.port)
            continue
        base = prefix.rstrip("/") or "/"
        found[base, "Prefix"] = IngressPath(base, "Prefix", route.service, route.port)
        if base != "/" and base not in exact:
            service, port = caddy_target(proxy, base)
            found[base, "Exact"] = IngressPath(base, "Exact", service, port)
    if ("/", "Prefix") not in found:
        found["/", "Prefix"] = IngressPath("/", "Prefix", proxy.service, proxy.port)
    # The most specific first, as Caddy lists its blocks; the order has no meaning here.
    return sorted(found.values(), key=lambda p: (-len(p.path), p.kind != "Exact", p.path))


def route_refusals(env: Environment) -> Iterator[tuple[Path, str, str]]:
    """Each route whose path no Ingress path can mean as Caddy does, at that path."""
    if env.proxy is None or env.domain is None:
        return
    for index, route in enumerate(env.proxy.routes):
        at: Path = ("proxy", "routes", index, "path")
        path = route.path
        if "*" in path and (path.count("*") > 1 or _prefix(path) is None):
            yield (
                at,
                f"path `{path}` has no Ingress equivalent: an Ingress matches one whole path, "
                "or whole segments below one",
                "write `/prefix/*` for the segments below `/prefix`, or an exact path",
            )
            continue
        literal = path.removesuffix("*")
        if literal != literal.lower():
            yield (
                at,
                f"path `{path}` has capital letters: Caddy matches it in any case, an Ingress "
                "in this case only",
                "write it in lower case",
            )
        others = sorted({c for c in literal if not _INGRESS_NGINX.fullmatch(c)})
        if others:
            shown = " ".join(f"`{c}`" for c in others)
            yield (
                at,
                f"path `{path}` has {shown}, which ingress-nginx refuses in an Exact or "
                "Prefix path",
                "use letters, digits, `_`, `-` and `/`",
            )
        elif "//" in literal:
            yield (
                at,
                f"path `{path}` has an empty segment (`//`), which the Kubernetes API "
                "refuses in an Ingress path",
                "write one `/`",
            )
