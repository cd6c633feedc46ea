"""Rules where the target `kubernetes` adds risk: a node's files, privileged pods, pods
without limits, moving tags, and one environment naming another's namespace."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING

from envgen.compose.command_line import command_texts
from envgen.model.own_images import image_builders
from envgen.model.tiers import Tier
from envgen.policies.rule import (
    KUBERNETES_ONLY,
    Finding,
    Rule,
    Scope,
    everywhere,
    per_environment,
)
from envgen.project.kubernetes_plan import variables

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service
    from envgen.reading.source import Path


def host_paths(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        for index, mount in enumerate(service.volumes):
            source = mount.bind_source
            if source is not None and source.startswith(("/", "~")):
                yield (
                    ("services", name, "volumes", index),
                    f"bind mount of the node's `{source}`: a hostPath volume hands the pod "
                    "the node's files, and every namespace's on it",
                )


def privileged(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        if service.passthrough.get("privileged") is True:
            yield (
                ("services", name, "privileged"),
                "a privileged container is root on the node, beside every namespace",
            )


def _limits(service: Service) -> dict[str, object]:
    deploy = service.passthrough.get("deploy") or {}
    written = dict((deploy.get("resources") or {}).get("limits") or {})
    if service.memory is not None:
        written["memory"] = service.memory
    if service.cpus is not None:
        written["cpus"] = service.cpus
    return written


def limits(env: Environment) -> Iterator[tuple[Path, str]]:
    for name, service in env.services.items():
        missing = [key for key in ("memory", "cpus") if key not in _limits(service)]
        if missing:
            yield (
                ("services", name),
                f"`{name}` has no {' and no '.join(missing)} limit: one pod could starve "
                "every other on its node",
            )


def _tag(image: str) -> str | None:
    """An image reference's tag; None when it has none (Docker then pulls `latest`)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def moving_tags(env: Environment) -> Iterator[tuple[Path, str]]:
    if env.image_tag == "latest" and any(s.is_app for s in env.services.values()):
        yield (
            ("image_tag",),
            "`latest` moves: the cluster runs whatever was pushed last, and a rollback "
            "cannot name what ran before",
        )
    builders = image_builders(env)  # an image built in the environment takes its tag
    for name, service in env.services.items():
        if name in builders or service.image is None or "@" in service.image:
            continue
        if _tag(service.image) in (None, "latest"):
            yield (
                ("services", name, "image"),
                f"image `{service.image}` is `latest`: name a version",
            )


def _texts(env: Environment) -> Iterator[tuple[str, Path]]:
    for name, service in env.services.items():
        for key, value in variables(env, service).items():
            yield value, ("services", name, "facts" if key in service.facts else "environment", key)
        for field in ("command", "entrypoint"):
            for steps, text in command_texts(getattr(service, field)):
                yield text, ("services", name, field, *steps)


def foreign_namespaces(scope: Scope) -> Iterator[Finding]:
    """A host name in another environment's namespace (`db.shop-production`,
    with or without `.svc.cluster.local`). On every host, like KUB006: the name asks
    for another environment whatever cluster answers it."""
    theirs = [
        (other, re.compile(rf"(?<![\w-])[a-z0-9-]+\.{re.escape(other.namespace)}(?![\w-])"))
        for other in scope.environments
        if "kubernetes" in other.targets
    ]
    for env in scope.environments:
        for text, path in _texts(env):
            for other, pattern in theirs:
                if other is not env and other.namespace != env.namespace:
                    found = pattern.search(text)
                    if found is not None:
                        yield Finding(
                            env.name,
                            path,
                            f"`{found.group()}` is in {other.name}'s namespace "
                            f"`{other.namespace}` ({scope.where(other, ('target',))})",
                        )


def namespaces(scope: Scope) -> Iterator[Finding]:
    def held(env: Environment) -> Iterator[tuple[Hashable, Path]]:
        if "kubernetes" in env.targets:
            yield env.namespace, ("kubernetes", "namespace")

    # Compared on every host, unlike the Docker engine's names of SEG001-SEG004: a
    # Kubernetes environment's `host.name` does not say which cluster it deploys to (two
    # kubectl contexts may be one cluster), and the namespace is what every generated
    # command addresses.
    for blamed, paths, other, other_paths in scope.clashes(held):
        for path in paths:
            where = scope.where(other, other_paths[0])
            yield Finding(
                blamed.name,
                path,
                f"namespace `{blamed.namespace}` is also {other.name}'s ({where})",
            )


RULES = [
    Rule(
        "KUB001",
        "no hostPath volume",
        "A bind mount of a node's path becomes a hostPath volume: the pod reads and writes "
        "the node's files, where every namespace's pods run.",
        everywhere("error"),
        per_environment(host_paths),
        targets=KUBERNETES_ONLY,
        hint="mount a named volume or a project file instead of a node's path",
    ),
    Rule(
        "KUB002",
        "no privileged container",
        "A privileged container is root on its node; NetworkPolicies and namespaces stop "
        "nothing it does.",
        everywhere("error"),
        per_environment(privileged),
        targets=KUBERNETES_ONLY,
        hint="drop `privileged`; add only the capability the service needs",
    ),
    Rule(
        "KUB003",
        "every container has memory and CPU limits",
        "A pod without limits takes what its node has from every other namespace's pods; "
        "the namespace's quota also refuses a pod without a memory limit.",
        {
            Tier.LOCAL: "warning",
            Tier.TEST: "warning",
            Tier.STAGING: "error",
            Tier.PRODUCTION: "error",
        },
        per_environment(limits),
        targets=KUBERNETES_ONLY,
        hint="give the service `memory` and `cpus`",
    ),
    Rule(
        "KUB004",
        "no `latest` image in production",
        "A cluster pulls `latest` again when it reschedules a pod: production would run "
        "whatever was pushed last, and a rollback cannot name what ran before.",
        {Tier.PRODUCTION: "error"},
        per_environment(moving_tags),
        targets=KUBERNETES_ONLY,
        hint="deploy a tag that names one release",
    ),
    Rule(
        "KUB005",
        "no host name in another environment's namespace",
        "A service that names another namespace's service (`db.shop-production`) "
        "reaches across environments; the NetworkPolicies deny it, and the spec must not ask.",
        everywhere("error"),
        foreign_namespaces,
        hint="name the service of this environment's own namespace",
    ),
    Rule(
        "KUB006",
        "distinct namespaces",
        "Two environments in one namespace share its Secret, its quota and its "
        "NetworkPolicies: nothing the cluster enforces keeps them apart.",
        everywhere("error"),
        namespaces,
        targets=KUBERNETES_ONLY,
        hint="give each environment a `kubernetes.namespace` of its own",
    ),
]
