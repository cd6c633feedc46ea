"""The rules the target kubernetes adds (KUB001-KUB006), each at its boundary, with a near
miss; and the Compose-only rules that say nothing of a Kubernetes-only environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run, spec_position, write_tree

BASE = """\
app: mini
access: localhost
target: kubernetes
host: {name: box}
services:
  web:
    image: example/web
    build: ./web
    memory: 64m
    cpus: 0.1
    healthcheck: {test: [CMD, /healthz]}
    restart: unless-stopped
"""


def _project(root: Path, tier: str = "local", extra: str = "", tag: str = "dev") -> Path:
    spec = f"tier: {tier}\nimage_tag: {tag}\n{extra}"
    return write_tree(root, {"environments/base.yaml": BASE, f"environments/{tier}.yaml": spec})


def _validate(run: Run, root: Path) -> tuple[int, str]:
    result = run("--root", root, "validate")
    return result.exit_code, result.output


def test_the_minimal_project_is_clean(run: Run, tmp_path: Path) -> None:
    assert _validate(run, _project(tmp_path)) == (0, "1 environment(s) valid: local\n")


def test_kub001_a_host_path(run: Run, tmp_path: Path) -> None:
    root = _project(tmp_path, extra="services:\n  web:\n    volumes: [/var/log:/host-logs:ro]\n")
    where = spec_position(root, "local.yaml", "volumes: [/var/log", "/var/log")
    assert _validate(run, root) == (
        2,
        f"local:\n{where}: KUB001 error: services.web.volumes.0: bind mount of the node's "
        "`/var/log`: a hostPath volume hands the pod the node's files, and every namespace's "
        "on it (mount a named volume or a project file instead of a node's path)\n1 error\n",
    )


def test_kub001_near_miss_the_same_mount_on_compose(run: Run, tmp_path: Path) -> None:
    extra = "target: compose\nservices:\n  web:\n    volumes: [/var/log:/host-logs:ro]\n"
    code, output = _validate(run, _project(tmp_path, extra=extra))
    assert "KUB001" not in output
    assert code == 0


def test_kub002_a_privileged_container(run: Run, tmp_path: Path) -> None:
    root = _project(tmp_path, extra="services:\n  web:\n    privileged: true\n")
    where = spec_position(root, "local.yaml", "privileged: true")
    assert _validate(run, root) == (
        2,
        f"local:\n{where}: KUB002 error: services.web.privileged: a privileged container is "
        "root on the node, beside every namespace (drop `privileged`; add only the capability "
        "the service needs)\n1 error\n",
    )
    near = _project(tmp_path / "near", extra="services:\n  web:\n    privileged: false\n")
    assert _validate(run, near) == (0, "1 environment(s) valid: local\n")


def test_kub003_limits_warn_on_a_laptop_and_refuse_in_production(run: Run, tmp_path: Path) -> None:
    root = _project(tmp_path, extra="services:\n  web:\n    cpus: !remove\n")
    where = spec_position(root, "local.yaml", "    cpus: !remove", "cpus")
    message = (
        "services.web: `web` has no cpus limit: one pod could starve every other on its node "
        "(give the service `memory` and `cpus`)"
    )
    assert _validate(run, root) == (
        0,
        f"local:\n{where}: KUB003 warning: {message}\n1 warning\n1 environment(s) valid: local\n",
    )
    production = _project(
        tmp_path / "p", "production", "services:\n  web:\n    cpus: !remove\n", "v1"
    )
    code, output = _validate(run, production)
    assert code == 2
    where = spec_position(production, "production.yaml", "    cpus: !remove", "cpus")
    assert f"{where}: KUB003 error: {message}\n" in output
    # deploy's limits count as Compose reads them: the near miss
    near = _project(
        tmp_path / "n",
        "production",
        "services:\n  web:\n    cpus: !remove\n    deploy: {resources: {limits: {cpus: '0.5'}}}\n",
        "v1",
    )
    assert "KUB003" not in _validate(run, near)[1]


@pytest.mark.parametrize(
    ("tag", "image", "found"),
    [
        ("latest", None, "image_tag"),
        ("v1", "redis", "services.cache.image"),
        ("v1", "redis:latest", "services.cache.image"),
        ("v1", "redis:7.4", None),
        ("v1", "registry.local:5000/redis", "services.cache.image"),
        ("v1", "redis@sha256:" + "a" * 64, None),
    ],
)
def test_kub004_no_latest_in_production(
    run: Run, tmp_path: Path, tag: str, image: str | None, found: str | None
) -> None:
    extra = (
        f"services:\n  cache:\n    image: {image}\n    memory: 32m\n    cpus: 0.1\n"
        "    healthcheck: {test: [CMD, /healthz]}\n    restart: unless-stopped\n"
        if image
        else ""
    )
    root = _project(tmp_path, "production", extra, tag)
    code, output = _validate(run, root)
    if found is None:
        assert (code, "KUB004" in output) == (0, False), output
    else:
        assert code == 2
        assert f"KUB004 error: {found}: " in output


def test_kub005_near_miss_the_own_namespace(run: Run, tmp_path: Path) -> None:
    extra = "services:\n  web:\n    environment:\n      SELF: web.mini-local.svc.cluster.local\n"
    assert _validate(run, _project(tmp_path, extra=extra)) == (
        0,
        "1 environment(s) valid: local\n",
    )


def test_kub006_one_namespace_for_two_environments(run: Run, tmp_path: Path) -> None:
    root = _project(tmp_path, extra="kubernetes: {namespace: shared}\n")
    write_tree(
        root,
        {"environments/test.yaml": "tier: test\nimage_tag: dev\nkubernetes: {namespace: shared}\n"},
    )
    ours = spec_position(root, "test.yaml", "kubernetes: {namespace: shared}", "shared")
    theirs = spec_position(root, "local.yaml", "kubernetes: {namespace: shared}", "shared")
    assert _validate(run, root) == (
        2,
        f"test:\n{ours}: KUB006 error: kubernetes.namespace: namespace `shared` is also "
        f"local's ({theirs}) (give each environment a `kubernetes.namespace` of its own)\n"
        "1 error\n",
    )


def test_compose_only_rules_say_nothing_of_a_kubernetes_environment(
    run: Run, tmp_path: Path
) -> None:
    """A deployed environment on Kubernetes reads its secrets from the namespace's Secret
    (no SEC003) and is reached through its Ingress (no PRX001, PRX002)."""
    extra = (
        "domain: mini.example\naccess: basic_auth\n"
        "networks: {edge: {}}\nproxy: {network: edge, service: web, port: 8000}\n"
    )
    root = _project(tmp_path, "staging", extra, "staging")
    assert _validate(run, root) == (0, "1 environment(s) valid: staging\n")
    compose = _project(tmp_path / "c", "staging", "target: compose\n" + extra, "staging")
    output = _validate(run, compose)[1]
    assert ("SEC003" in output, "PRX001" in output, "PRX002" in output) == (True, True, True)
