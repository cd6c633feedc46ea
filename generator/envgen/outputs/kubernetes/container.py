"""A service's container: image, command, variables, limits, security context, probes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from envgen.compose.sizes import parse_memory
from envgen.model.own_images import builder_of
from envgen.outputs.kubernetes.names import secret_name
from envgen.outputs.kubernetes.quantities import cpu, memory, seconds
from envgen.outputs.kubernetes.volumes import Volumes, pod_volumes
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

# Compose's pull_policy as Kubernetes' (`build` is refused: a cluster builds nothing).
PULL_POLICIES = {
    "always": "Always",
    "missing": "IfNotPresent",
    "if_not_present": "IfNotPresent",
    "never": "Never",
}


def _image(env: Environment, service: Service) -> str:
    assert service.image is not None
    builder = builder_of(env, service)  # itself, or the service that builds its image
    if builder is not None:
        assert env.image_tag is not None  # refused otherwise (kubernetes_refusals)
        assert builder.image is not None  # a builder without one is only its own
        return f"{builder.image}:{env.image_tag}"
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
    volumes = pod_volumes(settings, env, name, service, layout.kinds[name])
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
