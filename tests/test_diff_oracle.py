"""`envgen diff` judged by Docker Compose: over random edits of staging and production,
the differences envgen reports between them are exactly those between Compose's own
normalized models of the two rendered files (`docker-compose config`), nothing missed and
nothing invented; and no secret planted by an edit is printed, in any format.

The oracle reads Compose's model in envgen's path language (a port named by address, port
and protocol, a mount by its target, a list of capabilities as a set), because that is
what a reader compares; what a difference *is* comes from Compose alone.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.model.declared.intended import dotted, item_step, key_step
from envgen.outputs.render import render_project
from envgen.project.load import load_project
from envgen.settings import load_settings
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose_json
from tests.conftest import Run, copy_shipped

CANARY = "canary"
# Compose keys whose list is a set of values, named by the values themselves.
_VALUE_LISTS = ("cap_add", "cap_drop", "profiles", "security_opt")
# Present in every service, so that a first item shows as that item (as in envgen's view).
_COLLECTIONS = ("environment", "depends_on", "labels", "ports", "volumes", "tmpfs", "env_file")
# What Compose knows of; envgen's view adds the environment's facts (tier, domain, ...).
_COMPOSE_ROOTS = ("name", "services", "volumes", "networks")


class _Remove:
    """`!remove` in a generated spec."""


def _remove(dumper: yaml.SafeDumper, _: _Remove) -> yaml.Node:
    return dumper.represent_scalar("!remove", "")


yaml.SafeDumper.add_representer(_Remove, _remove)
REMOVE = _Remove()

# One edit: (environment, service, spec fragment for that service). Values marked with
# CANARY are secrets that must never print.
SERVICES = ["backend", "bot", "scraper", "migrate", "postgres", "chromadb"]
# Services no other service or setting names, which an environment may drop.
REMOVABLE = ("bot", "scraper", "migrate")
BASE_VARIABLES = {
    "backend": ["CHROMA_HOST", "CHROMA_PORT"],
    "bot": ["BACKEND_URL"],
    "scraper": ["CHROMA_HOST"],
    "chromadb": ["IS_PERSISTENT", "ANONYMIZED_TELEMETRY"],
}
VALUES = [
    "on",
    "off",
    "redis://:canaryPW1@cache:6379/0",
    "amqp://user:canaryPW2@rabbit/",
    "https://api.example.com/v1?api_key=canaryQ3",
    "redis://default:${CACHE_PASSWORD:-canaryDF4}@cache",
]
LABELS = [
    ("com.example.team", "core"),
    ("com.example.team", "payments"),
    ("com.example.deploy-token", "glpat-canaryLB5"),
]
NAMES = ["FEATURE_FLAG", "BYPASS_CACHE", "CACHE_URL", "SIGNING_SECRET"]


def _environment_edits(service: str) -> st.SearchStrategy[dict[str, Any]]:
    added = st.dictionaries(st.sampled_from(NAMES), st.sampled_from(VALUES), min_size=1)
    removable = BASE_VARIABLES.get(service, [])
    if not removable:
        return added.map(lambda values: {"environment": values})
    removed = st.sampled_from(removable).map(lambda name: {name: REMOVE})
    return st.one_of(added, removed).map(lambda values: {"environment": values})


def _fragments(service: str) -> st.SearchStrategy[dict[str, Any]]:
    first = 9000 + 10 * SERVICES.index(service)  # one service's host ports are its own
    # On loopback, on every interface (no address) or on IPv6: one entry each to Compose.
    addresses = st.sampled_from(["127.0.0.1:", "", "[::1]:"])
    ports = st.lists(
        st.tuples(
            addresses, st.sampled_from([first, first + 1, first + 2]), st.sampled_from([80, 8080])
        ),
        max_size=2,
        unique_by=lambda port: port[1],
    ).map(lambda ports: {"ports": [f"{a}{h}:{c}" for a, h, c in ports]})
    volumes = st.lists(
        st.sampled_from(["./config/app.toml:/etc/app.toml:ro", "./data:/srv/data"]),
        max_size=2,
        unique=True,
    ).map(lambda mounts: {"volumes": mounts})
    networks = st.sampled_from([[], ["default"], ["proxy"], ["default", "proxy"]]).map(
        lambda names: {"networks": names}
    )
    labels = st.lists(st.sampled_from(LABELS), min_size=1, unique=True).map(
        lambda pairs: {"labels": dict(pairs)}
    )
    image = st.sampled_from(
        [{"image": f"ghcr.io/vpatrin/coupette-{service}-next"}]
        if service not in ("postgres", "chromadb")
        else [{"image": "pgvector/pgvector:pg17"}, {"image": "chromadb/chroma:1.1.0"}]
    )
    command = st.sampled_from(
        [
            {"command": ["python", "-m", "worker"]},
            {"command": ["redis-server", "--requirepass", "canaryCM6"]},
            {"healthcheck": {"test": ["CMD-SHELL", "redis-cli -a canaryHC7 ping"]}},
            {"healthcheck": {"interval": "15s"}},
        ]
    )
    limits = st.sampled_from(
        [{"memory": "768m"}, {"cpus": 0.5}, {"restart": "always"}, {"cap_add": ["NET_ADMIN"]}]
    )
    user = st.sampled_from([{"user": "1000:1000"}, {"read_only": False}])
    return st.one_of(
        _environment_edits(service), ports, volumes, networks, labels, image, command, limits, user
    )


@st.composite
def _edit(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    environment = draw(st.sampled_from(["staging", "production"]))
    service = draw(st.sampled_from(SERVICES))
    if draw(st.integers(0, 9)) == 0 and service in REMOVABLE:
        return environment, service, {"!remove": True}
    return environment, service, draw(_fragments(service))


def _merge(into: dict[str, Any], fragment: dict[str, Any]) -> None:
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _apply(project: Path, edits: list[tuple[str, str, dict[str, Any]]]) -> None:
    for name in ("staging", "production"):
        path = project / "environments" / f"{name}.yaml"
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        services = spec.setdefault("services", {})
        for environment, service, fragment in edits:
            if environment != name:
                continue
            if "!remove" in fragment:
                services[service] = REMOVE
                continue
            current = services.get(service)
            if current is REMOVE:
                continue
            services[service] = current if isinstance(current, dict) else {}
            _merge(services[service], fragment)
        # A service that joins the proxy's network must find it declared.
        spec.setdefault("networks", {}).setdefault("proxy", {"name": "caddy", "external": True})
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


def _address(port: dict[str, Any]) -> str:
    address = port.get("host_ip")
    if address is None:
        return ""
    return f"[{address}]:" if ":" in address else f"{address}:"


def _oracle_service(service: dict[str, Any], folder: Path) -> dict[str, Any]:
    """One service of Compose's model, with envgen's path steps as keys."""
    view: dict[str, Any] = {key: {} for key in (*_COLLECTIONS, *_VALUE_LISTS, "networks")}
    view["deploy"] = {"resources": {"limits": {}}}
    view["restart"] = "no"  # the engine's default, what Compose runs without `restart`
    for key, value in service.items():
        if key in ("command", "entrypoint"):
            view[key] = shlex.join(value)
        elif key == "healthcheck":
            view[key] = {k: shlex.join(v) if k == "test" else v for k, v in value.items()}
        elif key == "depends_on":
            view[key] = {name: json.dumps(spec, sort_keys=True) for name, spec in value.items()}
        elif key == "ports":
            # envgen names a port by its host side: `8001/tcp` when on every interface, an
            # IPv6 address in brackets (`[::1]:8001/tcp`).
            view[key] = {
                item_step(f"{_address(p)}{p['published']}/{p['protocol']}"): p["target"]
                for p in value
            }
        elif key == "volumes":
            view["volumes"] = {
                item_step(m["target"]): (m["source"], m.get("read_only", False))
                for m in value
                if m["type"] != "tmpfs"
            }
            view["tmpfs"] = {
                item_step(m["target"]): json.dumps(m.get("tmpfs"), sort_keys=True)
                for m in value
                if m["type"] == "tmpfs"
            }
        elif key == "networks":
            view[key] = {
                item_step(name): tuple((spec or {}).get("aliases", []))
                for name, spec in value.items()
            }
        elif key == "env_file":
            view[key] = {
                item_step(os.path.relpath(f["path"], folder)): f.get("required", True)
                for f in value
            }
        elif key in _VALUE_LISTS:
            view[key] = {item_step(item): item for item in value}
        elif key == "deploy":
            view[key]["resources"]["limits"] = value.get("resources", {}).get("limits", {})
        elif key in ("environment", "labels"):
            view[key] = {key_step(k): v for k, v in value.items()}
        elif key == "build":
            view[key] = {**value, "context": os.path.relpath(value["context"], folder)}
        else:
            view[key] = value
    return view


def _oracle_model(model: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Compose's model of one file. Its top-level `default` network is left out: it is
    `<name>_default`, told by `name`, and whether a service joins it is told per service."""
    return {
        "name": model["name"],
        "services": {
            key_step(name): _oracle_service(service, folder)
            for name, service in model["services"].items()
        },
        "volumes": {key_step(k): v for k, v in model.get("volumes", {}).items()},
        "networks": {
            key_step(k): v for k, v in model.get("networks", {}).items() if k != "default"
        },
    }


