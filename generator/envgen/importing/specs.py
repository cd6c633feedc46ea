"""The spec files of an import: each environment's model shaped and put in the team's
order, factored into base.yaml and the environments' parts, with envgen's own fields
inferred and the comments that explain them."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from envgen.importing import infer
from envgen.importing.comments import comments_above
from envgen.importing.factor import factor
from envgen.importing.jobs import Jobs, infer_jobs
from envgen.importing.order import in_written_order, written
from envgen.importing.read import Source, shown_path
from envgen.importing.shape import shaped
from envgen.importing.tags import released
from envgen.importing.write import KeyPath, spec_text
from envgen.settings import Settings

_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


@dataclass
class Spec:
    data: dict[str, Any]
    header: list[str]
    comments: dict[KeyPath, str]
    notes: dict[KeyPath, list[str]]


def build_specs(
    settings: Settings, sources: Sequence[Source], models: dict[str, dict[str, Any]]
) -> dict[str, Spec]:
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
        ordered = in_written_order(model, written(source.files))
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
        variables_file = _variables_file(source, folders[source.name], head)
        if variables_file is not None:
            fields.append(variables_file)
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
        todos[source.name] = [
            *lines,
            *infer.secret_variables(model),
            *_with_release(shape, model, fields),
        ]
        shapes.append(shape)
    kept = {path: lines for s in sources for path, lines in comments_above(s.files).items()}
    jobs = infer_jobs([models[s.name] for s in sources], kept)
    _with_jobs(
        dict(zip([s.name for s in sources], shapes, strict=True)), jobs, data_comments, todos
    )
    base_data, overlays = factor(shapes)
    # A key written in envgen's words keeps the comment of Compose's (shape.py).
    kept |= {
        (*path[:-1], "no_new_privileges"): lines
        for path, lines in kept.items()
        if path[-1] == "security_opt"
    }
    descriptions = _descriptions(kept)
    base_data = _described(base_data, descriptions)
    specs = {
        "base": Spec(
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
        files = " ".join(f"-f {shown_path(root, f)}" for f in source.files)
        header = [
            "yaml-language-server: $schema=envgen.schema.json",
            f"Imported by `envgen import` from: docker compose {files}",
            *todos[source.name],
        ]
        in_base = base_data.get("services") or {}
        specs[source.name] = Spec(
            {**data, **_described(overlay, descriptions, in_base)},
            header,
            {**comments, **data_comments},
            kept,
        )
    return specs


def _variables_file(source: Source, folder: str, head: str) -> infer.Field | None:
    """The file Compose reads `${VARIABLE}` values from: the one envgen's own rendered
    file names, else the `.env` beside the first compose file."""
    rendered_file = infer.rendered_variables_file(head)
    if rendered_file is not None:
        return rendered_file
    if not (source.folder / ".env").is_file():
        return None
    return infer.Field(
        "variables_file",
        posixpath.normpath(posixpath.join(folder, ".env")),
        "Compose reads ${VARIABLE} values from the .env beside the first compose file",
    )


def _with_jobs(
    shapes: dict[str, dict[str, Any]],
    jobs: Jobs,
    comments: dict[KeyPath, str],
    todos: dict[str, list[str]],
) -> None:
    """Each environment's shape with `job:` first in each job's service, its evidence in
    `comments`; the TODO lines of the services that may be jobs in `todos`."""
    for name, shape in shapes.items():
        services = shape.get("services") or {}
        for service, kind in jobs.kinds.items():
            if service in services:
                services[service] = {"job": kind, **services[service]}
                comments[("services", service, "job")] = jobs.evidence[service]
        todos[name] += [todo for service, todo in jobs.todos.items() if service in services]


def _with_release(
    shape: dict[str, Any], model: dict[str, Any], fields: list[infer.Field]
) -> list[str]:
    """`shape` and `fields` of an environment that runs released images, as the files
    keep them (`build` beside the image); the TODO lines of a tag envgen cannot write."""
    release, todos = released(model)
    if release is None:
        return todos
    for service, image in release.images.items():
        shape["services"][service] = {**shape["services"][service], "image": image}
    fields.append(infer.Field(release.key, release.value, release.evidence))
    fields.append(
        infer.Field(
            "additions",
            {"build_left_out": False},
            "the files keep `build` beside the released images (`docker compose build` "
            "remakes them under their names)",
        )
    )
    return todos


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


def spec_files(
    settings: Settings, specs: dict[str, Spec], chosen: Mapping[str, Mapping[str, Any]]
) -> dict[PurePosixPath, str]:
    """Each spec's text, with the silences `chosen` for its environment. A one-line
    comment above a service became its description, so it is not written twice."""
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
