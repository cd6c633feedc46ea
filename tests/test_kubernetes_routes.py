"""`proxy.routes` on Kubernetes: the Ingress sends each request path to the service Caddy
would send it to, judged by kubernetes-validate, by a model of each matcher written from
its documentation (Caddy's order checked against `caddy adapt`), and by the
NetworkPolicies; a route no Ingress path can mean the same is refused at its line."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import pytest
import yaml
from envgen.model.environment import Proxy, Route
from envgen.outputs.caddy import caddy_token
from envgen.project.kubernetes_routes import ingress_paths, route_refusals
from envgen.project.load import load_project
from envgen.settings import load_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, Run, edit_spec, lint_markdown, spec_position
from tests.kube_project import files_of, kube_project, kubernetes_validate, manifests
from tests.network_graph import Cluster
from tests.test_proxy_routes import HASH, SPECS, _rendered

if TYPE_CHECKING:
    from envgen.model.environment import Environment

CADDY = str(Path(sys.executable).parent / "caddy")

ROUTES = """\
  routes:
    - {path: /ws, service: ws, port: 9000}
    - {path: /media/*, service: media, port: 8100}
    - {path: /media/live/*, service: ws, port: 9001}
"""
SERVICES = """\
  ws:
    image: example/ws:1.2
    memory: 64m
    cpus: 0.25
    restart: unless-stopped
  media:
    image: example/media:3.1
    memory: 64m
    cpus: 0.25
    restart: unless-stopped
"""


def _routed(root: Path, routes: str = ROUTES) -> Path:
    """The Kubernetes project with staging's domain routed by path to two more services."""
    kube_project(root)
    edit_spec(root, "staging.yaml", "  port: 8001\n", "  port: 8001\n" + routes)
    edit_spec(root, "staging.yaml", "services:\n", "services:\n" + SERVICES)
    return root


def _backend(service: str, port: int) -> dict[str, Any]:
    return {"service": {"name": service, "port": {"number": port}}}


def test_the_ingress_has_one_path_per_route_and_the_rest_to_the_proxy_s_service(
    tmp_path: Path,
) -> None:
    ingress = manifests(_routed(tmp_path / "p"), ["staging"])["staging/Ingress/shop"]
    assert ingress["spec"]["rules"] == [
        {
            "host": "staging.shop.example",
            "http": {
                "paths": [
                    # Caddy's `/media/live/*` does not match `/media/live`: `/media/*` does.
                    {
                        "path": "/media/live",
                        "pathType": "Exact",
                        "backend": _backend("media", 8100),
                    },
                    {"path": "/media/live", "pathType": "Prefix", "backend": _backend("ws", 9001)},
                    # Nor does `/media/*` match `/media`: the rest does.
                    {"path": "/media", "pathType": "Exact", "backend": _backend("api", 8001)},
                    {"path": "/media", "pathType": "Prefix", "backend": _backend("media", 8100)},
                    {"path": "/ws", "pathType": "Exact", "backend": _backend("ws", 9000)},
                    {"path": "/", "pathType": "Prefix", "backend": _backend("api", 8001)},
                ]
            },
        }
    ]
    # Basic auth and TLS stay the whole domain's, as without routes.
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/auth-type"] == "basic"
    assert ingress["spec"]["tls"] == [
        {"hosts": ["staging.shop.example"], "secretName": "staging-tls"}
    ]


def test_each_routed_service_has_a_service_with_its_routed_ports(tmp_path: Path) -> None:
    objects = manifests(_routed(tmp_path / "p"), ["staging"])
    ports = {
        name: [p["port"] for p in objects[f"staging/Service/{name}"]["spec"]["ports"]]
        for name in ("ws", "media", "api")
    }
    assert ports == {"ws": [9000, 9001], "media": [8100], "api": [8001]}
    assert objects["staging/Service/ws"]["spec"]["selector"] == {"app.kubernetes.io/name": "ws"}


def test_the_routed_manifests_pass_kubernetes_validate_strict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name, text in files_of(_routed(tmp_path / "p")).items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert (out / "staging/ingress.yaml").is_file()
    result = kubernetes_validate(out)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_ingress_controller_reaches_each_routed_port_and_nothing_else(tmp_path: Path) -> None:
    controller = {
        "kind": "Deployment",
        "metadata": {"name": "controller", "namespace": "ingress-nginx"},
        "spec": {"template": {"metadata": {"labels": {"app": "ingress-nginx"}}}},
    }
    objects = manifests(_routed(tmp_path / "p"), ["staging"])
    cluster = Cluster([controller, *objects.values()])
    source = cluster.pod("ingress-nginx", "controller")
    reached = {
        (name, port)
        for name in ("api", "ws", "media", "worker", "cache", "db")
        for port in (8001, 9000, 9001, 8100, 6379, 5432)
        if cluster.allowed(source, cluster.pod("shop-staging", name), port)
    }
    assert reached == {("api", 8001), ("ws", 9000), ("ws", 9001), ("media", 8100)}


# --- The two matchers, from their documentation, and the property that they agree. ---


def caddy_order(paths: list[str]) -> list[str]:
    """The order Caddy (2.10 and later) tries a site's `handle` blocks of one path each:
    the longest path without its trailing `*` first; the same path with and without `*`,
    the shorter first; at one length, alphabetically (sortRoutes in caddyconfig/
    httpcaddyfile/directives.go)."""
    return sorted(paths, key=lambda p: (-len(p.removesuffix("*")), p.removesuffix("*"), len(p)))


def caddy_matches(pattern: str, request: str) -> bool:
    """Caddy's path matcher: without `*` the exact path, `/x/*` a prefix (`/x/`), in any
    letter case (the requests here are in lower case already)."""
    if pattern.endswith("*"):
        return request.startswith(pattern[:-1])
    return request == pattern


def caddy_route(proxy: Proxy, request: str) -> tuple[str, int]:
    by_path = {route.path: route for route in proxy.routes}
    for path in caddy_order(list(by_path)):
        if caddy_matches(path, request):
            return by_path[path].service, by_path[path].port
    return proxy.service, proxy.port  # the `handle` block without a path comes last


def _elements(path: str) -> list[str]:
    return [element for element in path.split("/") if element]


def ingress_route(paths: list[dict[str, Any]], request: str) -> tuple[str, int] | None:
    """Kubernetes' Ingress matching (networking.k8s.io/v1 HTTPIngressPath): Exact is the
    whole path; Prefix matches element by element (`/foo` matches `/foo`, `/foo/`,
    `/foo/bar`, not `/foobar`); the longest matching path wins, Exact over Prefix at one
    length; no match goes to the default backend (None: there is none)."""
    matching = [
        p
        for p in paths
        if (p["pathType"] == "Exact" and p["path"] == request)
        or (
            p["pathType"] == "Prefix"
            and _elements(request)[: len(_elements(p["path"]))] == _elements(p["path"])
        )
    ]
    if not matching:
        return None
    best = max(matching, key=lambda p: (len(p["path"]), p["pathType"] == "Exact"))
    service = best["backend"]["service"]
    return service["name"], service["port"]["number"]


_SEGMENTS = st.lists(st.sampled_from(["a", "b", "ab", "ws"]), max_size=3)


@st.composite
def route_paths(draw: st.DrawFn) -> str:
    base = "/" + "/".join(draw(_SEGMENTS))
    form = draw(st.sampled_from(["exact", "slash", "prefix"]))
    if form == "prefix":
        return base.rstrip("/") + "/*"
    if form == "slash" and base != "/":
        return base + "/"
    return base


@st.composite
def proxies(draw: st.DrawFn) -> Proxy:
    paths = draw(st.lists(route_paths(), unique=True, max_size=6))
    services = st.sampled_from(["api", "ws", "media", "web"])
    routes = [
        Route(path=path, service=draw(services), port=draw(st.sampled_from([80, 8000, 9000])))
        for path in paths
    ]
    return Proxy(network="edge", service="web", port=80, routes=routes)


def _requests(proxy: Proxy) -> set[str]:
    """Paths at and around every route: the path, with and without a trailing `/`, a
    segment below, a longer segment beside, and each parent."""
    found = {"/", "/x", "/a/x"}
    for route in proxy.routes:
        base = route.path.removesuffix("*").rstrip("/") or "/"
        parts = _elements(base)
        for cut in range(len(parts) + 1):
            parent = "/" + "/".join(parts[:cut])
            found |= {parent, parent.rstrip("/") + "/", parent.rstrip("/") + "/x"}
        found |= {base + "x", base.rstrip("/") + "/ws/ab"}
    return found


def _as_manifest(proxy: Proxy) -> list[dict[str, Any]]:
    return [
        {"path": p.path, "pathType": p.kind, "backend": _backend(p.service, p.port)}
        for p in ingress_paths(proxy)
    ]


@settings(max_examples=300, deadline=None)
@given(proxies())
def test_the_ingress_sends_every_request_where_caddy_does(proxy: Proxy) -> None:
    paths = _as_manifest(proxy)
    assert len({(p["path"], p["pathType"]) for p in paths}) == len(paths)
    for request in sorted(_requests(proxy)):
        assert ingress_route(paths, request) == caddy_route(proxy, request), request
    env = cast("Environment", SimpleNamespace(proxy=proxy, domain="shop.example"))
    assert list(route_refusals(env)) == []  # every generated form is one an Ingress takes


@settings(max_examples=5, deadline=None)
@given(st.lists(st.lists(route_paths(), unique=True, min_size=2, max_size=6), min_size=20))
def test_caddy_adapt_orders_the_blocks_as_the_model_does(
    tmp_path_factory: pytest.TempPathFactory, sites: list[list[str]]
) -> None:
    """The model's order is Caddy's own: one Caddyfile of many sites, adapted once."""
    text = "".join(
        f"s{index}.example {{\n"
        + "".join(
            f"\thandle {caddy_token(path)} {{\n\t\treverse_proxy h{n}:80\n\t}}\n"
            for n, path in enumerate(paths)
        )
        + "\thandle {\n\t\treverse_proxy rest:80\n\t}\n}\n"
        for index, paths in enumerate(sites)
    )
    home = tmp_path_factory.mktemp("caddy")
    (home / "Caddyfile").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [CADDY, "adapt", "--config", str(home / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env={"HOME": str(home), "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home)},
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    for site in config["apps"]["http"]["servers"]["srv0"]["routes"]:
        index = int(site["match"][0]["host"][0].split(".")[0][1:])
        order = [
            sub["match"][0]["path"][0] if "match" in sub else None
            for sub in site["handle"][0]["routes"]
        ]
        assert order == [*caddy_order(sites[index]), None], sites[index]


# --- What no Ingress path can mean the same, refused at its line. ---


@pytest.mark.parametrize(
    ("route", "problem"),
    [
        (
            "/media*",
            "path `/media*` has no Ingress equivalent: an Ingress matches one whole path, or "
            "whole segments below one (write `/prefix/*` for the segments below `/prefix`, or "
            "an exact path)",
        ),
        (
            "/media/*/hd",
            "path `/media/*/hd` has no Ingress equivalent: an Ingress matches one whole path, "
            "or whole segments below one (write `/prefix/*` for the segments below `/prefix`, "
            "or an exact path)",
        ),
        (
            "/Media/*",
            "path `/Media/*` has capital letters: Caddy matches it in any case, an Ingress in "
            "this case only (write it in lower case)",
        ),
        (
            "/v1.0/media/*",
            "path `/v1.0/media/*` has `.`, which ingress-nginx refuses in an Exact or Prefix "
            "path (use letters, digits, `_`, `-` and `/`)",
        ),
        (
            "/media/~x:y",
            "path `/media/~x:y` has `:` `~`, which ingress-nginx refuses in an Exact or Prefix "
            "path (use letters, digits, `_`, `-` and `/`)",
        ),
        (
            "/media//*",
            "path `/media//*` has an empty segment (`//`), which the Kubernetes API refuses in "
            "an Ingress path (write one `/`)",
        ),
    ],
)
def test_a_route_an_ingress_cannot_mean_the_same_is_refused_at_its_line(
    run: Run, tmp_path: Path, route: str, problem: str
) -> None:
    root = _routed(tmp_path / "p", ROUTES.replace("/media/*", route))
    position = spec_position(root, "staging.yaml", f"{{path: {route},", route)
    result = run("--root", root, "render")
    expected = f"{position}: proxy.routes.1.path: {problem}\n1 error\n"
    assert (result.exit_code, result.output) == (2, expected)
    assert not (root / "rendered").exists()


