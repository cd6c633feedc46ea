"""libyaml's parser, for the specs it reads exactly as the pure-Python reader does.

The pure-Python reader (source.py with limits.py) is the reference and gives every
problem its message. This is only a faster way to the same node tree, taken when the text
holds nothing on which the two could differ (tabs, carriage returns, no final newline,
characters outside ASCII or that YAML forbids, the bare `!` tag, a tag running into a flow
indicator or with no handle before its second `!`, an empty value in a flow collection, a
comment against a block scalar's header, `?` and `<<`) and nothing nested deep enough to
strain libyaml's recursive composer; and its tree is used only when it is within the
limits, aliases counted as what they stand for.
Anything else, and any error, goes the pure-Python way, so every message stays the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from envgen.reading.limits import MAX_DEPTH, MAX_VALUES

# The non-specific tag (`!` alone) where a node can start.
_BARE_TAG = re.compile(r"(?:^|[\s\[{,])!(?=[\s\]},]|$)", re.MULTILINE)
# A tag running into a flow indicator (`[a, !t, b]`: libyaml ends the tag at the comma,
# PyYAML takes the comma into it), and a verbatim tag (`!<x>,`: libyaml takes it without
# the space PyYAML requires after it).
_TAG_INTO_FLOW = re.compile(r"(?:^|[\s\[{,])!(?:<|\S*?[,\[\]{}])", re.MULTILINE)
# A tag whose text before a second `!` is no tag handle (`!t=x!y`): PyYAML reads `!t=x!` as
# a handle and refuses it, libyaml reads the whole as one tag.
_BAD_TAG_HANDLE = re.compile(r"(?:^|[\s\[{,])![^\s!]*[^\w\s!-][^\s!]*!", re.MULTILINE)
# An empty value after `: ` inside a flow collection (`{a: , b: 1}`, `[a: ]`): libyaml
# places it after the spaces, PyYAML at the colon. Comments may stand between.
_EMPTY_FLOW_VALUE = re.compile(r":[ \n]+(?:#[^\n]*\n[ \n]*)*[,\]}]")
# A block scalar's header with a comment and no space before it (`key: >#note`): PyYAML
# refuses it, libyaml reads a block scalar.
_BLOCK_HEADER_COMMENT = re.compile(r"(?:^|\s)[|>][-+0-9]*#", re.MULTILINE)
# Where `?` is Compose's and no YAML indicator: `${NAME:?message}`, `${NAME?}`. Any other
# `?` may be an explicit key, which libyaml reads in places where PyYAML does not.
_REQUIRED_REFERENCE = re.compile(r"\$\{\w+:?\?")
# What opens a level of block nesting at the start of a line: indentation, `- ` and `? `.
_LINE_OPENING = re.compile(r"^[ ?-]*", re.MULTILINE)
_BRACKETS = re.compile(r"[\[\]{}]")


def _may_differ(text: str) -> bool:
    """Whether the text has anything on which libyaml and PyYAML's reader might not agree."""
    return (
        not text.isascii()
        or not text.endswith("\n")  # marks of an empty node at the very end differ
        or "\t" in text
        or "\r" in text
        or yaml.reader.Reader.NON_PRINTABLE.search(text) is not None
        or _BARE_TAG.search(text) is not None
        or _TAG_INTO_FLOW.search(text) is not None
        or _BAD_TAG_HANDLE.search(text) is not None
        or _EMPTY_FLOW_VALUE.search(text) is not None
        or _BLOCK_HEADER_COMMENT.search(text) is not None
        or "?" in _REQUIRED_REFERENCE.sub("", text)
        or "<<" in text  # a merge key
    )


def _may_be_deep(text: str) -> bool:
    """A bound on the nesting from the text alone, before libyaml's recursive composer sees
    it: every level needs a character of a line's opening or an open bracket."""
    deepest_block = max((len(match) for match in _LINE_OPENING.findall(text)), default=0)
    depth = deepest_flow = 0
    for bracket in _BRACKETS.findall(text):
        depth += 1 if bracket in "[{" else -1
        deepest_flow = max(deepest_flow, depth)
    return deepest_block + deepest_flow >= MAX_DEPTH // 2


def _within_limits(root: Node) -> bool:
    """Whether a tree is within the reader's limits, each alias counted (and nested) as
    the whole node it stands for; a node inside itself is not."""
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) it expands to
    visiting: set[int] = set()

    def measure(node: Node) -> tuple[int, int]:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in visiting:
            raise RecursionError  # an alias inside its own anchor
        visiting.add(id(node))
        values, depth = 1, 1
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        for child in children:
            child_values, child_depth = measure(child)
            values += child_values
            depth = max(depth, child_depth + 1)
            if values > MAX_VALUES or depth > MAX_DEPTH:
                raise RecursionError
        visiting.discard(id(node))
        sizes[id(node)] = (values, depth)
        return values, depth

    try:
        measure(root)
    except RecursionError:
        return False
    return True


def fast_composer(resolver: type) -> Callable[[str], Node | None]:
    """A composer on libyaml with `resolver`'s implicit types: the node tree of a text, or
    None when the text is for the pure-Python reader (or libyaml is not installed)."""
    if not getattr(yaml, "__with_libyaml__", False):
        return lambda text: None
    from yaml._yaml import CParser  # noqa: PLC0415 (only where PyYAML was built with libyaml)

    class FastLoader(CParser, resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            resolver.__init__(self)  # type: ignore[misc]

    def compose(text: str) -> Node | None:
        if _may_differ(text) or _may_be_deep(text):
            return None
        loader = FastLoader(text)
        try:
            node: Node | None = loader.get_single_node()
        except Exception:  # any error: the reference reader explains it
            return None
        finally:
            loader.dispose()
        if node is None or not _within_limits(node):
            return None
        return node

    return compose
