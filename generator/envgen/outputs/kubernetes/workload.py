"""One service as Kubernetes objects: its ConfigMaps, its Service, and its Deployment,
StatefulSet or Job (docs/reference/kubernetes.md, the mapping table)."""

from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from envgen.compose.sizes import parse_memory
from envgen.outputs.kubernetes.quantities import cpu, memory, seconds
from envgen.project.kubernetes_plan import Plan, Probe, probe_of, variables
from envgen.project.kubernetes_values import (
    command_words,
    secret_names,
    translate,
    whole_secret,
)

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Healthcheck, Service
    from envgen.settings import Settings

# The labels that pick out a service's pods, and name the application and environment.
NAME = "app.kubernetes.io/name"
PART_OF = "app.kubernetes.io/part-of"
ENVIRONMENT = "envgen.io/environment"
# Compose's pull_policy as Kubernetes' (`build` is refused: a cluster builds nothing).
PULL_POLICIES = {
    "always": "Always",
    "missing": "IfNotPresent",
    "if_not_present": "IfNotPresent",
    "never": "Never",
}
# An init container is envgen's own: small fixed limits, counted by the quota.
_WAIT_LIMITS = {"cpu": "50m", "memory": "16Mi"}


def labels(env: Environment, name: str) -> dict[str, str]:
    return {NAME: name, PART_OF: env.app, ENVIRONMENT: env.name}


