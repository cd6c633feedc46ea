"""`proxy.routes`: paths of one domain sent to several services (an API, a websocket, a
stream), judged by Caddy's own `adapt` and by Docker Compose's `config`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.model.environment import Route
from envgen.outputs.caddy import caddy_token
from hypothesis import given
from hypothesis import strategies as st

from tests.caddy_cli import caddy
from tests.compose_cli import compose_json
from tests.conftest import REPO, Run, write_tree

HASH = "$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG"  # `caddy hash-password`

BASE = """\
app: shop
access: basic_auth
host:
  name: server
networks:
  proxy:
    name: edge-SUFFIX
    external: true
proxy:
  network: proxy
  service: web
  port: 80
  basic_auth:
    user_variable: AUTH_USER_SUFFIX
    hash_variable: AUTH_HASH_SUFFIX
  routes:
    - {path: /ws, service: ws, port: 9000}
    - {path: /api/*, service: api, port: 8000}
    - {path: /api/stream/*, service: stream, port: 8100}
services:
  web:
    image: nginx:1.27
    networks: [default, proxy]
  api:
    image: nginx:1.27
    networks: [default, proxy]
  ws:
    image: nginx:1.27
    networks: [default, proxy]
  stream:
    image: nginx:1.27
    networks: [default, proxy]
  db:
    image: postgres:16
"""
SPECS = {
    "environments/base.yaml": BASE.replace("-SUFFIX", "").replace("_SUFFIX", ""),
    "environments/blue.yaml": "tier: local\ndomain: blue.shop.example.com\n",
    "environments/green.yaml": (
        "tier: local\ndomain: shop.example.com\naccess: public\n"
        "proxy:\n  basic_auth: null\n"
        "networks:\n  proxy:\n    name: edge-green\n"
    ),
}


def _rendered(tmp_path: Path, run: Run, files: dict[str, str] | None = None) -> Path:
    root = write_tree(tmp_path, files or SPECS)
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output + result.stderr
    return root


def _adapt(root: Path, home: Path) -> Any:
    home.mkdir()
    args = ("adapt", "--config", str(root / "rendered/Caddyfile"), "--adapter", "caddyfile")
    return json.loads(caddy(home, *args, variables={"AUTH_USER": "tester", "AUTH_HASH": HASH}))


def _site(route: Any) -> list[tuple[str, Any]]:
    """A site's handlers as (path or `*`, what it does), in the order Caddy runs them."""
    steps: list[tuple[str, Any]] = []
    for sub in route["handle"][0]["routes"]:
        handler = sub["handle"][0]
        path = sub["match"][0]["path"][0] if "match" in sub else "*"
        if handler["handler"] == "subroute":
            (inner,) = handler["routes"]
            (proxy,) = inner["handle"]
            steps.append((path, [u["dial"] for u in proxy["upstreams"]]))
        else:
            steps.append((path, handler["handler"]))
    return steps


def test_caddy_sends_each_path_to_its_environments_alias(tmp_path: Path, run: Run) -> None:
    root = _rendered(tmp_path / "p", run)
    config = _adapt(root, tmp_path / "home")
    routes = config["apps"]["http"]["servers"]["srv0"]["routes"]
    sites = {route["match"][0]["host"][0]: _site(route) for route in routes}
    # Caddy tries the longest path first, and the route with no path last, whatever the
    # order of the spec; basic auth comes before every one of them.
    assert sites == {
        "blue.shop.example.com": [
            ("*", "authentication"),
            ("/api/stream/*", ["shop-blue-stream:8100"]),
            ("/api/*", ["shop-blue-api:8000"]),
            ("/ws", ["shop-blue-ws:9000"]),
            ("*", ["shop-blue-web:80"]),
        ],
        "shop.example.com": [
            ("/api/stream/*", ["shop-green-stream:8100"]),
            ("/api/*", ["shop-green-api:8000"]),
            ("/ws", ["shop-green-ws:9000"]),
            ("*", ["shop-green-web:80"]),
        ],
    }
    (blue,) = [r for r in routes if r["match"][0]["host"] == ["blue.shop.example.com"]]
    auth = blue["handle"][0]["routes"][0]
    assert "match" not in auth  # unconditional: every path asks for the password
    accounts = auth["handle"][0]["providers"]["http_basic"]["accounts"]
    assert accounts == [{"username": "tester", "password": HASH}]


def test_the_caddyfile_is_formatted_as_caddy_formats_it(tmp_path: Path, run: Run) -> None:
    root = _rendered(tmp_path / "p", run)
    text = (root / "rendered/Caddyfile").read_text(encoding="utf-8")
    assert text.endswith(
        "shop.example.com {\n"
        "\thandle /ws {\n\t\treverse_proxy shop-green-ws:9000\n\t}\n"
        '\thandle "/api/*" {\n\t\treverse_proxy shop-green-api:8000\n\t}\n'
        '\thandle "/api/stream/*" {\n\t\treverse_proxy shop-green-stream:8100\n\t}\n'
        "\thandle {\n\t\treverse_proxy shop-green-web:80\n\t}\n"
        "}\n"
    )
    home = tmp_path / "home"
    home.mkdir()
    assert caddy(home, "fmt", str(root / "rendered/Caddyfile")) == text


def test_each_routed_service_has_its_alias_on_the_proxy_network_only(
    tmp_path: Path, run: Run
) -> None:
    root = _rendered(tmp_path / "p", run)
    model = compose_json(root / "rendered/docker-compose.blue.yml")
    networks = {name: service.get("networks") for name, service in model["services"].items()}
    assert networks == {
        name: {"default": None, "proxy": {"aliases": [f"shop-blue-{name}"]}}
        for name in ("web", "api", "ws", "stream")
    } | {"db": {"default": None}}  # Compose puts it on `default`, with no alias


def test_without_routes_only_the_service_is_aliased(tmp_path: Path, run: Run) -> None:
    # Near miss: the same project with no routes writes the domain's one upstream bare.
    base = SPECS["environments/base.yaml"]
    routes = base[base.index("  routes:\n") : base.index("services:\n")]
    root = _rendered(
        tmp_path / "p", run, {**SPECS, "environments/base.yaml": base.replace(routes, "")}
    )
    text = (root / "rendered/Caddyfile").read_text(encoding="utf-8")
    assert text.endswith("shop.example.com {\n\treverse_proxy shop-green-web:80\n}\n")
    model = compose_json(root / "rendered/docker-compose.green.yml")
    aliased = {
        name: service["networks"]["proxy"]["aliases"]
        for name, service in model["services"].items()
        if isinstance(service.get("networks"), dict) and service["networks"].get("proxy")
    }
    assert aliased == {"web": ["shop-green-web"]}


def test_the_parity_table_lists_each_environments_routes(tmp_path: Path, run: Run) -> None:
    root = _rendered(tmp_path / "p", run)
    table = (root / "docs/ENVIRONMENTS.md").read_text(encoding="utf-8")
    (row,) = [line for line in table.splitlines() if line.startswith("| Proxy route |")]
    assert row == (
        "| Proxy route | `/ws` → `shop-blue-ws:9000`, `/api/*` → `shop-blue-api:8000`, "
        "`/api/stream/*` → `shop-blue-stream:8100`, the rest → `shop-blue-web:80` "
        "on network `edge` | `/ws` → `shop-green-ws:9000`, `/api/*` → "
        "`shop-green-api:8000`, `/api/stream/*` → `shop-green-stream:8100`, "
        "the rest → `shop-green-web:80` on network `edge-green` |"
    )


def _problems(tmp_path: Path, run: Run, old: str, new: str) -> tuple[int, list[str]]:
    base = SPECS["environments/base.yaml"]
    assert base.count(old) == 1, old
    root = write_tree(tmp_path, {**SPECS, "environments/base.yaml": base.replace(old, new)})
    result = run("--root", root, "validate")
    return result.exit_code, result.stderr.splitlines()


ROUTE_WS = "    - {path: /ws, service: ws, port: 9000}"
ROUTE_STREAM = "    - {path: /api/stream/*, service: stream, port: 8100}"
PATTERN = "must start with / and use letters, digits and . _ ~ % ! $ & ( ) + , ; = : @ * / -"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            ROUTE_WS,
            "    - {path: /ws, service: wss, port: 9000}",
            "environments/base.yaml:17:28: proxy.routes.0.service: unknown service `wss` "
            "(did you mean `ws`?)",
        ),
        (
            ROUTE_STREAM,
            "    - {path: /api/*, service: stream, port: 8100}",
            "environments/base.yaml:19:14: proxy.routes.2.path: path `/api/*` is routed twice "
            "(first at proxy.routes.1) (give each path one route)",
        ),
        (
            ROUTE_WS,
            "    - {path: ws, service: ws, port: 9000}",
            f"environments/base.yaml:17:14: proxy.routes.0.path: invalid value `ws`: {PATTERN}",
        ),
        (
            ROUTE_STREAM,
            '    - {path: "/api/{x}", service: stream, port: 8100}',
            "environments/base.yaml:19:14: proxy.routes.2.path: invalid value `/api/{x}`: "
            f"{PATTERN}",
        ),
        (
            ROUTE_STREAM,
            '    - {path: "/api stream", service: stream, port: 8100}',
            "environments/base.yaml:19:14: proxy.routes.2.path: invalid value `/api stream`: "
            f"{PATTERN}",
        ),
        (
            ROUTE_STREAM,
            '    - {path: "/api#x", service: stream, port: 8100}',
            f"environments/base.yaml:19:14: proxy.routes.2.path: invalid value `/api#x`: {PATTERN}",
        ),
        (
            "  api:\n    image: nginx:1.27\n    networks: [default, proxy]\n",
            "  api:\n    image: nginx:1.27\n    networks: [default]\n",
            "environments/base.yaml:18:31: PRX002 error: proxy.routes.1.service: `api` does not "
            "join network `proxy`, so the proxy cannot reach it (add `proxy` to its `networks`)",
        ),
    ],
)
def test_a_route_that_cannot_be_written_is_refused_at_its_line(
    tmp_path: Path, run: Run, old: str, new: str, expected: str
) -> None:
    exit_code, lines = _problems(tmp_path, run, old, new)
    assert exit_code == 2
    assert expected in lines
    assert not (tmp_path / "rendered").exists()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Near misses of each refusal: a known service, two distinct prefixes of one path,
        # the root path, and every character the pattern allows.
        (ROUTE_WS, "    - {path: /ws, service: web, port: 9000}"),
        (ROUTE_STREAM, "    - {path: /api, service: stream, port: 8100}"),
        (ROUTE_STREAM, "    - {path: /, service: stream, port: 8100}"),
        (ROUTE_STREAM, '    - {path: "/a-z_0.9~%20!$&()+,;=:@*/", service: stream, port: 8100}'),
    ],
)
def test_near_misses_validate_and_render(tmp_path: Path, run: Run, old: str, new: str) -> None:
    exit_code, lines = _problems(tmp_path, run, old, new)
    assert (exit_code, lines) == (0, [])
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.stderr
    config = _adapt(tmp_path, tmp_path / "home")
    path = yaml.safe_load(new.strip().removeprefix("- "))["path"]
    (site, _) = config["apps"]["http"]["servers"]["srv0"]["routes"]
    paths = [sub["match"][0]["path"][0] for sub in site["handle"][0]["routes"] if "match" in sub]
    assert path in paths  # Caddy read the path as written, as one token


