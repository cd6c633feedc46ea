"""Reads one YAML spec into plain data plus the file position of every key and value.

The reader follows YAML 1.2's core schema, so `restart: no`, `on:` and `5432:22` stay the
strings a person wrote instead of YAML 1.1's booleans and base-60 numbers. Duplicate keys
are errors, merge keys (`<<: *anchor`) mean what they mean to Compose (merge_keys.py), and
`!remove` marks an inherited key for deletion when merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from envgen.problems import Position, Problem
from envgen.reading.fast_yaml import fast_composer
from envgen.reading.limits import MAX_BYTES, LimitedComposer, LimitedScanner, LimitError
from envgen.reading.merge_keys import MERGE_KEY, MERGE_TAG, entries
from envgen.reading.scalars import (
    CORE,
    PLAIN_TIMESTAMP,
    ScalarError,
    collection_tag_problem,
    plain_kind,
    read,
    tag_problem,
)

Path = tuple[str | int, ...]

REMOVE_TAG = "!remove"


class Remove:
    """The value of a key written `!remove`: delete what base.yaml gave it."""

    def __repr__(self) -> str:
        return "!remove"


REMOVE = Remove()

# Compose's merge tags: `!reset` drops what base.yaml gave (and may name nothing there),
# `!override` replaces it whole instead of merging key by key.
RESET_TAG = "!reset"
OVERRIDE_TAG = "!override"


class Reset:
    """The value of a key written `!reset`: base.yaml's value, if any, is dropped."""

    def __repr__(self) -> str:
        return "!reset"


RESET = Reset()


@dataclass(frozen=True)
class Override:
    """A value written `!override`: it replaces base.yaml's instead of merging with it."""

    value: Any


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
    """Plain scalars as Compose's go-yaml v3 resolves them (scalars.plain_kind)."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:
            # A plain `<<` is YAML's merge key, as Compose reads it (merge_keys.py).
            if value == MERGE_KEY:
                return MERGE_TAG
            plain = plain_kind(value)
            return PLAIN_TIMESTAMP if plain == "timestamp" else f"{CORE}{plain}"
        resolved: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return resolved


class _Loader(
    yaml.reader.Reader,
    LimitedScanner,
    yaml.parser.Parser,
    LimitedComposer,
    _CoreResolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        LimitedScanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        LimitedComposer.__init__(self)
        _CoreResolver.__init__(self)


_compose_fast = fast_composer(_CoreResolver)


def _position(path: str, node: Node) -> Position:
    mark = node.start_mark
    return Position(path, mark.line + 1, mark.column + 1)


def field_path(path: Path) -> str:
    """`services.backend.ports.0`: how problems name a field."""
    return ".".join(str(part) for part in path)


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
        if node.tag == RESET_TAG:
            if node.value not in ("", [], "null", "~"):
                self.problem(node, where, "`!reset` takes no value, `[]` or `{}`")
            return RESET
        if node.tag == OVERRIDE_TAG:
            node.tag = self._plain_tag(node)
            return Override(self.convert(node, where))
        if isinstance(node, MappingNode | SequenceNode):
            kind = "mapping" if isinstance(node, MappingNode) else "list"
            refused = collection_tag_problem(node.tag, kind)
            if refused is not None:
                self.problem(node, where, *refused)
                return None
            if isinstance(node, MappingNode):
                return self._mapping(node, where)
            return [self.convert(item, (*where, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, where)

    def _scalar(self, node: ScalarNode, where: Path) -> Any:
        if node.tag == MERGE_TAG:
            hint = f'quote it if it is text: "{MERGE_KEY}"'
            self.problem(
                node, where, f"a plain `{MERGE_KEY}` is YAML's merge key, not a value", hint
            )
            return None
        refused = tag_problem(node.tag)
        if refused is not None:
            self.problem(node, where, *refused)
            return None
        try:
            return read(node.tag, node.value)
        except ScalarError as error:
            self.problem(node, where, str(error))
            return None

    @staticmethod
    def _plain_tag(node: Node) -> str:
        """The tag the node would have without `!override`."""
        if isinstance(node, MappingNode):
            return "tag:yaml.org,2002:map"
        if isinstance(node, SequenceNode):
            return "tag:yaml.org,2002:seq"
        resolver = _CoreResolver()
        resolved: str = resolver.resolve(ScalarNode, node.value, (True, False))
        return resolved

    def _mapping(self, node: MappingNode, where: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged, misfits = entries(node, _key_text)
        for misfit in misfits:
            self.problem(misfit.node, (*where, *misfit.steps), misfit.message, misfit.hint)
        for entry in merged:
            key_node = entry.key
            refused = tag_problem(key_node.tag)
            if refused is not None:
                self.problem(key_node, where, *refused)
                continue
            if isinstance(key_node, ScalarNode):
                try:
                    key = read(key_node.tag, key_node.value)
                except ScalarError as error:
                    self.problem(key_node, where, f"a key {error}")
                    continue
            else:
                key = None
            if not isinstance(key, str):
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
            value = self.convert(entry.value, child)
            result[key] = Override(value) if entry.kept else value
        return result


def _key_text(node: Node) -> str | None:
    """A key's text when it is a string key, else None (the converter says why)."""
    if not isinstance(node, ScalarNode) or tag_problem(node.tag) is not None:
        return None
    if node.tag == PLAIN_TIMESTAMP:
        return str(node.value)  # a date as a key is the text written
    try:
        key = read(node.tag, node.value)
    except ScalarError:
        return None
    return key if isinstance(key, str) else None


