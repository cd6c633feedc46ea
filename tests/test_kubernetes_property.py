"""A property: every generated spec that validates for Kubernetes renders manifests that
kubernetes-validate --strict accepts with no warning, and NetworkPolicies that keep its
namespace to itself."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from envgen.errors import SpecError
from envgen.outputs.render import render_project
from envgen.project.load import load_project
from envgen.settings import load_settings
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import write_tree
from tests.kube_project import validation_errors
from tests.network_graph import Cluster

# The outputs that drive Compose on a host have nothing to say of these environments.
PYPROJECT = (
    '[tool.envgen]\ndisabled = ["caddy", "makefile", "rollback-script", '
    '"rollback-migration-script", "pull-request-workflow", "deploy-workflow", '
    '"variables-file", "variables-example"]\n'
)
NAMES = ("api", "web", "worker", "db", "cache", "queue")
PORTS = (80, 5432, 6379, 8000, 8001)


@st.composite
def _healthcheck(draw: st.DrawFn) -> dict[str, Any]:
    port = draw(st.sampled_from(PORTS))
    test = draw(
        st.sampled_from(
            [
                ["CMD", "curl", "-f", f"http://localhost:{port}/health"],
                ["CMD-SHELL", f"bash -c ':> /dev/tcp/127.0.0.1/{port}' || exit 1"],
                ["CMD-SHELL", "pgrep app > /dev/null || exit 1"],
                ["CMD", "/bin/check", "--quiet"],
                ["NONE"],
            ]
        )
    )
    check: dict[str, Any] = {"test": test}
    for key, values in (
        ("interval", ["10s", "1m30s", "500ms"]),
        ("timeout", ["3s", "30s"]),
        ("start_period", ["5s", "2m"]),
    ):
        if draw(st.booleans()):
            check[key] = draw(st.sampled_from(values))
    if draw(st.booleans()):
        check["retries"] = draw(st.integers(1, 10))
    return check


@st.composite
def _service(draw: st.DrawFn, name: str, earlier: list[str]) -> dict[str, Any]:
    service: dict[str, Any] = {}
    if draw(st.booleans()):
        service.update({"image": f"example/{name}", "build": f"./{name}"})
    else:
        service["image"] = f"example/{name}:{draw(st.integers(1, 20))}.0"
    service["memory"] = draw(st.sampled_from(["32m", "64m", "128m", "1g", "1536m"]))
    service["cpus"] = draw(st.sampled_from([0.1, 0.25, 1, 2]))
    for key in ("read_only", "no_new_privileges"):
        if draw(st.booleans()):
            service[key] = True
    if draw(st.booleans()):
        service["cap_drop"] = ["ALL"]
        service["cap_add"] = draw(st.lists(st.sampled_from(["CHOWN", "NET_BIND_SERVICE"])))
    if draw(st.booleans()):
        service["user"] = draw(st.sampled_from(["1000", "1000:1000", "0:0"]))
    restart = draw(st.sampled_from(["unless-stopped", "always", "no", "on-failure:3", None]))
    if restart is not None:
        service["restart"] = restart
    if draw(st.booleans()):
        service["profiles"] = [draw(st.sampled_from(["debug", "jobs"]))]
    service["expose"] = [str(draw(st.sampled_from(PORTS)))]
    if draw(st.booleans()):
        service["healthcheck"] = draw(_healthcheck())
    if draw(st.booleans()) and earlier:
        condition = st.sampled_from(["service_started", "service_healthy"])
        service["depends_on"] = {
            other: draw(condition)
            for other in draw(st.lists(st.sampled_from(earlier), min_size=1, unique=True))
        }
    environment: dict[str, str] = {}
    for index in range(draw(st.integers(0, 3))):
        environment[f"VALUE_{index}"] = draw(
            st.sampled_from(
                ["plain", "a $$dollar", "${LEVEL:-info}", "${API_TOKEN}", "x:${DB_PASSWORD}@y"]
            )
        )
    if draw(st.booleans()) and earlier:
        other = draw(st.sampled_from(earlier))
        environment["PEER"] = f"http://{other}:{draw(st.sampled_from(PORTS))}/v1"
    if environment:
        service["environment"] = environment
    if draw(st.booleans()):
        service["tmpfs"] = [{"target": "/tmp", "size": draw(st.sampled_from(["8m", "64m"]))}]
    if draw(st.booleans()):
        service["volumes"] = [f"{name}data:/data"]
    if draw(st.booleans()):
        service["command"] = draw(st.sampled_from([["serve", "--port", "80"], "run --fast"]))
    if draw(st.booleans()):
        service["stop_grace_period"] = draw(st.sampled_from(["10s", "1m"]))
    return service


@st.composite
def specs(draw: st.DrawFn) -> dict[str, str]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    services: dict[str, Any] = {}
    for index, name in enumerate(names):
        services[name] = draw(_service(name, names[:index]))
    volumes: dict[str, Any] = {f"{name}data": {} for name in names}
    base: dict[str, Any] = {
        "app": "prop",
        "access": "localhost",
        "target": "kubernetes",
        "volumes": volumes,
        "services": services,
    }
    staging: dict[str, Any] = {
        "tier": "staging",
        "host": {"name": "cluster", "memory": draw(st.sampled_from(["2g", "8g"]))},
        "image_tag": "staging",
    }
    routed = names[0]
    if draw(st.booleans()):
        port = int(services[routed]["expose"][0])
        staging.update(
            {
                "domain": "staging.prop.example",
                "access": draw(st.sampled_from(["basic_auth", "public"])),
                "networks": {"edge": {}},
                "proxy": {"network": "edge", "service": routed, "port": port},
            }
        )
    other = {**staging, "tier": "test", "host": {"name": "cluster"}}
    other.pop("domain", None)
    other.pop("proxy", None)
    other.pop("access", None)
    other.pop("networks", None)
    return {
        "environments/base.yaml": yaml.safe_dump(base, sort_keys=False),
        "environments/staging.yaml": yaml.safe_dump(staging, sort_keys=False),
        "environments/test.yaml": yaml.safe_dump(other, sort_keys=False),
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(specs())
def test_every_valid_spec_renders_manifests_kubernetes_accepts(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_tree(Path(folder), {"pyproject.toml": PYPROJECT, **files})
        try:
            project = load_project(load_settings(root))
        except SpecError:
            assume(False)
            return
        objects: list[dict[str, Any]] = []
        for path, text in render_project(project).items():
            if "kubernetes" in path.parts and path.name != "kustomization.yaml":
                objects += list(yaml.safe_load_all(text))
        assert objects
        assert validation_errors(objects) == []
        cluster = Cluster(objects)
        for source in cluster.pods:
            for destination in cluster.pods:
                if source.namespace != destination.namespace:
                    assert not any(cluster.allowed(source, destination, p) for p in PORTS)
