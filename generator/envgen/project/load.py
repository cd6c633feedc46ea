"""Loads a project's specs: read, merge over base.yaml, validate, resolve names."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from envgen.compose.interpolation import referenced
from envgen.compose.paths import PathValue, entry_paths, is_local, service_paths
from envgen.compose.text import check_interpolation
from envgen.errors import SpecError, UsageError
from envgen.gitignore import GitIgnore, read_gitignore
from envgen.model.declared.intended import check_against
from envgen.model.environment import Environment
from envgen.model.merge import merge
from envgen.problems import Position, Problem, did_you_mean, grouped
from envgen.project.kubernetes_refusals import kubernetes_refusals
from envgen.project.references import check_references
from envgen.project.validate import validate
from envgen.reading.inline_silences import InlineSilence, inline_silences
from envgen.reading.source import Document, Path, field_path, load
from envgen.reading.spec_file import is_spec_name, read_spec
from envgen.redaction import public_in, scrub_problems, secrets_in
from envgen.settings import Settings

BASE = "base.yaml"


@dataclass(frozen=True)
class Project:
    """Every environment of a project, valid, in tier order."""

    settings: Settings
    environments: tuple[Environment, ...]
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict, compare=False)
    # The data of base.yaml and of each environment's document, where `secrets` are found.
    spec_data: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    # Views derived from the environments, built once per project by whoever needs them
    # first (the compose documents: the compose files, parity table and variables read them).
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The `# envgen: silence RULE reason` comments of base.yaml and the specs, in file order.
    inline_silences: tuple[InlineSilence, ...] = ()

    @cached_property
    def secrets(self) -> frozenset[str]:
        """Every secret string the specs hold, which no message may quote (redaction.scrub);
        found when a message first needs them (most runs have no message to scrub)."""
        return _secrets(self.spec_data)

    def names(self) -> list[str]:
        return [env.name for env in self.environments]

    def spec_error(self, env: str, path: Path, message: str, hint: str = "") -> SpecError:
        """A problem at the spec line of `path` in environment `env`, for a file that
        cannot be made from what the spec says there."""
        position = self.documents[env].position_of(path)
        return SpecError([Problem(position, field_path(path), message, hint, environment=env)])

    def spec_references(self, env: str, variable: str) -> Path | None:
        """The first place the merged spec of `env` refers to `variable` (`${variable}`)."""
        found: list[Path] = []

        def walk(value: Any, path: Path) -> None:
            if found:
                return
            if isinstance(value, dict):
                for key, item in value.items():
                    walk(item, (*path, key))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, (*path, index))
            elif isinstance(value, str) and variable in referenced(value):
                found.append(path)

        walk(self.documents[env].data, ())
        return found[0] if found else None

    def get(self, name: str) -> Environment:
        """An environment by its name or its file suffix (`prod`, `dev`)."""
        for env in self.environments:
            if name in (env.name, env.file_suffix):
                return env
        aliases = [
            f"{env.name} ({env.file_suffix})" if env.suffix else env.name
            for env in self.environments
        ]
        candidates = [*self.names(), *(env.file_suffix for env in self.environments)]
        hint = did_you_mean(name, candidates)
        hint = f" ({hint})" if hint else ""
        raise UsageError(f"unknown environment `{name}`{hint}; environments: {', '.join(aliases)}")

    def select(self, names: tuple[str, ...] | list[str]) -> list[Environment]:
        """The named environments in project order; all of them when none are named."""
        if not names:
            return list(self.environments)
        chosen = {self.get(name).name for name in names}
        return [env for env in self.environments if env.name in chosen]


def _read(
    settings: Settings, relative: PurePosixPath, inline: list[InlineSilence]
) -> tuple[Document, list[Problem]]:
    """A spec's document; its inline silences are added to `inline`."""
    text, problems = read_spec(settings.root, relative)
    if text is None:
        return Document(None), problems
    document, problems = load(text, str(relative))
    silences, malformed = inline_silences(text, str(relative))
    inline += silences
    return document, problems + malformed