@pytest.mark.parametrize(
    ("route", "path"),
    [
        ("/media/*", ("/media", "Prefix")),
        ("/media/", ("/media/", "Exact")),
        ("/", ("/", "Exact")),
        ("/*", ("/", "Prefix")),
        ("/m_2-x/*", ("/m_2-x", "Prefix")),
    ],
)
def test_near_misses_an_ingress_takes_load_and_render(
    tmp_path: Path, route: str, path: tuple[str, str]
) -> None:
    root = _routed(tmp_path / "p", ROUTES.replace("/media/*", route))
    ingress = manifests(root, ["staging"])["staging/Ingress/shop"]  # loads: nothing refused
    paths = {
        (p["path"], p["pathType"]): p["backend"]["service"]["name"]
        for p in ingress["spec"]["rules"][0]["http"]["paths"]
    }
    assert paths[path] == "media"
    # `/*` takes the rest's place: Caddy never reaches the block without a path.
    assert paths[("/", "Prefix")] == ("media" if route == "/*" else "api")


def test_the_same_routes_stay_caddy_s_on_the_target_compose(tmp_path: Path) -> None:
    """The near miss of every refusal: Caddy takes each of these paths."""
    routes = ROUTES.replace("/media/*", "/Media*").replace("/ws,", "/v1.0/w~s//*,")
    root = _routed(tmp_path / "p", routes)
    edit_spec(root, "staging.yaml", "tier: staging\n", "tier: staging\ntarget: compose\n")
    env = load_project(load_settings(root)).get("staging")
    assert env.targets == ("compose",)
    assert env.proxy is not None
    assert [route.path for route in env.proxy.routes] == [
        "/v1.0/w~s//*",
        "/Media*",
        "/media/live/*",
    ]


