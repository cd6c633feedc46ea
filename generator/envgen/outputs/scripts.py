"""Rollback scripts: `rollback.sh ENV [TAG]` redeploys an environment at an earlier image
tag and waits until it is healthy; `rollback-migration.sh ENV` undoes one migration in
the migration service. Both refuse an unknown environment, refuse production without
`--confirm-production`, and print the command before they run it.

Every spec string in them is one shell word (shell_text.py); each script is read back,
environment by environment, before it is kept.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from envgen.model.environment import Environment
from envgen.model.tiers import Tier
from envgen.outputs.languages.shell_text import read_words, shell_word
from envgen.outputs.makefile import compose_options
from envgen.outputs.output import Output
from envgen.project.load import Project
from envgen.settings import Settings

CONFIRMATION = "--confirm-production"
_ARRAY = re.compile(r"^\s+(?P<name>compose|images|command)=\((?P<words>.*)\)$")


@dataclass(frozen=True)
class Target:
    """One environment a script accepts: its names and what runs for it."""

    names: tuple[str, ...]  # name, and the file suffix when it differs
    production: bool
    compose: tuple[str, ...]  # `docker compose` with the environment's global options
    images: tuple[str, ...] = ()  # the application images, for listing their tags
    command: tuple[str, ...] = ()  # what runs in the migration service


def _target(settings: Settings, env: Environment, **parts: Any) -> Target:
    return Target(
        names=tuple(dict.fromkeys((env.name, env.file_suffix))),
        production=env.tier is Tier.PRODUCTION,
        compose=("docker", "compose", *compose_options(settings, env)),
        **parts,
    )


def _root_from(settings: Settings) -> str:
    """The project root, seen from the scripts' folder: the scripts `cd` there first."""
    return posixpath.relpath(".", str(settings.scripts))


def _sources(project: Project, envs: list[Environment]) -> list[str]:
    return list(dict.fromkeys(p for env in envs for p in project.sources[env.name]))


def _tagged_images(env: Environment) -> tuple[str, ...]:
    """The images that follow IMAGE_TAG in `env`: its own app images, pulled."""
    if env.builds_from_source:
        return ()
    return tuple(dict.fromkeys(s.image for s in env.services.values() if s.is_app and s.image))


def rollback_context(project: Project) -> dict[str, Any] | None:
    """What templates/rollback.sh.j2 needs: every environment that runs pulled images of
    its own. One whose every image is pinned (no service builds its own) has no tag to go
    back to: IMAGE_TAG would change nothing there."""
    # A preview is redeployed from its branch, not rolled back; its template never runs.
    envs = [env for env in project.environments if env.preview is None and _tagged_images(env)]
    if not envs:
        return None
    targets = [_target(project.settings, env, images=_tagged_images(env)) for env in envs]
    return {
        "sources": _sources(project, envs),
        "root": _root_from(project.settings),
        "confirmation": CONFIRMATION,
        "targets": targets,
    }


def migration_context(project: Project) -> dict[str, Any] | None:
    """What templates/rollback-migration.sh.j2 needs: every environment with a service
    that says how to undo a migration (`migration_down`)."""
    envs, targets = [], []
    for env in project.environments:
        if env.preview is not None:
            continue  # a template never runs; its previews start from an empty database
        migrating = [(n, s.migration_down) for n, s in env.services.items() if s.migration_down]
        if len(migrating) > 1:
            first, second = migrating[0][0], migrating[1][0]
            raise project.spec_error(
                env.name,
                ("services", second, "migration_down"),
                f"`{first}` sets `migration_down` too; rollback-migration.sh undoes the "
                "migrations of one service",
                "keep it on the service that migrates the database",
            )
        for name, down in migrating:
            envs.append(env)
            command = ("run", "--rm", name, *down)
            targets.append(_target(project.settings, env, command=command))
    if not envs:
        return None
    return {
        "sources": _sources(project, envs),
        "root": _root_from(project.settings),
        "confirmation": CONFIRMATION,
        "targets": targets,
    }


def verify_script(
    text: str, context: dict[str, Any], written: tuple[str, ...] = ("compose", "images")
) -> str | None:
    """Each environment's arrays read back as exactly the words they must hold: every
    array of `written` once per environment, an empty one included, and no other."""
    arrays: dict[str, list[list[str]]] = {}
    for line in text.split("\n"):
        match = _ARRAY.match(line)
        if match is not None:
            arrays.setdefault(match["name"], []).append(read_words(match["words"]))
    targets: list[Target] = context["targets"]
    for name in ("compose", "images", "command"):
        expected = [list(getattr(t, name)) for t in targets] if name in written else []
        if arrays.get(name, []) != expected:
            return f"`{name}` arrays read back as {arrays.get(name, [])!r}, expected {expected!r}"
    return None


def _script(name: str, template: str, context: Any, written: tuple[str, ...]) -> Output:
    return Output(
        name,
        template,
        comment="sh",
        folder=lambda settings: settings.scripts,
        filename=lambda _settings, _env: template.removesuffix(".j2"),
        project_context=context,
        verify=lambda text, found: verify_script(text, found, written),
        filters={"sh": shell_word},
    )


ROLLBACK = _script("rollback-script", "rollback.sh.j2", rollback_context, ("compose", "images"))
ROLLBACK_MIGRATION = _script(
    "rollback-migration-script",
    "rollback-migration.sh.j2",
    migration_context,
    ("compose", "command"),
)