def _spec_paths(settings: Settings) -> list[PurePosixPath]:
    """Every environment spec: whatever stands beside base.yaml under a spec's name, so
    that a folder or a broken link in a spec's place is reported, not skipped."""
    folder = settings.environments
    if not settings.path(folder).is_dir():
        hint = "create it with base.yaml and one spec per environment"
        raise SpecError([Problem(Position(str(folder)), "", "no such folder", hint)])
    return sorted(
        folder / path.name
        for path in settings.path(folder).iterdir()
        if is_spec_name(path.name) and path.name != BASE
    )


def _read_base(settings: Settings, inline: list[InlineSilence]) -> tuple[Document, list[Problem]]:
    base_path = settings.environments / BASE
    path = settings.path(base_path)
    if path.exists() or path.is_symlink():
        return _read(settings, base_path, inline)
    hint = "every project needs base.yaml with the shared definitions"
    # Nothing to merge over: this problem alone is reported.
    return Document(None), [Problem(Position(str(base_path)), "", "missing", hint)]


def _load_environment(
    settings: Settings,
    base: Document,
    path: PurePosixPath,
    gitignore: GitIgnore | None,
    inline: list[InlineSilence],
) -> tuple[Environment | None, Document, list[Problem]]:
    """One spec read, merged over base.yaml, validated and its references checked."""
    overlay, problems = _read(settings, path, inline)
    if problems or not isinstance(base.data, dict) or not isinstance(overlay.data, dict):
        return None, overlay, problems
    merged, problems = merge(base, overlay)
    problems += check_interpolation(merged)
    env, found = validate(merged, path.stem)
    problems += found
    if env is not None:
        problems += [
            Problem(merged.position_of(where), field_path(where), message, hint)
            for where, message, hint in check_references(env)
        ]
        problems += [
            Problem(merged.position_of(where), field_path(where), message, hint)
            for where, message, hint in _missing_files(settings, env, gitignore)
        ]
    if env is not None and not problems:  # a layout is read from a valid spec only
        problems += [
            Problem(merged.position_of(where), field_path(where), message, hint)
            for where, message, hint in kubernetes_refusals(settings, env)
        ]
    return env, merged, problems


_CREATE_IT = "create it, or fix the path"