_PATH = Route.model_fields["path"].metadata[0].pattern


@given(st.from_regex(_PATH, fullmatch=True))
def test_every_path_validate_accepts_is_one_caddyfile_token(path: str) -> None:
    # What validate accepts, render writes: caddy_token refuses none of these paths.
    token = caddy_token(path)
    assert token in (path, f'"{path}"')


DOC = REPO / "docs/how-to/add-a-proxy-route.md"


def _blocks(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return [part.split("```")[0] for part in text.split(f"```{language}\n")[1:]]


def test_the_how_to_example_is_what_envgen_writes(tmp_path: Path, run: Run) -> None:
    (spec,) = [block for block in _blocks("yaml") if "routes:" in block]
    (site,) = [block for block in _blocks("caddyfile") if "handle" in block]
    services = "".join(
        f"  {name}:\n    image: nginx:1.27\n    networks: [default, proxy]\n"
        for name in ("web", "api", "stream", "ws")
    )
    files = {
        "environments/base.yaml": (
            "app: shop\naccess: basic_auth\nhost:\n  name: server\n"
            "networks:\n  proxy:\n    name: edge\n    external: true\n"
            f"{spec}  basic_auth:\n    user_variable: AUTH_USER\n    hash_variable: AUTH_HASH\n"
            f"services:\n{services}"
        ),
        "environments/staging.yaml": "tier: local\ndomain: shop.example.com\n",
    }
    root = _rendered(tmp_path / "p", run, files)
    assert (root / "rendered/Caddyfile").read_text(encoding="utf-8").endswith(site)
