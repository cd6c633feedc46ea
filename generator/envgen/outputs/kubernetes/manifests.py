"""An environment's manifests as files: `rendered/kubernetes/<environment>/`, one file per
service and per concern, and a `kustomization.yaml` listing them (`kubectl apply -k`).
Each file is written by envgen's YAML writer and read back before it is kept."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from envgen.errors import ProjectError
from envgen.outputs.kubernetes.cluster import budget, ingress, namespace, network_policies
from envgen.outputs.kubernetes.workload import objects
from envgen.outputs.languages.yaml_text import yaml_block
from envgen.outputs.output import Output, header
from envgen.project.kubernetes_plan import plan

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.project.load import Project
    from envgen.settings import Settings

KUSTOMIZATION = "kustomization.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def manifests(project: Project, env: Environment) -> dict[str, list[dict[str, Any]]]:
    """Every object of `env`, by the file that holds it, in apply order."""
    layout = plan(env)
    files: dict[str, list[dict[str, Any]]] = {"namespace.yaml": [namespace(env), *budget(env)]}
    files["network-policies.yaml"] = network_policies(env, layout)
    routes = ingress(env)
    if routes:
        files["ingress.yaml"] = routes
    for name in env.services:
        files[f"{name}.yaml"] = objects(project.settings, env, name, layout)
    return files


def _kustomization(env: Environment, files: list[str]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": files,
    }
    # Each image of the application, so that `kustomize edit set image` picks the tag.
    images = sorted({s.image for s in env.services.values() if s.is_app and s.image})
    if images:
        document["images"] = [{"name": image, "newTag": env.image_tag} for image in images]
    return document


def _text(documents: list[dict[str, Any]], sources: str, command: str, name: str) -> str:
    body = "---\n".join(yaml_block(document) for document in documents)
    text = header("#", sources, command) + body
    if list(yaml.load_all(text, Loader=_LOADER)) != documents:
        raise ProjectError(f"{name} does not read back as the manifests envgen built")
    return text


def folder(settings: Settings) -> PurePosixPath:
    return settings.rendered / "kubernetes"


def kubernetes_files(project: Project, env: Environment) -> dict[PurePosixPath, str]:
    """The files of one environment with the target kubernetes; none for another."""
    if "kubernetes" not in env.targets:
        return {}
    sources = " + ".join(project.sources[env.name])
    command = f"envgen render {env.name}"
    where = folder(project.settings) / env.name
    found = manifests(project, env)
    texts = {where / name: _text(docs, sources, command, name) for name, docs in found.items()}
    kustomization = _kustomization(env, list(found))
    texts[where / KUSTOMIZATION] = _text([kustomization], sources, command, KUSTOMIZATION)
    return texts


KUBERNETES = Output(
    "kubernetes",
    "",
    comment="#",
    folder=folder,
    filename=lambda _, env: f"{env.name if env else ''}/{KUSTOMIZATION}",
    environment_files=kubernetes_files,
)
