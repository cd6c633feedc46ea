"""One service as Kubernetes objects: its ConfigMaps, its Service, and its Deployment,
StatefulSet or Job (docs/reference/kubernetes.md, the mapping table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from envgen.outputs.kubernetes.container import container
from envgen.outputs.kubernetes.names import NAME, labels, metadata
from envgen.outputs.kubernetes.quantities import seconds
from envgen.outputs.kubernetes.volumes import Volumes
from envgen.project.kubernetes_plan import Plan

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service
    from envgen.settings import Settings

# An init container is envgen's own: small fixed limits, counted by the quota.
_WAIT_LIMITS = {"cpu": "50m", "memory": "16Mi"}


def _wait(env: Environment, server: str, layout: Plan) -> dict[str, Any]:
    """An init container that waits until the dependency's Service answers: it routes to
    ready pods only, so this waits for its readiness probe (Compose's service_healthy)."""
    checks = " && ".join(f"nc -z -w 2 {server} {port}" for port in layout.ports[server])
    return {
        "name": f"wait-for-{server}",
        "image": env.kubernetes.wait_image,
        "command": ["sh", "-c", f"until {checks}; do sleep 2; done"],
        "resources": {"limits": dict(_WAIT_LIMITS), "requests": dict(_WAIT_LIMITS)},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 65534,
        },
    }


def _pod(
    env: Environment, name: str, layout: Plan, main: dict[str, Any], v: Volumes
) -> dict[str, Any]:
    service = env.services[name]
    annotations: dict[str, str] = {}
    if service.description:
        annotations["envgen.io/description"] = service.description
    annotations.update({f"envgen.io/label.{k}": service.labels[k] for k in sorted(service.labels)})
    jobs = [d for d in service.depends_on if layout.kinds.get(d) == "Job"]
    if jobs:
        # A pod cannot wait for a Job to complete without the API: the order is the deploy's.
        annotations["envgen.io/after-jobs"] = ",".join(jobs)
    # Docker runs every container under its default seccomp profile; a pod runs under
    # none unless it asks for its runtime's default, which is Docker's.
    spec: dict[str, Any] = {
        "automountServiceAccountToken": False,
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
    }
    waits = [
        _wait(env, dependency, layout)
        for dependency in service.depends_on
        if layout.kinds.get(dependency) != "Job" and layout.ports.get(dependency)
    ]
    if waits:
        spec["initContainers"] = waits
    spec["containers"] = [main]
    if v.volumes:
        spec["volumes"] = v.volumes
    if service.stop_grace_period is not None:
        spec["terminationGracePeriodSeconds"] = seconds(service.stop_grace_period, 10)
    meta: dict[str, Any] = {"labels": labels(env, name)}
    if annotations:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": spec}


def _job_policy(service: Service) -> tuple[str, int]:
    restart = service.restart or "no"
    if restart.startswith("on-failure"):
        _, _, tries = restart.partition(":")
        return "OnFailure", int(tries) if tries else 6
    return "Never", 0


def objects(settings: Settings, env: Environment, name: str, layout: Plan) -> list[dict[str, Any]]:
    """Every object of one service, in apply order."""
    service = env.services[name]
    main, volumes, data = container(settings, env, name, service, layout)
    found: list[dict[str, Any]] = []
    if data:
        found.append(_config_map(env, f"{name}-env", name, data))
    if volumes.files:
        found.append(_config_map(env, f"{name}-files", name, volumes.files))
    if name in layout.reached():
        found.append(service_object(env, name, layout))
    pod = _pod(env, name, layout, main, volumes)
    kind = layout.kinds[name]
    spec: dict[str, Any]
    if kind == "Job":
        policy, tries = _job_policy(service)
        pod["spec"]["restartPolicy"] = policy
        spec = {"backoffLimit": tries, "template": pod}
        if service.profiles:
            spec = {"suspend": True, **spec}  # on demand: unsuspend it to run it
        found.append(
            {"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata(env, name), "spec": spec}
        )
        return found
    replicas = (service.passthrough.get("deploy") or {}).get("replicas", 1)
    spec = {
        "replicas": 0 if service.profiles else replicas,
        "selector": {"matchLabels": {NAME: name}},
    }
    if kind == "StatefulSet":
        spec["serviceName"] = name
    spec["template"] = pod
    if kind == "StatefulSet" and volumes.claims:
        spec["volumeClaimTemplates"] = [_claim(env, volume) for volume in volumes.claims]
    found.append(
        {"apiVersion": "apps/v1", "kind": kind, "metadata": metadata(env, name), "spec": spec}
    )
    return found


def _claim(env: Environment, volume: str) -> dict[str, Any]:
    size = env.kubernetes.storage.get(volume, "1Gi")
    return {
        "metadata": {"name": volume},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}},
    }


def _config_map(env: Environment, name: str, service: str, data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(env, name, service),
        "data": data,
    }


def service_object(env: Environment, name: str, layout: Plan) -> dict[str, Any]:
    """The Service that gives a service's pods their name on the namespace's DNS."""
    ports = [
        {"name": f"tcp-{port}", "port": port, "targetPort": port, "protocol": "TCP"}
        for port in layout.ports[name]
    ]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(env, name),
        "spec": {"selector": {NAME: name}, "ports": ports},
    }