def _missing_files(
    settings: Settings, env: Environment, gitignore: GitIgnore | None
) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Project paths Compose would refuse: a required env_file, label file, extended file
    or secret's or config's file that does not exist, a build context that is a file. (A
    context that does not exist yet passes: the specs may live apart from the source they
    build.) A file the project's .gitignore leaves out is not looked for: a fresh clone
    has none, on purpose (a person's values, a secret); the deploy checks it on the host,
    where it is used."""
    found: list[tuple[tuple[str | int, ...], str, str]] = []

    def absent(path: str) -> bool:
        if gitignore is not None and gitignore.ignores(posixpath.normpath(path)):
            return False
        return not settings.path(PurePosixPath(path)).is_file()

    for name, service in env.services.items():
        for index, env_file in enumerate(service.env_file):
            local = is_local(env_file.path) and "$" not in env_file.path
            if local and env_file.required and absent(env_file.path):
                hint = "create it, or write `required: false`"
                at: tuple[str | int, ...] = ("services", name, "env_file", index)
                found.append((at, f"`{env_file.path}` does not exist", hint))
        for value in service_paths(service.passthrough):
            if _needed(value) and absent(value.path):
                at = ("services", name, *value.steps)
                found.append((at, f"`{value.path}` does not exist", _CREATE_IT))
        if service.build is not None and env.builds_from_source:
            context = settings.path(PurePosixPath(service.build.context))
            if context.exists() and not context.is_dir():
                message = f"build context `{service.build.context}` is not a folder"
                found.append((("services", name, "build"), message, ""))
    for section, entries in (("secrets", env.secrets), ("configs", env.configs)):
        for key, entry in entries.items():
            for value in entry_paths(section, entry):
                if _needed(value) and absent(value.path):
                    message = f"`{value.path}` does not exist"
                    found.append(((section, key, *value.steps), message, _CREATE_IT))
    return found


def _needed(value: PathValue) -> bool:
    """A project file that Compose requires (a label file, an extended file, a secret's
    file); a path outside the project (absolute, ~) is the host's."""
    return value.required and is_local(value.path) and "$" not in value.path


def load_project(settings: Settings) -> Project:
    """Every environment of the project, or a SpecError listing every problem.

    Loading judges the specs only as specs; the policies run where a command enforces
    them (envgen.policies.check.enforce), so that a person can still look at specs that a
    policy refuses, to understand why."""
    spec_paths = _spec_paths(settings)
    inline: list[InlineSilence] = []
    base, problems = _read_base(settings, inline)
    gitignore = read_gitignore(settings.root)
    if not spec_paths:
        hint = "add one <name>.yaml per environment beside base.yaml"
        problems.append(
            Problem(Position(str(settings.environments)), "", "no environment specs", hint)
        )
    stems = [path.stem for path in spec_paths]
    environments: list[Environment] = []
    documents: dict[str, Document] = {}
    spec_data = [base.data]
    for path in spec_paths:
        if stems.count(path.stem) > 1:
            message, hint = (
                f"`{path.stem}` is defined twice",
                "keep either the .yaml or the .yml file",
            )
            problems.append(Problem(Position(str(path)), "", message, hint))
            continue
        env, document, found = _load_environment(settings, base, path, gitignore, inline)
        spec_data.append(document.data)
        # A problem in base.yaml names the environments it breaks; one in a spec, its file.
        base_file = str(settings.environments / BASE)
        problems += [
            replace(p, environment=path.stem) if p.position.path == base_file else p for p in found
        ]
        if env is not None:
            documents[env.name] = document
            environments.append(env)
    problems += _clashing_names(environments, documents)
    if not problems:  # names are known only when every environment is valid
        problems += check_against(environments, documents)
    if problems:
        # What is wrong in base.yaml itself (before any merge) is wrong for every spec.
        every = ", ".join(path.stem for path in spec_paths)
        base_file = str(settings.environments / BASE)
        problems = [
            replace(p, environment=every)
            if p.position.path == base_file and not p.environment
            else p
            for p in problems
        ]
        raise SpecError(scrub_problems(grouped(problems), _secrets(spec_data)))
    base_path = str(settings.environments / BASE)
    environments.sort(key=lambda env: (env.tier.rank, env.name))
    sources: dict[str, tuple[str, ...]] = {
        env.name: (base_path, str(settings.environments / _file_of(env, spec_paths)))
        for env in environments
    }
    return Project(
        settings,
        tuple(environments),
        sources,
        documents,
        tuple(spec_data),
        inline_silences=tuple(sorted(inline)),
    )


def _secrets(spec_data: Iterable[Any]) -> frozenset[str]:
    """The secret strings of the specs, less those a spec also shows openly."""
    secrets: set[str] = set()
    public: set[str] = set()
    for data in spec_data:
        secrets |= secrets_in(data)
        public |= public_in(data)
    return frozenset(secrets - public)


def _file_of(env: Environment, paths: list[PurePosixPath]) -> str:
    return next(path.name for path in paths if path.stem == env.name)


def _clashing_names(
    environments: list[Environment], documents: dict[str, Document]
) -> list[Problem]:
    """Names and suffixes must pick out one environment, and one output file each."""
    problems = []
    seen: dict[str, str] = {}
    for env in environments:
        for alias in dict.fromkeys((env.name, env.file_suffix)):
            other = seen.get(alias)
            if other is not None and other != env.name:
                problems.append(
                    Problem(
                        documents[env.name].position_of(("suffix",)),
                        "suffix",
                        f"`{alias}` already names environment `{other}`",
                    )
                )
            seen[alias] = env.name
    return problems
