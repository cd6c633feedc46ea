"""Validates merged spec data with the pydantic models and turns every error into a
one-line problem that points at the line a person must edit."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from envgen.model.environment import Environment
from envgen.model.fields import pattern_meaning
from envgen.problems import Problem, did_you_mean
from envgen.project.passthrough import check_passthrough, compose_fields
from envgen.reading.source import Document, Path, field_path
from envgen.redaction import SECRET, is_secret_key


def validate(document: Document, name: str) -> tuple[Environment | None, list[Problem]]:
    """The environment `name`, or the problems that stop it from being one."""
    if "name" in document.data:
        position = document.keys[("name",)]
        message = "an environment is named by its file; remove `name`"
        return None, [Problem(position, "name", message, f"this one is `{name}`")]
    problems = check_passthrough(document)
    try:
        env = Environment.model_validate({**compose_fields(document.data), "name": name})
    except ValidationError as error:
        return None, problems + [_problem(detail, document) for detail in error.errors()]
    return (None if problems else env), problems


def _data_path(document: Document, loc: tuple[int | str, ...]) -> Path:
    """Drop pydantic's own steps (validator and union tags) from an error location."""
    path: Path = ()
    node: Any = document.data
    for index, part in enumerate(loc):
        found_in_dict = isinstance(node, dict) and part in node
        found_in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if found_in_dict or found_in_list:
            node = node[part]
        elif index == len(loc) - 1 and isinstance(part, str) and part.isidentifier():
            return (*path, part)  # a missing key: named by the error, absent from the data
        else:
            continue
        path = (*path, part)
    return path


def _may_hold_secret(path: Path) -> bool:
    """Whether the value at `path` may be a secret, so that no message may quote it: a
    field or variable whose name says so, or a value of a key that is itself rejected."""
    names = [step for step in path if isinstance(step, str)]
    return bool(names) and is_secret_key(names[-1])


def _problem(detail: ErrorDetails, document: Document) -> Problem:
    path = _data_path(document, tuple(detail["loc"]))
    if _may_hold_secret(path) and "[key]" not in detail["loc"]:
        detail = _unquoted(detail)
    kind = detail["type"]
    field = field_path(path)
    if kind == "extra_forbidden":
        key = str(path[-1])
        hint = did_you_mean(key, _fields_at(path[:-1]))
        position = document.key_position_of(path)
        return Problem(position, field, f"unknown field `{key}`", hint)
    if kind == "missing":
        return Problem(document.position_of(path[:-1]), field, "required field is missing")
    if "[key]" in detail["loc"]:  # the key itself is invalid, not its value
        position = document.key_position_of(path)
        return Problem(position, field, _message(detail), _hint(detail))
    return Problem(document.position_of(path), field, _message(detail), _hint(detail))


class _Hidden:
    """Stands for a rejected value that may be a secret: described, never quoted."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _unquoted(detail: ErrorDetails) -> ErrorDetails:
    """The error with its input hidden, and every spelling of it cut from the message."""
    value = detail["input"]
    message = detail["msg"]
    if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
        for spelling in (repr(value), str(value)):
            message = message.replace(spelling, SECRET)
    return {**detail, "input": _Hidden(value), "msg": message}


_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}


def _describe(value: Any) -> str:
    if isinstance(value, _Hidden):
        if isinstance(value.value, str | int | float) and not isinstance(value.value, bool):
            return f"{len(str(value.value))} characters, not shown as they may be a secret"
        return _describe(value.value)
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"`{value}`"


def _message(detail: ErrorDetails) -> str:
    kind = detail["type"]
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_describe(detail['input'])}"
    if kind in ("less_than_equal", "greater_than_equal", "greater_than", "less_than"):
        bound = next(iter(detail.get("ctx", {}).values()), "")
        bound = f"{bound:g}" if isinstance(bound, float) else bound
        words = {
            "less_than_equal": "at most",
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        return f"{_describe(detail['input'])} is out of range: must be {words} {bound}"
    if kind == "value_error":
        return detail["msg"].removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        meaning = pattern_meaning(str(detail.get("ctx", {}).get("pattern", "")))
        if isinstance(detail["input"], _Hidden):
            return f"invalid value ({_describe(detail['input'])}): {meaning}"
        return f"invalid value {_describe(detail['input'])}: {meaning}"
    message = detail["msg"]
    return message[0].lower() + message[1:]


def _hint(detail: ErrorDetails) -> str:
    if detail["type"] in ("literal_error", "enum") and isinstance(detail["input"], str):
        expected = str(detail.get("ctx", {}).get("expected", ""))
        choices = [choice.strip(" '") for choice in expected.replace(" or ", ",").split(",")]
        return did_you_mean(detail["input"], choices)
    return ""


def _fields_at(path: Path) -> list[str]:
    """The field names the models allow at `path`, for did-you-mean hints."""
    annotation: Any = Environment
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(str(part))
            if info is None:
                return []
            annotation = info.annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        elif typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """`Model | None` and `Annotated[Model, ...]` to `Model`."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _unwrap(arg)
    return annotation
