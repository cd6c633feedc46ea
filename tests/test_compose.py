"""The compose document: the service the proxy routes to answers, on the proxy's network
only, to an alias of its own; nothing else gets one."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from envgen.outputs.compose import compose_document
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.compose_cli import compose_json
from tests.conftest import REPO, write_tree

BASE = """\
app: shop
access: localhost
host:
  name: server
networks:
  proxy:
    name: caddy
    external: true
  back:
    name: shop-back
    external: false
services:
  api:
    image: example/api:1
    networks: [default, proxy]
  worker:
    image: example/worker:1
    networks: [back]
  cache:
    image: example/cache:1
    networks: [proxy]
"""


def _networks(tmp_path: Path, live: str = "") -> dict[str, object]:
    write_tree(
        tmp_path,
        {"environments/base.yaml": BASE, "environments/live.yaml": "tier: local\n" + live},
    )
    env = load_project(load_settings(tmp_path)).get("live")
    doc = compose_document(env, PurePosixPath("rendered"))
    return {name: service.get("networks") for name, service in doc["services"].items()}


def test_no_alias_without_a_proxy(tmp_path: Path) -> None:
    assert _networks(tmp_path) == {
        "api": ["default", "proxy"],
        "worker": ["back"],
        "cache": ["proxy"],
    }


def test_only_the_routed_service_gets_an_alias_on_the_proxy_network_only(
    tmp_path: Path,
) -> None:
    route = "domain: shop.example.com\nproxy:\n  network: proxy\n  service: api\n  port: 80\n"
    assert _networks(tmp_path, route) == {
        "api": {"default": {}, "proxy": {"aliases": ["shop-live-api"]}},
        "worker": ["back"],
        "cache": ["proxy"],
    }
    # Without a domain nothing is routed, so nothing needs the alias.
    assert _networks(tmp_path, route.replace("domain: shop.example.com\n", ""))["api"] == [
        "default",
        "proxy",
    ]


def test_compose_sees_a_unique_alias_for_each_deployed_backend() -> None:
    aliases = {
        name: compose_json(REPO / "rendered" / name)["services"]["backend"]["networks"]
        for name in ("docker-compose.staging.yml", "docker-compose.prod.yml")
    }
    assert aliases == {
        "docker-compose.staging.yml": {
            "default": {},
            "proxy": {"aliases": ["coupette-staging-backend"]},
        },
        "docker-compose.prod.yml": {
            "default": {},
            "proxy": {"aliases": ["coupette-production-backend"]},
        },
    }
