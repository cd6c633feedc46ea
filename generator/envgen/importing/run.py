"""`envgen import` from end to end: read each environment through Compose, factor, infer,
write the specs, run the policies, render in memory and compare with Compose."""

from __future__ import annotations

import dataclasses
import posixpath
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from envgen.errors import SpecError, UsageError
from envgen.gitignore import read_gitignore
from envgen.importing import infer
from envgen.importing.baseline import silences
from envgen.importing.comments import comments_above
from envgen.importing.compare import Difference, differences
from envgen.importing.factor import factor
from envgen.importing.order import in_written_order, written
from envgen.importing.read import ComposeRefused, Source, config
from envgen.importing.shape import shaped
from envgen.importing.write import KeyPath, spec_text
from envgen.outputs.compose import COMPOSE
from envgen.outputs.render import render_project
from envgen.policies.check import check_policies
from envgen.problems import Problem
from envgen.project.load import BASE, Project, load_project
from envgen.settings import Settings

_ENVIRONMENT_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


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
                raise UsageError(f"import: {_shown(root, file)} is named twice for `{source.name}`")
            if not file.is_file():
                raise UsageError(f"import: {_shown(root, file)}: no such file")
        try:
            source.folder.resolve().relative_to(root.resolve())
        except ValueError:
            raise UsageError(
                f"import: {_shown(root, source.files[0])} is outside the project {root}"
            ) from None


def _names(root: Path, source: Source) -> list[str]:
    return [_shown(root, file) for file in source.files]


def _shown(root: Path, file: Path) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(file)


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
    specs = _specs(settings, sources, models)
    files, project = _checked(settings, specs, {})
    findings = _findings(project)
    result = Imported(files, findings)
    if baseline:
        chosen = silences(findings)
        if chosen:
            files, project = _checked(settings, specs, chosen)
            result = Imported(files, _findings(project), silenced=sum(map(len, chosen.values())))
    if compare:
        result.differences = _compare(settings, originals, project, compose, environ)
    return result


@dataclass
class _Spec:
    data: dict[str, Any]
    header: list[str]
    comments: dict[KeyPath, str]
    notes: dict[KeyPath, list[str]]


def _specs(
    settings: Settings, sources: Sequence[Source], models: dict[str, dict[str, Any]]
) -> dict[str, _Spec]:
    root = settings.root
    folders = {
        s.name: PurePosixPath(posixpath.relpath(s.folder.resolve(), root.resolve())).as_posix()
        for s in sources
    }
    names = {name: str(model.get("name", "")) for name, model in models.items()}
    app, app_comment = _app(names)
    shapes: list[dict[str, Any]] = []
    headers: dict[str, list[infer.Field]] = {}
    todos: dict[str, list[str]] = {}
    data_comments: dict[KeyPath, str] = {}
    for source in sources:
        model = models[source.name]
        ordered = in_written_order(_without_envgen_aliases(model), written(source.files))
        shape = shaped(ordered, folders[source.name])
        head = _head(source.files[-1])
        fields = [infer.tier(source.name)]
        description = infer.rendered_description(head)
        if description is not None:
            fields.append(description)
        suffix = _suffix(source)
        if suffix is not None:
            fields.append(suffix)
        if names[source.name] != f"{app}-{source.name}":
            fields.append(
                infer.Field(
                    "compose_project",
                    names[source.name],
                    "Compose's project name of these files: the same containers, volumes "
                    "and networks",
                )
            )
        fields += [infer.host(source.name), infer.access(model)]
        rendered_file = infer.rendered_variables_file(head)
        if rendered_file is not None:
            fields.append(rendered_file)
        elif (source.folder / ".env").is_file():
            relative = posixpath.normpath(posixpath.join(folders[source.name], ".env"))
            fields.append(
                infer.Field(
                    "variables_file",
                    relative,
                    "Compose reads ${VARIABLE} values from the .env beside the first compose file",
                )
            )
        database, lines = infer.database(model)
        if database is not None:
            fields.append(database)
        db_service = database.value.get("service", database.value["engine"]) if database else None
        for service, evidence in infer.data_services(model, db_service).items():
            shape["services"][service] = {**shape["services"][service], "data": True}
            data_comments[("services", service, "data")] = (
                f"{evidence}: each environment keeps its own"
            )
        headers[source.name] = fields
        todos[source.name] = lines + infer.secret_variables(model)
        shapes.append(shape)
    base_data, overlays = factor(shapes)
    kept = {path: lines for s in sources for path, lines in comments_above(s.files).items()}
    descriptions = _descriptions(kept)
    base_data = _described(base_data, descriptions)
    specs = {
        "base": _Spec(
            {"app": app, **base_data},
            [
                "Shared definitions, imported by `envgen import`: every environment spec "
                "merges over this file.",
                "yaml-language-server: $schema=envgen.schema.json",
            ],
            {("app",): app_comment, **data_comments},
            kept,
        )
    }
    for source, overlay in zip(sources, overlays, strict=True):
        fields = headers[source.name]
        data = {f.key: f.value for f in fields}
        comments: dict[KeyPath, str] = {(f.key,): f.comment for f in fields if f.comment}
        files = " ".join(f"-f {_shown(root, f)}" for f in source.files)
        header = [
            "yaml-language-server: $schema=envgen.schema.json",
            f"Imported by `envgen import` from: docker compose {files}",
            *todos[source.name],
        ]
        in_base = base_data.get("services") or {}
        specs[source.name] = _Spec(
            {**data, **_described(overlay, descriptions, in_base)},
            header,
            {**comments, **data_comments},
            kept,
        )
    return specs


