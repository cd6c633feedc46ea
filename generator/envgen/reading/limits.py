"""The limits of the YAML reader: size, depth, values (aliases counted in full), numbers.

A spec is a few kilobytes. These limits keep hostile input (a billion-laughs alias bomb,
10,000-deep nesting, a recursive alias, a number of thousands of digits) from costing
more than a second and a few megabytes; each is refused at its position instead.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import Node, ScalarNode

# Bytes in one spec file; real specs are below 10 KiB.
MAX_BYTES = 256 * 1024
# Levels of nesting; a spec needs about 8.
MAX_DEPTH = 64
# Values in one document, each alias counted as everything it stands for; real specs
# have a few hundred. Aliases are never expanded beyond this, so an alias bomb stops here.
MAX_VALUES = 5_000
# Characters of one number; Python refuses to read integers past 4,300 digits.
MAX_NUMBER_LENGTH = 100

STRING = "tag:yaml.org,2002:str"
# Steps of a field path named in a problem: enough to find the place, short enough to read.
_SHOWN_STEPS = 8


class LimitError(yaml.MarkedYAMLError):
    """Input past a limit, or an alias that contains itself; `field` names where."""

    def __init__(self, message: str, mark: Any, field: str) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.message = message
        self.line = mark.line + 1
        self.column = mark.column + 1
        self.field = field


class LimitedScanner(yaml.scanner.Scanner):
    """PyYAML's scanner, refusing deep flow nesting (`[[[[...`) as soon as it reads it:
    it scans a flow collection's openings ahead of the composer, and its bookkeeping of
    possible keys costs the square of their number, so 100,000 of them would never end."""

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        if self.flow_level >= MAX_DEPTH:
            mark = self.get_mark()  # type: ignore[attr-defined]  # the reader's, mixed in
            raise LimitError(f"nested more than {MAX_DEPTH} levels deep", mark, "")
        super().fetch_flow_collection_start(token_class)


class LimitedComposer(yaml.composer.Composer):
    """PyYAML's composer, counting depth and values as it goes.

    Aliases stay shared nodes, as PyYAML composes them; what is counted is what they
    would expand to, so that the conversion to plain data, which does expand them, is
    bounded before it starts."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._values = 0
        self._sizes: dict[str, int] = {}  # anchor -> values its node holds, itself included
        self._open: set[str] = set()  # anchors whose node is being composed
        self._steps: list[str] = []  # the keys and indexes down to the current node

    def _refuse(self, message: str, mark: Any) -> LimitError:
        steps = self._steps[:_SHOWN_STEPS] + ["..."] * (len(self._steps) > _SHOWN_STEPS)
        return LimitError(message, mark, ".".join(steps))

    def _count(self, values: int, mark: Any) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            raise self._refuse(
                f"more than {MAX_VALUES} values (aliases count as what they stand for)", mark
            )

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        step = _step(index)
        if step is not None:
            self._steps.append(step)
        try:
            return self._compose(parent, index)
        finally:
            if step is not None:
                self._steps.pop()

    def _compose(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[attr-defined]  # the parser's, mixed in
        if isinstance(event, AliasEvent):
            alias = str(event.anchor)
            if alias in self._open:
                raise self._refuse(f"alias `*{alias}` is inside its own anchor", event.start_mark)
            self._count(self._sizes.get(alias, 1), event.start_mark)
            return self._composed(parent, index)
        if self._depth >= MAX_DEPTH:
            raise self._refuse(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        anchor = event.anchor
        before = self._values
        self._count(1, event.start_mark)
        self._depth += 1
        if anchor is not None:
            self._open.add(anchor)
        try:
            node = self._composed(parent, index)
        finally:
            self._depth -= 1
            self._open.discard(anchor)
        if anchor is not None:
            self._sizes[anchor] = self._values - before
        if isinstance(event, ScalarEvent) and event.tag == "!":
            node.tag = STRING  # YAML 1.2: the non-specific `!` makes a scalar a string
        return node

    def _composed(self, parent: Node | None, index: Any) -> Node:
        node = super().compose_node(parent, index)
        assert node is not None  # the parser has an event for a node here
        return node


def _step(index: Any) -> str | None:
    """How the composer's `index` names a value: a key's text, or a list index."""
    if isinstance(index, ScalarNode):
        return str(index.value)
    if isinstance(index, int) and not isinstance(index, bool):
        return str(index)
    return None
