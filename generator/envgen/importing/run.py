"""`envgen import` from end to end: read each environment through Compose, factor, infer,
write the specs, run the policies, render in memory and compare with Compose."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from envgen.errors import SpecError, UsageError
from envgen.gitignore import read_gitignore
from envgen.importing.baseline import silences
from envgen.importing.compare import Difference, differences
from envgen.importing.lift import Lifting, hidden, lift, restored
from envgen.importing.read import ComposeRefused, Source, config, shown_path
from envgen.importing.specs import Spec, build_specs, spec_files
from envgen.outputs.compose import COMPOSE
from envgen.outputs.render import render_project
from envgen.policies.check import check_policies
from envgen.problems import Problem
from envgen.project.load import BASE, Project, load_project
from envgen.redaction import scrub_problems
from envgen.settings import Settings

_ENVIRONMENT_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass
class Imported:
    """What an import makes: the spec files, the policies' findings on them, and for each
    environment the differences Compose sees between the original and the render."""

    files: dict[PurePosixPath, str]
    findings: list[Problem]
    differences: dict[str, list[Difference]] = field(default_factory=dict)
    silenced: int = 0

    @property
    def equal(self) -> bool:
        """No difference but the documented ones."""
        return all(d.reason for ds in self.differences.values() for d in ds)


def check_sources(root: Path, sources: Sequence[Source]) -> None:
    """One clear line for names and files that cannot be imported."""
    if not sources:
        raise UsageError("import: name at least one environment (--env NAME -f FILE)")
    seen: set[str] = set()
    for source in sources:
        if not _ENVIRONMENT_NAME.match(source.name) or source.name == "base":
            raise UsageError(
                f"import: environment name `{source.name}`: use lower-case letters, digits and "
                "dashes, starting with a letter (and not `base`)"
            )
        if source.name in seen:
            raise UsageError(f"import: environment `{source.name}` is named twice")
        seen.add(source.name)
        if not source.files:
            raise UsageError(f"import: environment `{source.name}` has no compose file (-f FILE)")
        for file in source.files:
            if source.files.count(file) > 1:
                raise UsageError(
                    f"import: {shown_path(root, file)} is named twice for `{source.name}`"
                )
            if not file.is_file():
                raise UsageError(f"import: {shown_path(root, file)}: no such file")
        try:
            source.folder.resolve().relative_to(root.resolve())
        except ValueError:
            raise UsageError(
                f"import: {shown_path(root, source.files[0])} is outside the project {root}"
            ) from None


def _names(root: Path, source: Source) -> list[str]:
    return [shown_path(root, file) for file in source.files]


def import_project(
    settings: Settings,
    sources: Sequence[Source],
    compose: Sequence[str],
    environ: Mapping[str, str],
    *,
    baseline: bool = False,
    compare: bool = True,
) -> Imported:
    """The specs of `sources`, proven against Compose; nothing is written here."""
    root = settings.root
    check_sources(root, sources)
    # Compose runs side by side: its model as written (to import) and resolved (the
    # original side of the comparison), for every environment at once.
    with ThreadPoolExecutor(max_workers=2 * len(sources)) as pool:
        reads = {
            s.name: pool.submit(
                config, compose, s.files, environ, resolve_paths=False, shown=_names(root, s)
            )
            for s in sources
        }
        resolved = {
            s.name: pool.submit(
                config, compose, s.files, environ, resolve_paths=True, shown=_names(root, s)
            )
            for s in sources
            if compare
        }
        models = {name: future.result() for name, future in reads.items()}
        originals = {name: future.result() for name, future in resolved.items()}
    # No literal secret of the compose files reaches a spec, a report or an error.
    liftings: dict[str, Lifting] = {}
    for name, model in models.items():
        models[name], liftings[name] = lift(name, model)
    made = hidden(build_specs(settings, sources, models), liftings)
    files, project = _checked(settings, made, {})
    findings = _findings(project)
    result = Imported(files, findings)
    if baseline:
        chosen = silences(findings)
        if chosen:
            files, project = _checked(settings, made, chosen)
            result = Imported(files, _findings(project), silenced=sum(map(len, chosen.values())))
    if compare:
        values = {name: lifting.values for name, lifting in liftings.items()}
        result.differences = _compare(settings, originals, project, compose, environ, lifted=values)
    return result


def _checked(
    settings: Settings, made: dict[str, Spec], chosen: dict[str, dict[str, Any]]
) -> tuple[dict[PurePosixPath, str], Project]:
    """The spec texts, loaded as `envgen` loads them (from a scratch copy of the project's
    layout), so that what import writes is what render reads."""
    texts = spec_files(settings, made, chosen)
    with tempfile.TemporaryDirectory(prefix="envgen-import-") as scratch:
        copy = dataclasses.replace(settings, root=Path(scratch))
        _mirror(settings.root, Path(scratch), settings.environments)
        for path, text in texts.items():
            target = Path(scratch) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        project = load_project(copy)
    return texts, dataclasses.replace(project, settings=settings)


def _mirror(root: Path, scratch: Path, environments: PurePosixPath) -> None:
    """The project's files, seen from the scratch folder (links), but for the specs:
    the loader checks that env files and build contexts exist, as render will."""
    skip = environments.parts[0]
    for entry in root.iterdir():
        if entry.name != skip:
            (scratch / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    if len(environments.parts) > 1:  # the specs' folder is deeper: link its parents' files
        raise UsageError("import: [tool.envgen] environments must be a top-level folder")


def _findings(project: Project) -> list[Problem]:
    """Every policy finding, the errors too (import reports them, it does not stop), with
    no secret of the specs quoted."""
    base = str(project.settings.environments / BASE)
    found = check_policies(
        list(project.environments), project.documents, base, read_gitignore(project.settings.root)
    )
    return sorted(scrub_problems(found, project.secrets)) if found else []


def _compare(
    settings: Settings,
    originals: dict[str, dict[str, Any]],
    project: Project,
    compose: Sequence[str],
    environ: Mapping[str, str],
    *,
    lifted: Mapping[str, dict[str, str]],
) -> dict[str, list[Difference]]:
    """Compose's model of each environment's render beside that of its original files,
    each lifted secret's reference read back as the value the original wrote."""

    rendered = render_project(project, only=(COMPOSE.name,))
    with (
        tempfile.TemporaryDirectory(prefix="envgen-import-") as scratch,
        ThreadPoolExecutor(max_workers=len(originals)) as pool,
    ):
        futures = {}
        for name in originals:
            destination = COMPOSE.destination(settings, project.get(name))
            file = Path(scratch) / destination.name
            file.write_text(rendered[destination], encoding="utf-8")
            futures[name] = pool.submit(
                config,
                compose,
                [file],
                environ,
                resolve_paths=True,
                project_directory=settings.root / destination.parent,
                shown=[str(destination)],
            )
        result: dict[str, list[Difference]] = {}
        for name, future in futures.items():
            try:
                ours = future.result()
            except (ComposeRefused, SpecError) as error:
                said = error.problems if isinstance(error, SpecError) else [error]
                reason = "; ".join(str(item) for item in said)
                raise RuntimeError(
                    f"Compose refuses envgen's render of `{name}`: {reason}"
                ) from None
            result[name] = differences(originals[name], restored(ours, lifted.get(name, {})))
    return result


def refuse_existing(settings: Settings, names: Sequence[str]) -> None:
    """Nothing is written over a project's specs without --force."""
    for name in ["base", *names]:
        path = settings.environments / f"{name}.yaml"
        if (settings.root / path).exists():
            raise UsageError(f"import: {path} exists; --force writes over it")