def _reader_position(text: str, path: str, error: yaml.reader.ReaderError) -> Position:
    before = text[: error.position]
    return Position(path, before.count("\n") + 1, error.position - before.rfind("\n"))


def _composer_problem(path: str, error: yaml.composer.ComposerError) -> Problem:
    """An alias without its anchor, or an anchor defined twice."""
    mark = error.problem_mark
    position = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path)
    context = error.context or ""
    if context.startswith("found duplicate anchor") and error.context_mark is not None:
        anchor = context.split("'")[1] if "'" in context else ""
        line = error.context_mark.line + 1
        return Problem(position, "", f"anchor `&{anchor}` is defined twice (first at line {line})")
    return Problem(position, "", f"YAML error: {error.problem or context}")


def load(text: str, path: str, *, fast: bool = True) -> tuple[Document, list[Problem]]:
    """Parse one spec's text; `path` is how problems name the file. With `fast`, libyaml
    composes the text where it reads it exactly as the pure-Python reader does."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        message = f"the file is larger than {MAX_BYTES // 1024} KiB"
        return Document(None), [Problem(Position(path), "", message, "a spec is a few KiB")]
    node = _compose_fast(text) if fast else None
    if node is not None:
        return _convert(node, path)
    try:
        node = yaml.compose(text, Loader=_Loader)  # type: ignore[arg-type]
    except LimitError as error:
        position = Position(path, error.line, error.column)
        return Document(None), [Problem(position, error.field, error.message)]
    except yaml.reader.ReaderError as error:  # a character YAML does not allow in a file
        position = _reader_position(text, path, error)
        message = f"character U+{error.character:04X} is not allowed in YAML"
        hint = "write it as an escape inside double quotes, e.g. \\t"
        return Document(None), [Problem(position, "", message, hint)]
    except yaml.composer.ComposerError as error:
        return Document(None), [_composer_problem(path, error)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path)
        message = error.problem or error.context or "invalid YAML"
        return Document(None), [Problem(position, "", f"YAML syntax error: {message}")]
    if node is None:
        return Document(None), [
            Problem(Position(path), "", "the file is empty", "a spec is a mapping of fields")
        ]
    return _convert(node, path)


def _convert(node: Node, path: str) -> tuple[Document, list[Problem]]:
    """A composed tree as plain data with positions, and its problems."""
    converter = _Converter(path)
    converter.document.data = converter.convert(node, ())
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        converter.problem(node, (), f"expected a mapping of fields at the top level, got {kind}")
    return converter.document, converter.problems