HOW_TO = REPO / "docs/how-to/add-a-proxy-route.md"


def test_the_how_to_s_kubernetes_table_is_what_envgen_writes() -> None:
    text = HOW_TO.read_text(encoding="utf-8")
    (spec,) = [b.split("```")[0] for b in text.split("```yaml\n")[1:] if "routes:" in b]
    proxy = Proxy.model_validate(yaml.safe_load(spec)["proxy"])
    table = text[text.index("## Routes on Kubernetes") :]
    table = next(block for block in table.split("\n\n") if block.startswith("|"))
    said = [
        (path, kind, service, int(port))
        for kind, path, service, port in re.findall(
            r"`(Exact|Prefix) (\S+)` to `([a-z]+):(\d+)`", table
        )
    ]
    written = [(p.path, p.kind, p.service, p.port) for p in ingress_paths(proxy)]
    assert sorted(said) == sorted(written)
    assert len(written) == 6
    assert lint_markdown(text) == []


# --- Caddy itself, running envgen's Caddyfile, against the Ingress of the same routes. ---


def _answering(node: Any) -> Any:
    """Caddy's adapted config with every `reverse_proxy` answering the upstream's name."""
    if isinstance(node, list):
        return [_answering(item) for item in node]
    if isinstance(node, dict):
        if node.get("handler") == "reverse_proxy":
            return {"handler": "static_response", "body": node["upstreams"][0]["dial"]}
        return {key: _answering(value) for key, value in node.items()}
    return node


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ask(port: int, host: str, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse().read().decode()
    finally:
        connection.close()


def test_caddy_running_envgen_s_caddyfile_agrees_with_the_ingress(run: Run, tmp_path: Path) -> None:
    root = _rendered(tmp_path / "p", run, SPECS)
    home = tmp_path / "home"
    home.mkdir()
    environ = {"HOME": str(home), "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home)}
    adapted = subprocess.run(
        [CADDY, "adapt", "--config", str(root / "rendered/Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env={**environ, "AUTH_USER": "u", "AUTH_HASH": HASH},
        check=True,
        timeout=30,
    )
    config = _answering(json.loads(adapted.stdout))
    port = _free_port()
    server = config["apps"]["http"]["servers"]["srv0"]
    server["listen"] = [f"127.0.0.1:{port}"]
    server["automatic_https"] = {"disable": True}
    config["admin"] = {"disabled": True}
    (home / "caddy.json").write_text(json.dumps(config), encoding="utf-8")
    log = (home / "caddy.log").open("w", encoding="utf-8")
    caddy = subprocess.Popen(
        [CADDY, "run", "--config", str(home / "caddy.json")],
        env=environ,
        stdout=log,
        stderr=log,
    )
    try:
        for _ in range(100):
            try:
                _ask(port, "shop.example.com", "/")
                break
            except OSError:
                assert caddy.poll() is None, (home / "caddy.log").read_text(encoding="utf-8")
                time.sleep(0.1)
        env = load_project(load_settings(root)).get("green")  # public: no password asked
        assert env.proxy is not None
        paths = _as_manifest(env.proxy)
        for request in sorted(_requests(env.proxy)):
            dial = _ask(port, "shop.example.com", request)
            name, _, number = dial.removeprefix("shop-green-").partition(":")
            assert ingress_route(paths, request) == (name, int(number)), request
        # The one difference: Caddy matches any case, an Ingress the path's own.
        assert _ask(port, "shop.example.com", "/WS") == "shop-green-ws:9000"
        assert ingress_route(paths, "/WS") == ("web", 80)
    finally:
        caddy.terminate()
        caddy.wait(timeout=10)
        log.close()
