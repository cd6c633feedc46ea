"""Reads one YAML spec into plain data plus the file position of every key and value.

The reader follows YAML 1.2's core schema, so `restart: no`, `on:` and `5432:22` stay the
strings a person wrote instead of YAML 1.1's booleans and base-60 numbers. Duplicate keys
are errors, and `!remove` marks an inherited key for deletion when merged.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from envgen.problems import Position, Problem

Path = tuple[str | int, ...]

REMOVE_TAG = "!remove"


class Remove:
    """The value of a key written `!remove`: delete what base.yaml gave it."""

    def __repr__(self) -> str:
        return "!remove"


REMOVE = Remove()


@dataclass
class Document:
    """A spec's plain data, with 1-based positions of every value and every key."""

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def position_of(self, path: Path) -> Position:
        """Where `path` is written, or where the nearest enclosing value is."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Position("?"))

    def key_position_of(self, path: Path) -> Position:
        """Where the key of `path` is written (for a problem with the key itself), or the
        nearest value's position when it has no key (a list item)."""
        return self.keys.get(path) or self.position_of(path)


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema implicit types, nothing more."""


_CORE_TYPES: list[tuple[str, str, str]] = [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
]
for _name, _pattern, _first in _CORE_TYPES:
    _CoreResolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{_name}", re.compile(_pattern), list(_first)
    )


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _CoreResolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _CoreResolver.__init__(self)


def _position(path: str, node: Node) -> Position:
    mark = node.start_mark
    return Position(path, mark.line + 1, mark.column + 1)


def field_path(path: Path) -> str:
    """`services.backend.ports.0`: how problems name a field."""
    return ".".join(str(part) for part in path)


def _scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:int":
        return int(value, 0) if value.startswith(("0o", "0x")) else int(value)
    if tag == "tag:yaml.org,2002:float":
        lowered = value.lower().lstrip("+")
        if lowered.endswith(".inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        return float(value)
    return value


class _Converter:
    """Turns a node tree into plain data, recording positions and problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.document = Document(None)
        self.problems: list[Problem] = []

    def problem(self, node: Node, where: Path, message: str, hint: str = "") -> None:
        self.problems.append(Problem(_position(self.path, node), field_path(where), message, hint))

    def convert(self, node: Node, where: Path) -> Any:
        self.document.values[where] = _position(self.path, node)
        if node.tag == REMOVE_TAG:
            if not isinstance(node, ScalarNode) or node.value:
                self.problem(node, where, "`!remove` takes no value")
            return REMOVE
        if node.tag.startswith("!"):
            self.problem(node, where, f"unknown tag `{node.tag}`", "the only tag is `!remove`")
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, where)
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*where, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return _scalar(node)

    def _mapping(self, node: MappingNode, where: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or key_node.tag == "tag:yaml.org,2002:null":
                self.problem(key_node, where, "keys must be strings", "quote the key")
                continue
            child = (*where, key)
            if key in result:
                first = self.document.keys[child]
                self.problem(
                    key_node, child, f"duplicate key `{key}` (first defined at line {first.line})"
                )
                continue
            self.document.keys[child] = _position(self.path, key_node)
            result[key] = self.convert(value_node, child)
        return result


def load(text: str, path: str) -> tuple[Document, list[Problem]]:
    """Parse one spec's text; `path` is how problems name the file."""
    try:
        node = yaml.compose(text, Loader=_Loader)  # type: ignore[arg-type]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path)
        message = error.problem or error.context or "invalid YAML"
        return Document(None), [Problem(position, "", f"YAML syntax error: {message}")]
    except yaml.YAMLError as error:  # reader errors: bad encoding, control characters
        return Document(None), [Problem(Position(path), "", f"unreadable YAML: {error}")]
    if node is None:
        return Document(None), [
            Problem(Position(path), "", "the file is empty", "a spec is a mapping of fields")
        ]
    converter = _Converter(path)
    converter.document.data = converter.convert(node, ())
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        converter.problem(node, (), f"expected a mapping of fields at the top level, got {kind}")
    return converter.document, converter.problems