def _head(file: Path) -> str:
    try:
        with file.open(encoding="utf-8") as stream:
            return "".join(stream.readline() for _ in range(8))
    except (OSError, UnicodeDecodeError):
        return ""


def _app(names: dict[str, str]) -> tuple[str, str]:
    """The application's name: the part before `-<environment>` when every project is
    named so, else the common project name, else the first valid one."""
    stems = {name[: -len(env) - 1] for env, name in names.items() if name.endswith(f"-{env}")}
    if len(stems) == 1 and len(names) > 0 and all(n.endswith(f"-{e}") for e, n in names.items()):
        stem = stems.pop()
        if _SLUG.match(stem):
            return stem, "every project is named `<app>-<environment>`"
    distinct = list(dict.fromkeys(names.values()))
    for name in distinct:
        if _SLUG.match(name):
            return name, "Compose's project name (`name:`, or the folder's name)"
    for name in distinct:
        spelled = re.sub(r"[^a-z0-9]+", "-", name).strip("-").lstrip("0123456789-")
        if _SLUG.match(spelled):
            return spelled, f"Compose's project name `{name}`, spelled as envgen's names are"
    return "app", "TODO: the application's name; Compose's project name says none"


def _suffix(source: Source) -> infer.Field | None:
    """The rendered file's suffix when the last file is `docker-compose.<suffix>.yml` with
    another suffix than the environment's name (as envgen names its own renders)."""
    match = re.fullmatch(r"(?:docker-)?compose\.([a-z][a-z0-9-]*)\.ya?ml", source.files[-1].name)
    if match is None or match[1] == source.name:
        return None
    return infer.Field("suffix", match[1], f"the file's name, {source.files[-1].name}")


def _without_envgen_aliases(model: dict[str, Any]) -> dict[str, Any]:
    """A file envgen rendered gives each service an alias on an external network; the
    render adds it again, so the spec leaves it out."""
    project = model.get("name", "")
    external = {k for k, v in (model.get("networks") or {}).items() if (v or {}).get("external")}
    services: dict[str, Any] = {}
    for name, service in (model.get("services") or {}).items():
        networks = service.get("networks")
        if isinstance(networks, dict):
            cleaned = dict(networks)
            for network in external & set(networks):
                options = dict(networks[network] or {})
                aliases = [a for a in options.get("aliases", []) if a != f"{project}-{name}"]
                options.pop("aliases", None)
                if aliases:
                    options["aliases"] = aliases
                cleaned[network] = options or None
            services[name] = {**service, "networks": cleaned}
        else:
            services[name] = service
    return {**model, "services": services}


def _descriptions(kept: dict[KeyPath, list[str]]) -> dict[str, str]:
    """A one-line comment right above a service says what it is: its description."""
    return {
        str(path[1]): lines[0]
        for path, lines in kept.items()
        if len(path) == 2 and path[0] == "services" and len(lines) == 1
    }


def _described(
    data: dict[str, Any], descriptions: dict[str, str], skip: Iterable[str] = ()
) -> dict[str, Any]:
    """`data` with each service's description, where the service is first written."""
    skip = set(skip)
    services = data.get("services")
    if not isinstance(services, dict):
        return data
    described = {}
    for name, service in services.items():
        if name in descriptions and name not in skip and isinstance(service, dict):
            described[name] = {"description": descriptions[name], **service}
        else:
            described[name] = service
    return {**data, "services": described}


def _texts(
    settings: Settings, specs: dict[str, _Spec], chosen: dict[str, dict[str, Any]]
) -> dict[PurePosixPath, str]:
    texts: dict[PurePosixPath, str] = {}
    for name, spec in specs.items():
        data = dict(spec.data)
        if name in chosen:
            data["silence"] = chosen[name]
        notes = {
            k: v
            for k, v in spec.notes.items()
            if not (len(k) == 2 and k[0] == "services" and len(v) == 1)
        }
        texts[settings.environments / f"{name}.yaml"] = spec_text(
            data, header=spec.header, comments=spec.comments, notes=notes
        )
    return texts


def _checked(
    settings: Settings, specs: dict[str, _Spec], chosen: dict[str, dict[str, Any]]
) -> tuple[dict[PurePosixPath, str], Project]:
    """The spec texts, loaded as `envgen` loads them (from a scratch copy of the project's
    layout), so that what import writes is what render reads."""

    texts = _texts(settings, specs, chosen)
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

    base = str(project.settings.environments / BASE)
    found = check_policies(
        list(project.environments), project.documents, base, read_gitignore(project.settings.root)
    )
    return sorted(found)


def _compare(
    settings: Settings,
    originals: dict[str, dict[str, Any]],
    project: Project,
    compose: Sequence[str],
    environ: Mapping[str, str],
) -> dict[str, list[Difference]]:
    """Compose's model of each environment's render beside that of its original files."""

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
            result[name] = differences(originals[name], ours)
    return result


def refuse_existing(settings: Settings, names: Sequence[str]) -> None:
    """Nothing is written over a project's specs without --force."""
    for name in ["base", *names]:
        path = settings.environments / f"{name}.yaml"
        if (settings.root / path).exists():
            raise UsageError(f"import: {path} exists; --force writes over it")
