"""Segregation the cluster enforces: the NetworkPolicies of every namespace, evaluated as a
graph (tests/network_graph.py), let no pod of one environment reach a pod of another, and
let each edge the spec declares through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.errors import SpecError
from envgen.outputs.render import render_project
from envgen.policies.check import enforce
from envgen.project.kubernetes_plan import plan
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import REPO, Run, edit_spec, spec_position
from tests.kube_project import kube_project
from tests.network_graph import Cluster

EXAMPLE = REPO / "examples" / "kubernetes"


def _cluster(root: Path) -> Cluster:
    project = load_project(load_settings(root))
    objects: list[dict[str, Any]] = []
    for path, text in render_project(project).items():
        if "kubernetes" in path.parts and path.name != "kustomization.yaml":
            objects += list(yaml.safe_load_all(text))
    return Cluster(objects)


def _every_port(cluster: Cluster, root: Path) -> list[int]:
    project = load_project(load_settings(root))
    ports = {53, 443, 80}
    for env in project.environments:
        for found in plan(env).ports.values():
            ports.update(found)
    return sorted(ports)


@pytest.mark.parametrize("root", [EXAMPLE, None], ids=["example", "kube-project"])
def test_no_pod_of_one_environment_reaches_a_pod_of_another(
    root: Path | None, tmp_path: Path
) -> None:
    root = root or kube_project(tmp_path / "p")
    cluster = _cluster(root)
    assert {pod.namespace for pod in cluster.pods} == set(cluster.namespaces)
    assert len(cluster.namespaces) == 2
    ports = _every_port(cluster, root)
    crossing = [
        (source.namespace, source.name, destination.namespace, destination.name, port)
        for source in cluster.pods
        for destination in cluster.pods
        if source.namespace != destination.namespace
        for port in ports
        if cluster.allowed(source, destination, port)
    ]
    assert crossing == []


@pytest.mark.parametrize("root", [EXAMPLE, None], ids=["example", "kube-project"])
def test_each_declared_edge_is_allowed_and_nothing_else(root: Path | None, tmp_path: Path) -> None:
    root = root or kube_project(tmp_path / "p")
    cluster = _cluster(root)
    project = load_project(load_settings(root))
    for env in project.environments:
        layout = plan(env)
        declared = {(edge.client, edge.server) for edge in layout.edges}
        assert declared  # the test proves something
        pods = [pod for pod in cluster.pods if pod.namespace == env.namespace]
        for source in pods:
            for destination in pods:
                for port in layout.ports[destination.name] or (1,):
                    allowed = cluster.allowed(source, destination, port)
                    expected = (source.name, destination.name) in declared
                    assert allowed == expected, (env.name, source.name, destination.name, port)


def test_the_example_s_edges_are_the_application_s() -> None:
    project = load_project(load_settings(EXAMPLE))
    edges = {(e.client, e.server) for e in plan(project.get("staging")).edges}
    assert edges == {
        ("backend", "chromadb"),
        ("backend", "postgres"),
        ("bot", "backend"),
        ("migrate", "postgres"),
        ("scraper", "chromadb"),
        ("scraper", "postgres"),
        ("seed", "chromadb"),
        ("seed", "postgres"),
    }


def test_a_declared_edge_is_allowed_on_its_port_only() -> None:
    cluster = _cluster(EXAMPLE)
    bot = cluster.pod("coupette-staging", "bot")
    backend = cluster.pod("coupette-staging", "backend")
    postgres = cluster.pod("coupette-staging", "postgres")
    assert cluster.allowed(bot, backend, 8001)
    assert not cluster.allowed(bot, backend, 8002)  # the near miss: another port
    assert not cluster.allowed(bot, postgres, 5432)  # no edge: the bot has no database


def test_the_ingress_controller_reaches_the_routed_service_only() -> None:
    objects = [
        {
            "kind": "Deployment",
            "metadata": {"name": "controller", "namespace": "ingress-nginx"},
            "spec": {"template": {"metadata": {"labels": {"app": "ingress-nginx"}}}},
        }
    ]
    project = load_project(load_settings(EXAMPLE))
    for path, text in render_project(project).items():
        if "kubernetes" in path.parts and path.name != "kustomization.yaml":
            objects += list(yaml.safe_load_all(text))
    cluster = Cluster(objects)
    controller = cluster.pod("ingress-nginx", "controller")
    for namespace in ("coupette-staging", "coupette-production"):
        assert cluster.allowed(controller, cluster.pod(namespace, "backend"), 8001)
        assert not cluster.allowed(controller, cluster.pod(namespace, "postgres"), 5432)


def test_dns_and_outside_apis_are_the_only_ways_out() -> None:
    project = load_project(load_settings(EXAMPLE))
    policies = [
        document
        for path, text in render_project(project).items()
        if path.name == "network-policies.yaml"
        for document in yaml.safe_load_all(text)
    ]
    peers = [
        peer
        for policy in policies
        for rule in policy["spec"].get("egress", []) + policy["spec"].get("ingress", [])
        for peer in rule.get("to", []) + rule.get("from", [])
    ]
    namespaces = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for peer in peers
        if "namespaceSelector" in peer
    }
    # No rule selects another environment's namespace, nor its own by label.
    assert namespaces == {"kube-system", "ingress-nginx"}
    outside = [p["ipBlock"] for p in peers if "ipBlock" in p]
    assert outside
    assert all(
        block == {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}
        for block in outside
    )


PLANTED = "      DB_HOST: postgres.coupette-production.svc.cluster.local\n"


def _planted(tmp_path: Path) -> Path:
    """A copy of the example where staging's backend names production's database."""
    root = tmp_path / "example"
    root.mkdir()
    for part in ("pyproject.toml", "environments"):
        source = EXAMPLE / part
        target = root / part
        if source.is_dir():
            target.mkdir()
            for file in source.iterdir():
                (target / file.name).write_bytes(file.read_bytes())
        else:
            target.write_bytes(source.read_bytes())
    edit_spec(root, "staging.yaml", "  backend:\n", "  backend:\n    environment:\n" + PLANTED)
    return root


def test_a_cross_environment_reference_is_refused_before_render(run: Run, tmp_path: Path) -> None:
    root = _planted(tmp_path)
    position = spec_position(root, "staging.yaml", PLANTED.rstrip("\n"))
    production = spec_position(root, "base.yaml", "target: kubernetes")
    result = run("--root", root, "render")
    assert result.exit_code == 2
    assert result.output == (
        "staging:\n"
        f"{position}: KUB005 error: services.backend.environment.DB_HOST: "
        "`postgres.coupette-production` is in production's namespace `coupette-production` "
        f"({production}) (name the service of this environment's own namespace)\n"
        "1 error\n"
    )
    assert not (root / "rendered").exists()


def test_had_it_been_rendered_the_cluster_would_deny_the_traffic(tmp_path: Path) -> None:
    root = _planted(tmp_path)
    project = load_project(load_settings(root))  # loads: the rule is a policy
    with pytest.raises(SpecError):
        enforce(project)
    objects: list[dict[str, Any]] = []
    for path, text in render_project(project).items():  # rendered past the policies
        if "kubernetes" in path.parts and path.name != "kustomization.yaml":
            objects += list(yaml.safe_load_all(text))
    cluster = Cluster(objects)
    backend = cluster.pod("coupette-staging", "backend")
    theirs = cluster.pod("coupette-production", "postgres")
    ours = cluster.pod("coupette-staging", "postgres")
    assert cluster.allowed(backend, ours, 5432)  # the edge the spec declares
    assert not cluster.allowed(backend, theirs, 5432)
