"""docs/reference/spec.md: every field of a spec, walked from the models, with its type,
default, meaning and Compose spelling."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from enum import Enum
from typing import Any, NamedTuple

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from envgen.compose.schema import schema as compose_schema
from envgen.docs_reference.prose import cell as _cell
from envgen.docs_reference.prose import paragraph
from envgen.model.environment import Environment
from envgen.model.facts import FACTS, FAMILIES
from envgen.model.fields import MemorySize

# Models a spec writes as one string, named by that string's form rather than by fields.
STRING_FORMS: dict[str, str] = {"TmpfsLine": 'string `"/path[:OPTIONS]"`'}

# The short forms a model also takes, shown beside its section's path.
SHORT_FORMS: dict[str, str] = {
    "PortMapping": '`"[IP:][HOST:]CONTAINER[/PROTOCOL]"`',
    "Mount": '`"SOURCE:TARGET[:MODES]"`, `"TARGET"`',
    "Tmpfs": 'Compose\'s `"/path[:OPTIONS]"`',
    "EnvFile": '`"path"`',
    "Build": '`"context"`',
    "Dependency": "the condition alone",
}

# Fields a spec never writes under their model name: how each is written instead. A field
# listed here as a key of its own would be refused (the models fill it from these forms).
WRITTEN_AS: dict[str, str] = {
    "Environment.name": "not written: the spec's file name",
    "Environment.extensions": "written as top-level `x-*` keys",
    "Service.from_shell": "written as a variable without a value in `environment` "
    "(`NAME:` or `- NAME`)",
    "Service.network_options": "written as the options of a network in Compose's mapping "
    "form of `networks` (`networks: {proxy: {aliases: [api]}}`)",
}

# Where envgen writes a field under another Compose key, or reads Compose's other
# spellings of it: the rules read every one of them.
COMPOSE_SPELLING: dict[str, str] = {
    "Service.memory": "`deploy.resources.limits.memory`; Compose's `mem_limit` is read as "
    "the same limit (set one)",
    "Service.cpus": "`deploy.resources.limits.cpus`; Compose's `cpus` key is this one",
    "Service.tmpfs": "a mapping becomes `volumes: [{type: tmpfs, target, tmpfs: {size}}]`; "
    "a string stays under `tmpfs`",
    "Service.no_new_privileges": "`security_opt: [no-new-privileges:true]`",
    "Service.facts": "`environment`, each variable set to the fact's value",
    "Service.from_shell": "`environment`, each variable without a value",
    "Service.network_options": "`networks.<name>` options",
    "Service.description": "a comment above the service",
    "Tmpfs.target": "the `target` of a `type: tmpfs` mount under `volumes`",
    "Tmpfs.size": "the `tmpfs.size` of that mount",
    "Logging.max_size": "`logging.options.max-size`",
    "Logging.max_file": "`logging.options.max-file`",
    "PortMapping.host": "`published`",
    "PortMapping.container": "`target`",
    "Environment.compose_project": "the compose file's `name`",
    "Environment.extensions": "top-level `x-*` keys, as written",
}


class Section(NamedTuple):
    """One model, at the path where a spec writes it."""

    path: str
    model: type[BaseModel]


def _models_in(annotation: Any) -> Iterator[tuple[type[BaseModel], str]]:
    """Each model inside a type, with the step from the field to it (`.<name>`, `[]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation.__name__ not in STRING_FORMS:
            yield annotation, ""
        return
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        yield from _models_in(arguments[0])
    elif origin is dict:
        for model, step in _models_in(arguments[1]):
            yield model, ".<name>" + step
    elif origin is list:
        for model, step in _models_in(arguments[0]):
            yield model, "[]" + step
    else:
        for argument in arguments:
            yield from _models_in(argument)


def sections() -> list[Section]:
    """Every model a spec holds, breadth first from the top of a spec, each once."""
    found = [Section("", Environment)]
    seen: set[type[BaseModel]] = {Environment}
    for path, model in found:
        for name, info in model.model_fields.items():
            for inner, step in _models_in(info.annotation):
                if inner not in seen:
                    seen.add(inner)
                    found.append(Section(f"{path}.{name}{step}".lstrip("."), inner))
    return found


def type_name(annotation: Any) -> str:
    """A type as a reader writes it: `string`, `list of Mount`, `mapping of name to ...`."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if annotation is type(None):
        return "null"
    if annotation == MemorySize:
        return "size (`512m`, `1g`, or bytes)"
    if origin is typing.Annotated:
        for meta in annotation.__metadata__:
            accepted = getattr(meta, "json_schema_input_type", PydanticUndefined)
            if accepted is not PydanticUndefined and accepted is not Any:
                return type_name(accepted)
        return type_name(arguments[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_name(a) for a in arguments if a is not type(None))
    if origin is typing.Literal:
        return " or ".join(f"`{json.dumps(a)}`" for a in arguments)
    if origin is list:
        return f"list of {type_name(arguments[0])}"
    if origin is dict:
        return f"mapping of {type_name(arguments[0])} to {type_name(arguments[1])}"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " or ".join(f"`{member.value}`" for member in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return STRING_FORMS.get(annotation.__name__, annotation.__name__)
    simple = {str: "string", int: "integer", float: "number", bool: "boolean", Any: "any"}
    if annotation in simple:
        return simple[annotation]
    return str(annotation).replace("typing.", "")


def default_of(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
    elif info.default is PydanticUndefined:
        return ""
    else:
        value = info.default
    if value is None:
        return "unset"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, BaseModel):  # a section of its own: its fields' defaults
        value = value.model_dump(mode="json")
    return f"`{json.dumps(value)}`"


def _resolved(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = compose_schema()["$defs"][node["$ref"].split("/")[-1]]
    return node


def _alternatives(node: Any) -> Iterator[dict[str, Any]]:
    """A part of Compose's schema and every branch of it (allOf, anyOf, oneOf)."""
    node = _resolved(node)
    if not isinstance(node, dict):
        return
    yield node
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(keyword, []):
            yield from _alternatives(branch)


def _step(node: Any, step: str) -> list[Any]:
    found: list[Any] = []
    for branch in _alternatives(node):
        if step == "[]":
            found += [branch["items"]] if isinstance(branch.get("items"), dict) else []
        elif step == "<name>":
            found += list(branch.get("patternProperties", {}).values())
            if isinstance(branch.get("additionalProperties"), dict):
                found.append(branch["additionalProperties"])
        elif step in branch.get("properties", {}):
            found.append(branch["properties"][step])
    return found


def compose_keys(path: str) -> set[str] | None:
    """The keys Compose's schema takes where a spec writes `path` (None: Compose has no
    such place, the model is envgen's own)."""
    steps = [s for s in path.replace("[]", ".[]").split(".") if s]
    nodes: list[Any] = [compose_schema()]
    for step in steps:
        nodes = [found for node in nodes for found in _step(node, step)]
    if not nodes:
        return None
    return {
        key
        for node in nodes
        for branch in _alternatives(node)
        for key in branch.get("properties", {})
    }


def compose_spelling(section: Section, name: str) -> str:
    """Where envgen writes the field in the compose file, or that it writes it nowhere."""
    key = f"{section.model.__name__}.{name}"
    if key in COMPOSE_SPELLING:
        return COMPOSE_SPELLING[key]
    keys = compose_keys(section.path)
    if keys is not None and name in keys:
        return "the same key"
    return "envgen's own"


def written_name(section: Section, name: str) -> str:
    key = f"{section.model.__name__}.{name}"
    return f"`{name}`" if key not in WRITTEN_AS else f"(`{name}`)"


def rows(section: Section) -> list[list[str]]:
    """One row per field: field, type, default, meaning, Compose spelling."""
    out = []
    for name, info in section.model.model_fields.items():
        key = f"{section.model.__name__}.{name}"
        meaning = info.description or ""
        if key in WRITTEN_AS:
            meaning = f"{meaning}; {WRITTEN_AS[key]}"
        out.append(
            [
                written_name(section, name),
                _cell(type_name(info.annotation)),
                default_of(section.model, name),
                _cell(meaning),
                _cell(compose_spelling(section, name)),
            ]
        )
    return out


def _title(section: Section) -> str:
    if not section.path:
        return "The top level of a spec"
    short = SHORT_FORMS.get(section.model.__name__)
    return f"`{section.path}`" + (f" (or {short})" if short else "")


INTRO = """\
# Spec fields

Every field a spec (or `base.yaml`) takes, walked from envgen's models: its type, its
default, what it means, and how it reaches the compose file: under the same key, under
another Compose key, or not at all ("envgen's own": envgen reasons with it, or writes it
into another file). A field in
parentheses is never written under its own name: the meaning says how it is written.
Every Compose key that envgen does not model (`deploy`, `shm_size`, `ulimits`, ...) is taken
as well, checked by Compose's own schema; [What a plain value
means](../explanation/plain-values.md) says how YAML values are read, and [How a spec
merges](../explanation/merge.md) how a spec combines with `base.yaml`.

This page is generated from the code (`python -m envgen.docs_reference`); a test fails when
it is out of date.
"""


def page() -> str:
    out = [INTRO]
    for section in sections():
        out += [
            f"## {_title(section)}",
            "",
            paragraph(section.model.__doc__ or ""),
            "",
            "| field | type | default | meaning | Compose |",
            "| --- | --- | --- | --- | --- |",
        ]
        out += ["| " + " | ".join(row) + " |" for row in rows(section)]
        out.append("")
    out += [
        "## Facts (values for `services.<name>.facts`)",
        "",
        "| fact | value |",
        "| --- | --- |",
    ]
    out += [f"| `{name}` | {_cell(fact.description)} |" for name, fact in FACTS.items()]
    out += [f"| `{name}` | {_cell(meaning)} |" for name, meaning in FAMILIES.items()]
    return "\n".join(out) + "\n"
