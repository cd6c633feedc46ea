"""Make targets: one Compose command per target, with the environment's compose file,
project name and variables file, as a fragment the project's Makefile includes.

Targets are named by each environment's file suffix (`dev`, `test`, `staging`,
`prod`): a local-tier environment gets `S`, `S-build`, `S-down` and `S-reset`; a
test-tier one `S-up` and `S-down`; a deployed one `deploy-S` and `logs-S`; and the
project `envgen-check`; an environment with a seed job (`seed: true`) also gets
`seed-S`. A target that destroys data, overwrites it or touches production asks first,
unless `FORCE=1`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from envgen.errors import ProjectError
from envgen.model.environment import Environment
from envgen.model.tiers import Tier
from envgen.outputs.compose import COMPOSE
from envgen.outputs.languages.make_text import make_comment, make_target, make_word, read_recipe
from envgen.outputs.output import Output
from envgen.project.load import Project
from envgen.settings import Settings

# The make variables a recipe starts with; a project overrides them on the command line
# (`make dev COMPOSE=docker-compose`).
PROGRAMS = {"COMPOSE": "docker compose", "ENVGEN": "envgen"}
# The line that asks before a target destroys data or deploys to production.
ASK = re.compile(r'^@if \[ "\$\(FORCE\)" != 1 \]; then ')


@dataclass(frozen=True)
class Target:
    """One make target: `$(PROGRAM) ARGS...`, maybe after a question."""

    name: str
    help: str
    program: str
    args: tuple[str, ...]
    confirm: str | None = None


def compose_options(settings: Settings, env: Environment) -> list[str]:
    """The global Compose options that pick one environment: variables, file, project."""
    variables = ["--env-file", env.variables_file] if env.variables_file else []
    file = str(COMPOSE.destination(settings, env))
    return [*variables, "-f", file, "-p", env.project_name]


def _seed_targets(settings: Settings, env: Environment) -> list[Target]:
    """`seed-S` runs the environment's seed job (`seed: true` or `job: seed`) once, or
    `seed-S-JOB` each of several; it writes over what the environment holds, so it asks
    first."""
    jobs = [name for name, service in env.services.items() if service.job_kind == "seed"]
    return [
        Target(
            f"seed-{env.file_suffix}" if len(jobs) == 1 else f"seed-{env.file_suffix}-{job}",
            f"load the data of {job} into {env.name}, over what it holds",
            "COMPOSE",
            (*compose_options(settings, env), "run", "--rm", job),
            f"Load the data of {job} into {env.project_name}?",
        )
        for job in jobs
    ]


def targets_of(settings: Settings, env: Environment) -> list[Target]:
    """The targets of one environment: its tier's, then one per seed job."""
    return _tier_targets(settings, env) + _seed_targets(settings, env)


def _tier_targets(settings: Settings, env: Environment) -> list[Target]:
    options = compose_options(settings, env)
    name = env.file_suffix

    def compose(target: str, help_text: str, *command: str, confirm: str | None = None) -> Target:
        return Target(target, help_text, "COMPOSE", (*options, *command), confirm)

    if env.tier is Tier.LOCAL:
        return [
            compose(name, f"start {env.name}", "up", "-d"),
            compose(
                f"{name}-build",
                f"rebuild the images of {env.name}, then start it",
                "up",
                "-d",
                "--build",
            ),
            compose(f"{name}-down", f"stop {env.name}, keeping its volumes", "down"),
            compose(
                f"{name}-reset",
                f"stop {env.name} and delete its volumes (its data)",
                "down",
                "--volumes",
                confirm=f"Delete the volumes of {env.project_name}, with all their data?",
            ),
        ]
    if env.tier is Tier.TEST:
        return [
            compose(
                f"{name}-up", f"start {env.name} and wait until it is healthy", "up", "-d", "--wait"
            ),
            compose(
                f"{name}-down", f"stop {env.name} and throw its data away", "down", "--volumes"
            ),
        ]
    production = env.tier is Tier.PRODUCTION
    return [
        compose(
            f"deploy-{name}",
            f"pull and start {env.name}, then wait until it is healthy{_made_before(env)}",
            "up",
            "-d",
            "--pull",
            "always",
            "--wait",
            confirm=f"Deploy {env.project_name} on this machine?" if production else None,
        ),
        compose(
            f"logs-{name}", f"follow the logs of {env.name}", "logs", "--follow", "--tail", "100"
        ),
    ]


def _made_before(env: Environment) -> str:
    """What a deploy needs on the host that no `up` makes: the external networks its
    services join (Compose refuses to start without them, and never creates them)."""
    joined = {key for service in env.services.values() for key in service.networks}
    external = sorted(
        env.network_name(key)
        for key, network in env.networks.items()
        if network.external and key in joined
    )
    if not external:
        return ""
    return "; Compose creates no external network: make each once on the host first, " + "; ".join(
        f"docker network create {network}" for network in external
    )


def make_targets(project: Project) -> list[Target]:
    """Every target, in project order, then `envgen-check`; names are unique."""
    # A preview template is never started itself: `envgen preview render` makes its previews.
    targets = [
        t
        for env in project.environments
        if env.preview is None
        for t in targets_of(project.settings, env)
    ]
    targets.append(
        Target("envgen-check", "fail when a generated file is out of date", "ENVGEN", ("check",))
    )
    names = [t.name for t in targets]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise ProjectError(f"{project.settings.makefile}: two targets named {', '.join(clashes)}")
    return targets


def makefile_context(project: Project) -> dict[str, Any]:
    """What templates/envgen.mk.j2 needs."""
    sources = dict.fromkeys(p for env in project.environments for p in project.sources[env.name])
    return {
        "sources": list(sources),
        "path": str(project.settings.makefile),
        "programs": PROGRAMS,
        "targets": make_targets(project),
    }


def _recipes(text: str) -> dict[str, list[str]]:
    recipes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.split("\n"):
        rule = re.fullmatch(r"([a-z0-9-]+):", line)
        if rule is not None:
            current = recipes.setdefault(rule[1], [])
        elif line.startswith("\t") and current is not None:
            current.append(line[1:])
        elif not line.startswith("#"):
            current = None
    return recipes


def verify_makefile(text: str, context: dict[str, Any]) -> str | None:
    """Each target reads back as the one command it must run, after its question."""
    recipes = _recipes(text)
    targets: list[Target] = context["targets"]
    if list(recipes) != [t.name for t in targets]:
        return f"targets {list(recipes)}, expected {[t.name for t in targets]}"
    for target in targets:
        lines = recipes[target.name]
        expected_lines = 2 if target.confirm else 1
        if len(lines) != expected_lines or (target.confirm and not ASK.match(lines[0])):
            return f"{target.name}: unexpected recipe {lines!r}"
        argv = read_recipe(lines[-1])
        if argv != [f"$({target.program})", *target.args]:
            return f"{target.name}: runs {argv!r}"
    return None


MAKEFILE = Output(
    "makefile",
    "envgen.mk.j2",
    comment="#",
    folder=lambda settings: settings.makefile.parent,
    filename=lambda settings, _: settings.makefile.name,
    project_context=makefile_context,
    verify=verify_makefile,
    filters={"make_word": make_word, "make_target": make_target, "make_comment": make_comment},
)