def _differences(a: Any, b: Any, path: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """(path, kind) of every difference between two models: a key on one side only is
    one difference, whatever it holds."""
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return set() if a == b else {(dotted(path), "changed")}
    found: set[tuple[str, str]] = set()
    for key in a.keys() | b.keys():
        if key not in b:
            found.add((dotted((*path, key)), "removed"))
        elif key not in a:
            found.add((dotted((*path, key)), "added"))
        else:
            found |= _differences(a[key], b[key], (*path, key))
    return found


def _rendered(project: Path) -> dict[str, Path]:
    """Renders staging and production without the policies (edits may break them: the
    diff must still tell the truth), and returns each compose file."""
    loaded = load_project(load_settings(project))
    files = render_project(loaded, ["staging", "production"])
    written = {}
    for relative, text in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for name, suffix in (("staging", "staging"), ("production", "prod")):
            if path.name == f"docker-compose.{suffix}.yml":
                written[name] = path
    return written


def _envgen_differences(records: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (r["path"], r["kind"])
        for r in records
        if r["path"].split(".")[0].split("[")[0] in _COMPOSE_ROOTS
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_shipped(tmp_path_factory.mktemp("oracle") / "template")


@settings(
    max_examples=30,
    deadline=None,
    # No shrinking: each step runs Compose twice, and minutes of it would break the
    # suite's time budget; the failing edits are printed as they were drawn.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(_edit(), min_size=1, max_size=4))
# Found by this test: a health check with timings only has no `test` to join.
@example(edits=[("production", "migrate", {"healthcheck": {"interval": "15s"}})])
def test_diff_agrees_with_compose(
    template: Path, tmp_path_factory: pytest.TempPathFactory, run: Run, edits: Any
) -> None:
    project = tmp_path_factory.mktemp("example") / "project"
    shutil.copytree(template, project)
    _apply(project, edits)
    files = _rendered(project)
    models = {name: _oracle_model(compose_json(path), path.parent) for name, path in files.items()}
    expected = _differences(models["staging"], models["production"])

    result = run("--root", project, "diff", "staging", "production", "--format", "json")
    assert result.exit_code == 0, result.output
    found = _envgen_differences(json.loads(result.output)["differences"])
    assert sorted(found - expected) == [], "invented"
    assert sorted(expected - found) == [], "missed"

    assert CANARY not in result.output
    for args in (["--format", "text"], ["--format", "markdown"], ["--spec", "--format", "json"]):
        shown = run("--root", project, "diff", "production", "staging", *args).output
        assert CANARY not in shown