def metadata(env: Environment, name: str, service: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": env.namespace}
    meta["labels"] = labels(env, service or name)
    return meta


def secret_name(env: Environment) -> str:
    return env.kubernetes.variables_from or f"{env.app}-secrets"


def _image(env: Environment, service: Service) -> str:
    assert service.image is not None
    if service.is_app:
        assert env.image_tag is not None  # refused otherwise (kubernetes_refusals)
        return f"{service.image}:{env.image_tag}"
    return translate(service.image, frozenset()).literal


def _environment(env: Environment, name: str, service: Service) -> tuple[list[Any], dict[str, str]]:
    """The container's `env` (secrets and values built from them) and its ConfigMap's data
    (every other variable)."""
    secrets = secret_names(env)
    sources: dict[str, dict[str, Any]] = {}
    built: list[dict[str, Any]] = []
    data: dict[str, str] = {}
    for key, value in variables(env, service).items():
        whole = whole_secret(value, secrets)
        if whole is not None:
            sources[key] = _secret_ref(env, whole)
            continue
        written = translate(value, secrets)
        if written.plain:
            data[key] = written.literal
            continue
        for needed in written.secrets:
            sources.setdefault(needed, _secret_ref(env, needed))
        built.append({"name": key, "value": written.text})
    found = [{"name": key, "valueFrom": sources[key]} for key in sorted(sources)]
    return found + built, data


def _secret_ref(env: Environment, variable: str) -> dict[str, Any]:
    return {"secretKeyRef": {"name": secret_name(env), "key": variable}}


def _probe(check: Healthcheck, probe: Probe, liveness: bool) -> dict[str, Any]:
    handler: dict[str, Any]
    if probe.kind == "http":
        handler = {"httpGet": {"path": probe.path, "port": probe.port}}
    elif probe.kind == "tcp":
        handler = {"tcpSocket": {"port": probe.port}}
    else:
        handler = {"exec": {"command": list(probe.command)}}
    # Compose's defaults: every 30s, 30s to answer, unhealthy after 3 failures.
    timing = {
        "periodSeconds": seconds(check.interval, 30),
        "timeoutSeconds": seconds(check.timeout, 30),
        "failureThreshold": check.retries or 3,
    }
    if liveness and check.start_period is not None:
        timing["initialDelaySeconds"] = seconds(check.start_period, 0)
    return {**handler, **timing}


def _security(service: Service) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if service.passthrough.get("privileged") is True:
        context["privileged"] = True
    if service.read_only:
        context["readOnlyRootFilesystem"] = True
    if service.no_new_privileges:
        context["allowPrivilegeEscalation"] = False
    capabilities: dict[str, list[str]] = {}
    if service.cap_add:
        capabilities["add"] = sorted(set(service.cap_add))
    if service.cap_drop:
        capabilities["drop"] = sorted(set(service.cap_drop))
    if capabilities:
        context["capabilities"] = capabilities
    if service.user is not None:
        user, _, group = service.user.partition(":")
        context["runAsUser"] = int(user)
        if group:
            context["runAsGroup"] = int(group)
    return context


class Volumes:
    """A pod's volumes and a container's mounts, with the memory its RAM disks take."""

    def __init__(self) -> None:
        self.volumes: list[dict[str, Any]] = []
        self.mounts: list[dict[str, Any]] = []
        self.claims: list[str] = []
        self.ram = 0
        self.files: dict[str, str] = {}

    def add(self, name: str, target: str, source: dict[str, Any] | None, **mount: Any) -> None:
        if source is not None:
            self.volumes.append({"name": name, **source})
        self.mounts.append({"name": name, "mountPath": target, **mount})

    def ram_disk(self, name: str, target: str, size: int | None) -> None:
        disk: dict[str, Any] = {"medium": "Memory"}
        if size is not None:
            disk["sizeLimit"] = memory(size)
            self.ram += size
        self.add(name, target, {"emptyDir": disk})


def _file_key(source: str) -> str:
    return re.sub(r"[^-._a-zA-Z0-9]", "-", posixpath.basename(posixpath.normpath(source)))


def _volumes(
    settings: Settings, env: Environment, name: str, service: Service, kind: str
) -> Volumes:
    found = Volumes()
    for index, mount in enumerate(service.volumes):
        read_only = {"readOnly": True} if mount.read_only else {}
        volume = mount.volume_name
        if mount.kind == "tmpfs":
            found.ram_disk(f"ram-v{index}", mount.target, mount.ram_size)
        elif volume is not None and env.volumes[volume].external:
            claim = {"persistentVolumeClaim": {"claimName": env.volume_name(volume)}}
            found.add(volume, mount.target, claim, **read_only)
        elif volume is not None and kind == "StatefulSet":
            found.claims.append(volume)
            found.add(volume, mount.target, None, **read_only)
        elif mount.bind_source is not None and mount.bind_source.startswith(("/", "~")):
            host = {"hostPath": {"path": mount.bind_source}}
            found.add(f"host-{index}", mount.target, host, **read_only)
        elif mount.bind_source is not None:
            key = _file_key(mount.bind_source)
            found.files[key] = settings.path(PurePosixPath(mount.bind_source)).read_text("utf-8")
            config = {"configMap": {"name": f"{name}-files", "items": [{"key": key, "path": key}]}}
            found.add(f"file-{index}", mount.target, config, subPath=key, readOnly=True)
        else:  # an anonymous volume: the container's own scratch space
            found.add(f"scratch-{index}", mount.target, {"emptyDir": {}}, **read_only)
    for index, disk in enumerate(service.tmpfs):
        found.ram_disk(f"ram-{index}", disk.target, disk.bytes)
    shm = service.passthrough.get("shm_size")
    if shm is not None:
        found.ram_disk("shm", "/dev/shm", parse_memory(shm))
    return found


def _resources(service: Service, ram: int) -> dict[str, Any]:
    """Limits, and requests equal to them; a RAM disk counts against a container's memory
    on Kubernetes, so its size is added to the limit Compose gave the process."""
    limits: dict[str, str] = {}
    deploy = (service.passthrough.get("deploy") or {}).get("resources", {}).get("limits", {})
    cpus = service.cpus if service.cpus is not None else deploy.get("cpus")
    size = service.memory if service.memory is not None else deploy.get("memory")
    if cpus is not None:
        limits["cpu"] = cpu(float(cpus))
    if size is not None:
        limits["memory"] = memory(parse_memory(size) + ram)
    return {"limits": limits, "requests": dict(limits)} if limits else {}


def container(
    settings: Settings, env: Environment, name: str, service: Service, layout: Plan
) -> tuple[dict[str, Any], Volumes, dict[str, str]]:
    """The service's container, its volumes, and its ConfigMap's data."""
    secrets = secret_names(env)
    found: dict[str, Any] = {"name": name, "image": _image(env, service)}
    pull = service.passthrough.get("pull_policy")
    if pull is not None:
        found["imagePullPolicy"] = PULL_POLICIES[pull]
    if service.entrypoint is not None:
        found["command"] = [w.text for w in command_words(service.entrypoint, secrets)]
    if service.command is not None:
        found["args"] = [w.text for w in command_words(service.command, secrets)]
    if service.working_dir is not None:
        found["workingDir"] = service.working_dir
    # Secrets a command names as $(VAR) must be container variables too.
    needed = [
        word
        for field in (service.entrypoint, service.command)
        if field is not None
        for w in command_words(field, secrets)
        for word in w.secrets
    ]
    variables_, data = _environment(env, name, service)
    defined = {entry["name"] for entry in variables_}
    extra = [
        {"name": word, "valueFrom": _secret_ref(env, word)}
        for word in sorted(set(needed))
        if word not in defined
    ]
    if data:
        found["envFrom"] = [{"configMapRef": {"name": f"{name}-env"}}]
    if extra + variables_:
        found["env"] = extra + variables_
    if layout.ports[name]:
        found["ports"] = [{"containerPort": port} for port in layout.ports[name]]
    volumes = _volumes(settings, env, name, service, layout.kinds[name])
    resources = _resources(service, volumes.ram)
    if resources:
        found["resources"] = resources
    security = _security(service)
    if security:
        found["securityContext"] = security
    probe = probe_of(service.healthcheck)
    if probe is not None and service.healthcheck is not None:
        found["readinessProbe"] = _probe(service.healthcheck, probe, liveness=False)
        found["livenessProbe"] = _probe(service.healthcheck, probe, liveness=True)
    if volumes.mounts:
        found["volumeMounts"] = volumes.mounts
    return found, volumes, data


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
