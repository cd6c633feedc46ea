"""The Compose keys envgen does not model pass through, checked by Compose's own schema
at the line they are written; a key neither envgen nor Compose knows is an unknown field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from envgen.compose import numbers as compose_numbers
from envgen.compose import schema as compose_schema
from envgen.model.environment import Environment, Network, Volume
from envgen.model.fields import spec_fields
from envgen.model.service import Service
from envgen.problems import Problem, did_you_mean
from envgen.reading.source import Document, Path, field_path

# envgen's own words, which Compose does not know; everything else Compose checks.
_SERVICE_FIELDS = frozenset(spec_fields(Service))
# Modelled keys whose Compose long form envgen keeps as written: the schema checks it too.
_ALSO_CHECKED = ("build", "networks")


def _checked(
    document: Document, path: Path, value: Any, subschema: dict[str, Any]
) -> Iterator[Problem]:
    for inner, message, known in compose_schema.check(value, subschema):
        where = (*path, *inner)
        hint = ""
        if message == "unknown field":
            hint = did_you_mean(str(where[-1]), known)
            position = document.key_position_of(where)
        else:
            position = document.position_of(where)
        yield Problem(position, field_path(where), message, hint)


def _numbers(document: Document, service: Path, key: str, value: Any) -> Iterator[Problem]:
    for where, message, hint in compose_numbers.check(key, value):
        at = (*service, *where)
        yield Problem(document.position_of(at), field_path(at), message, hint)


def _service(document: Document, name: str, service: dict[str, Any]) -> Iterator[Problem]:
    properties = compose_schema.service_properties()
    for key, value in service.items():
        path: Path = ("services", name, key)
        if key.startswith("x-"):
            continue
        if key in _SERVICE_FIELDS and key not in _ALSO_CHECKED:
            continue
        if key in _ALSO_CHECKED and not isinstance(value, dict):
            continue
        if key in properties:
            refused = list(_checked(document, path, value, properties[key]))
            yield from refused
            if not refused:  # a number written as a string, once the schema takes the value
                yield from _numbers(document, ("services", name), key, value)
            continue
        hint = did_you_mean(key, sorted(_SERVICE_FIELDS | set(properties)))
        yield Problem(
            document.key_position_of(path), field_path(path), f"unknown field `{key}`", hint
        )


def _section(
    document: Document, section: str, definition: str, modelled: frozenset[str]
) -> Iterator[Problem]:
    entries = document.data.get(section)
    if not isinstance(entries, dict):
        return
    properties = compose_schema.top_level_properties(definition)
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            path: Path = (section, name, key)
            if key in modelled or key.startswith("x-"):
                continue
            if key in properties:
                yield from _checked(document, path, value, properties[key])
            else:
                hint = did_you_mean(key, sorted(modelled | set(properties)))
                position = document.key_position_of(path)
                yield Problem(position, field_path(path), f"unknown field `{key}`", hint)


def check_passthrough(document: Document) -> list[Problem]:
    """Every problem Compose's schema finds in the keys envgen passes through."""
    data = document.data
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    derived = set(Environment.model_fields) - set(spec_fields(Environment)) - {"name"}
    for key in sorted(derived & set(data)):  # `name` has a message of its own (validate)
        position = document.key_position_of((key,))
        problems.append(Problem(position, key, f"unknown field `{key}`", ""))
    services = data.get("services")
    if isinstance(services, dict):
        for name, service in services.items():
            if isinstance(service, dict):
                problems += _service(document, name, service)
    problems += _section(document, "volumes", "volume", frozenset(Volume.model_fields))
    problems += _section(document, "networks", "network", frozenset(Network.model_fields))
    for section, definition in (("secrets", "secret"), ("configs", "config"), ("models", "model")):
        entries = data.get(section)
        if isinstance(entries, dict):
            for name, entry in entries.items():
                subschema = compose_schema.definition_of(definition)
                problems += _checked(document, (section, name), entry, subschema)
    return problems


def compose_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A spec's data for the Environment model: its `x-*` keys gathered as extensions."""
    extensions = {key: value for key, value in data.items() if key.startswith("x-")}
    plain = {key: value for key, value in data.items() if not key.startswith("x-")}
    return {**plain, "extensions": extensions} if extensions else plain
