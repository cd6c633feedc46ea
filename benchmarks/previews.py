"""Validates many previews of a project's template at once: each made from the template,
then every policy run over them and the project's other environments together.

    python benchmarks/previews.py ROOT COUNT
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from envgen.policies.check import check_policies
from envgen.previews.render import instance, template_of
from envgen.project.load import BASE, load_project
from envgen.settings import load_settings


def validate_previews(root: Path, count: int) -> int:
    """The number of errors among `count` previews and the other environments, one for
    each environment a problem names (a problem of the template names every preview)."""
    project = load_project(load_settings(root))
    template = template_of(project)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    previews = [
        instance(project, template, f"pr-{n}", now).environments[0] for n in range(1, count + 1)
    ]
    documents = dict(project.documents)
    documents.update(dict.fromkeys((env.name for env in previews), documents[template.name]))
    others = [env for env in project.environments if env.preview is None]
    envs = sorted([*others, *previews], key=lambda env: env.tier.rank)
    base = str(project.settings.environments / BASE)
    found = check_policies(envs, documents, base)
    return sum(len(p.environment.split(", ")) for p in found if p.severity == "error")


if __name__ == "__main__":
    print(f"{validate_previews(Path(sys.argv[1]), int(sys.argv[2]))} errors")
