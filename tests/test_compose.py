"""The compose document: the proxy's service answers to an alias of its own environment."""

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


def _networks(tmp_path: Path, extra: str = "") -> dict[str, object]:
    write_tree(
        tmp_path,
        {"environments/base.yaml": BASE + extra, "environments/live.yaml": "tier: local\n"},
    )
    env = load_project(load_settings(tmp_path)).get("live")
    doc = compose_document(env, PurePosixPath("rendered"))
    return {name: service.get("networks") for name, service in doc["services"].items()}


AS_WRITTEN = {"api": ["default", "proxy"], "worker": ["back"], "cache": ["proxy"]}
ROUTED = "domain: shop.example.com\nproxy:\n  network: proxy\n  service: api\n  port: 80\n"


def test_without_a_proxy_no_service_gets_an_alias(tmp_path: Path) -> None:
    assert _networks(tmp_path) == AS_WRITTEN


def test_only_the_proxys_service_gets_an_alias_on_the_proxys_network(tmp_path: Path) -> None:
    assert _networks(tmp_path, ROUTED) == {
        **AS_WRITTEN,
        "api": {"default": None, "proxy": {"aliases": ["shop-live-api"]}},
    }


def test_a_proxy_without_a_domain_routes_nothing_and_adds_no_alias(tmp_path: Path) -> None:
    assert _networks(tmp_path, ROUTED.replace("domain: shop.example.com\n", "")) == AS_WRITTEN


def test_the_proxy_alias_is_an_addition_the_spec_can_turn_off(tmp_path: Path) -> None:
    assert _networks(tmp_path, ROUTED + "additions:\n  proxy_alias: false\n") == AS_WRITTEN


def test_compose_sees_a_unique_alias_for_each_deployed_backend() -> None:
    aliases = {
        name: compose_json(REPO / "rendered" / name)["services"]["backend"]["networks"]
        for name in ("docker-compose.staging.yml", "docker-compose.prod.yml")
    }
    assert aliases == {
        "docker-compose.staging.yml": {
            "default": None,
            "proxy": {"aliases": ["coupette-staging-backend"]},
        },
        "docker-compose.prod.yml": {
            "default": None,
            "proxy": {"aliases": ["coupette-production-backend"]},
        },
    }
