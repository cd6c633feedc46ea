"""The JSON Schema of a spec file, for editors: made from the pydantic models, then adjusted
to what a spec file may hold (every field optional, `!remove`, the forms validators accept).

The schema depends on envgen's models alone, so it is made once, when they change, and
shipped as package data (spec.schema.json): a render reads it instead of building it from
the models every time. tests/test_schema.py proves the shipped file equals what the models
make now; `python -m envgen.outputs.schema` writes it afresh.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from envgen.compose import schema as compose_schema
from envgen.model.environment import Environment
from envgen.outputs.output import Output, json_header
from envgen.settings import DEFAULTS, Settings

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# What the tags of a spec mean, for editors: yaml-language-server needs each one listed in
# its `yaml.customTags` setting, or it reports them as unknown.
CUSTOM_TAGS = ("!remove scalar", "!reset scalar", "!reset sequence", "!reset mapping")
_REMOVE = {
    "description": "`!remove`: delete what base.yaml gives this key",
    "enum": [None, ""],
}

# The line that points an editor's yaml-language-server at the schema, first in each spec.
MODELINE = "# yaml-language-server: $schema={path}"


class _SpecSchema(GenerateJsonSchema):
    """pydantic's schema generator, told what the input of a `before` validator may be.

    A `before` validator converts a value before the type is checked (a short form such as
    "8000:80", a size such as "512m"). Where the model declares the input it accepts
    (`json_schema_input_type`), pydantic uses it; where it does not, the type's own form is
    still checked (the keywords of an object apply to objects only), and a value of any
    other type is left for envgen to judge, so an editor never refuses what envgen accepts.
    """

    # pydantic's lax mode, which envgen validates in, also takes these spellings: a number
    # written as a string, a boolean as 1 or "yes" (case-insensitive), a boolean as a number.
    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return _lax(super().int_schema(schema), _NUMBER_TEXT, {"type": "boolean"})

    def float_schema(self, schema: core_schema.FloatSchema) -> JsonSchemaValue:
        return _lax(super().float_schema(schema), _NUMBER_TEXT, {"type": "boolean"})

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        return _lax(super().bool_schema(schema), _BOOLEAN_TEXT, {"enum": [0, 1]})

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        declared = schema.get("json_schema_input_schema")
        if declared is not None:
            return self.generate_inner(declared)
        inner = self.generate_inner(schema["schema"])
        if isinstance(inner.get("type"), str):
            return {key: value for key, value in inner.items() if key != "type"}
        if "$ref" in inner:
            kind = self.definitions.get(inner["$ref"].split("/")[-1], {}).get("type")
            if isinstance(kind, str):
                return {"anyOf": [inner, {"not": {"type": kind}}]}
        return {}


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


_NUMBER_TEXT = {"type": "string", "pattern": r"^\s*[+-]?(\d[\d_]*)?(\.\d*)?([eE][+-]?\d+)?\s*$"}
_BOOLEAN_TEXT = {
    "type": "string",
    "pattern": "^("
    + "|".join(_any_case(word) for word in ("0", "off", "f", "false", "n", "no"))
    + "|"
    + "|".join(_any_case(word) for word in ("1", "on", "t", "true", "y", "yes"))
    + ")$",
}


def _lax(strict: JsonSchemaValue, *spellings: JsonSchemaValue) -> JsonSchemaValue:
    return {"anyOf": [strict, *spellings]}


def _overlay(node: Any) -> Any:
    """Every field optional (a spec merges over base.yaml, which may give it) and every
    field removable with `!remove`."""
    if isinstance(node, list):
        return [_overlay(item) for item in node]
    if not isinstance(node, dict):
        return node
    # The keyword `required` (a list) goes; a property named `required` stays.
    node = {
        key: _overlay(value)
        for key, value in node.items()
        if not (key == "required" and isinstance(value, list))
    }
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1 and "properties" not in node:
        # A mapping whose keys follow a pattern (pydantic's dict[Name, V]): a key that does
        # not match is an error in envgen, so in the editor too.
        ((pattern, value),) = patterns.items()
        del node["patternProperties"]
        node["propertyNames"] = {"pattern": pattern}
        node["additionalProperties"] = value
    if isinstance(node.get("properties"), dict):
        node["properties"] = {name: _removable(value) for name, value in node["properties"].items()}
    if isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = _removable(node["additionalProperties"])
    return node


# Compose's other forms of a field, which a model reads in a `mode="before"` model
# validator that pydantic's schema generator cannot see (model/service.py). Each is added
# beside the field's own form; tests/test_schema_forms.py proves every one the models take.
_NAME_OR_PAIR = r"^[^=\x00-\x1f\x7f]+(=|$)"  # NAME=value, or NAME alone (fields.py)
_OTHER_FORMS: dict[tuple[str, str], dict[str, Any]] = {
    ("Service", "environment"): {
        "type": "array",
        "items": {"type": "string", "pattern": _NAME_OR_PAIR},
    },
    ("Service", "labels"): {"type": "array", "items": {"type": "string"}},
    ("Service", "networks"): {
        "type": "object",
        "additionalProperties": {"anyOf": [{"type": "null"}, {"type": "object"}]},
    },
    ("Build", "args"): {"type": "array", "items": {"type": "string"}},
}


def _with_other_forms(definitions: dict[str, Any]) -> dict[str, Any]:
    for (model, name), form in _OTHER_FORMS.items():
        field = definitions[model]["properties"][name]
        shown = {k: field[k] for k in ("description", "default") if k in field}
        own = {k: v for k, v in field.items() if k not in (*shown, "title")}
        choices = own["anyOf"] if list(own) == ["anyOf"] else [own]
        definitions[model]["properties"][name] = {**shown, "anyOf": [*choices, form]}
    return definitions


def _removable(field: dict[str, Any]) -> dict[str, Any]:
    """`field`, or `!remove`; its description and default stay on top, where editors show
    them (pydantic's titles, made from the field names, say less and are left out)."""
    shown: dict[str, Any] = {k: field[k] for k in ("description", "default") if k in field}
    rest = {k: v for k, v in field.items() if k not in (*shown, "title")}
    choices = rest["anyOf"] if list(rest) == ["anyOf"] else [rest]
    return {**shown, "anyOf": [*choices, {"$ref": "#/$defs/remove"}]}


# Keys starting with x- are Compose extensions, free for the user (project/passthrough.py).
_EXTENSIONS: dict[str, Any] = {"^x-": {}}


def _passthrough() -> dict[str, dict[str, Any]]:
    """The models whose other keys pass through to Compose (extra="allow"), with the keys
    Compose takes there: project/passthrough.py checks them by the same definitions."""
    return {
        "Service": compose_schema.service_properties(),
        "Volume": compose_schema.top_level_properties("volume"),
        "Network": compose_schema.top_level_properties("network"),
    }


def _compose_reference(node: Any) -> Any:
    """A part of Compose's schema, its references pointing into the copy under $defs."""
    if isinstance(node, list):
        return [_compose_reference(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: (
            value.replace("#/$defs/", "#/$defs/compose.")
            if key == "$ref" and isinstance(value, str)
            else _compose_reference(value)
        )
        for key, value in node.items()
    }


def _with_compose_keys(definitions: dict[str, Any]) -> dict[str, Any]:
    """Each passthrough model closed to what envgen or Compose knows, and Compose's own
    definitions beside envgen's, for the keys that refer to them."""
    for name, keys in _passthrough().items():
        model = definitions.get(name)
        if model is None:
            continue
        own = model.setdefault("properties", {})
        own.update({k: _compose_reference(v) for k, v in keys.items() if k not in own})
        model["additionalProperties"] = False
        model["patternProperties"] = _EXTENSIONS
    compose = compose_schema.schema().get("$defs", {})
    return {**definitions, **{f"compose.{k}": _compose_reference(v) for k, v in compose.items()}}


def _without_derived(node: Any) -> Any:
    """The schema without the fields envgen derives (model/fields.py DERIVED): a spec
    never writes them."""
    if isinstance(node, list):
        return [_without_derived(item) for item in node]
    if not isinstance(node, dict):
        return node
    properties = node.get("properties")
    if isinstance(properties, dict):
        node = {
            **node,
            "properties": {
                name: value
                for name, value in properties.items()
                if not (isinstance(value, dict) and value.get("x-envgen-derived") is True)
            },
        }
        if isinstance(node.get("required"), list):
            node["required"] = [n for n in node["required"] if n in node["properties"]]
    return {key: _without_derived(value) for key, value in node.items()}


def spec_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one spec file, base.yaml included."""
    generated = Environment.model_json_schema(mode="validation", schema_generator=_SpecSchema)
    generated = _without_derived(generated)
    generated["patternProperties"] = _EXTENSIONS
    generated["$defs"] = _with_compose_keys(_with_other_forms(generated.get("$defs", {})))
    body = _overlay(generated)
    definitions = body.pop("$defs", {})
    return {
        "$schema": DIALECT,
        "title": "envgen spec",
        "description": (
            "One environment's spec, or base.yaml, merged key by key over base.yaml. "
            "Tags for editors (yaml.customTags): " + ", ".join(CUSTOM_TAGS) + "."
        ),
        **{k: v for k, v in body.items() if k not in ("title", "description")},
        "$defs": {**definitions, "remove": _REMOVE},
    }


# The schema file as the models made it, shipped inside the package.
SHIPPED = "spec.schema.json"


def generated_schema_text() -> str:
    """The schema file made from the models now: envgen's header as its `$comment`, then
    the schema."""
    document = {**json_header("envgen's spec models", "envgen render"), **spec_schema()}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def schema_text() -> str:
    """The schema file, as shipped (the same text as `generated_schema_text()`)."""
    return resources.files("envgen.outputs").joinpath(SHIPPED).read_text("utf-8")


def modeline(settings: Settings, spec: PurePosixPath) -> str:
    """The yaml-language-server line for a spec at `spec` (relative to the project root)."""
    return MODELINE.format(path=_relative(settings.schema, spec.parent))


def default_modeline() -> str:
    """The line for a spec of a project in the default layout, such as `envgen init` makes."""
    schema, specs = PurePosixPath(DEFAULTS["schema"]), PurePosixPath(DEFAULTS["environments"])
    return MODELINE.format(path=_relative(schema, specs))


def _relative(target: PurePosixPath, folder: PurePosixPath) -> str:
    up = folder
    steps = 0
    while not target.is_relative_to(up):
        up, steps = up.parent, steps + 1
    return str(PurePosixPath(*([".."] * steps), target.relative_to(up)))


SCHEMA = Output(
    "schema",
    template="",
    comment="json",
    folder=lambda settings: settings.schema.parent,
    filename=lambda settings, _: settings.schema.name,
    project_text=lambda _project: schema_text(),
    removes_stale=False,
)


if __name__ == "__main__":  # python -m envgen.outputs.schema: ship what the models make now
    Path(__file__).with_name(SHIPPED).write_text(generated_schema_text(), encoding="utf-8")
