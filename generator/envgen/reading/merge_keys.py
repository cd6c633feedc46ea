"""YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`), read as Docker Compose reads them.

A mapping's own keys win over merged ones wherever they are written; in a list of merged
mappings an earlier one wins over a later one; a merged mapping's own `<<` is merged
first. `<<` is a merge key only plain or tagged `!!merge`: quoted, it is a plain key.
Merged entries keep the nodes they are written at, so a problem inside merged content
points at the anchor's text, where it must be fixed. The reader's limits already count
every alias in full, so merged content counts against them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from envgen.reading.scalars import CORE, shown_tag

MERGE_TAG = f"{CORE}merge"
RESET_TAG = "!reset"
MERGE_KEY = "<<"
_PLAIN_MAPPING = (f"{CORE}map", "!")


@dataclass(frozen=True)
class Entry:
    """One key and value of a mapping once its merge keys are applied. `kept` marks a key
    written `!reset` beside a merged value: Compose drops base.yaml's value and keeps the
    merged one, as if it were written `!override`."""

    key: Node
    value: Node
    kept: bool = False


@dataclass(frozen=True)
class Misfit:
    """A merge key that cannot be applied: where (steps below the mapping), what."""

    node: Node
    steps: tuple[str | int, ...]
    message: str
    hint: str = ""


KeyText = Callable[[Node], str | None]


def is_merge_key(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == MERGE_TAG


def entries(node: MappingNode, key_text: KeyText) -> tuple[list[Entry], list[Misfit]]:
    """The entries of `node` with its merge keys applied, in the order written (merged
    entries where their `<<` stands), and what stopped a merge. Duplicate written keys
    stay, for the reader to report."""
    misfits: list[Misfit] = []
    written = [key_text(key) for key, _ in node.value if not is_merge_key(key)]
    taken = {text for text in written if text is not None}
    merged: dict[str, Node] = {}  # every merged key's value, the ones written over too
    result: list[Entry] = []
    merge_key: Node | None = None
    for key, value in node.value:
        if not is_merge_key(key):
            result.append(Entry(key, value))
            continue
        if merge_key is not None:
            line = merge_key.start_mark.line + 1
            message = f"duplicate key `{MERGE_KEY}` (first defined at line {line})"
            misfits.append(Misfit(key, (MERGE_KEY,), message, "merge a list: <<: [*a, *b]"))
            continue
        merge_key = key
        for source in _sources(key, value, misfits):
            inner, inner_misfits = entries(source, key_text)
            misfits += inner_misfits
            for entry in inner:
                text = key_text(entry.key)
                if text is not None and (text in merged or text in taken):
                    merged.setdefault(text, entry.value)
                    continue
                if text is not None:
                    merged[text] = entry.value
                result.append(entry)
    return [_kept(entry, merged, key_text) for entry in result], misfits


def _kept(entry: Entry, merged: dict[str, Node], key_text: KeyText) -> Entry:
    if entry.value.tag != RESET_TAG:
        return entry
    text = key_text(entry.key)
    value = merged.get(text) if text is not None else None
    if value is None or value.tag == RESET_TAG:
        return entry
    return Entry(entry.key, value, kept=True)


def _sources(key: Node, value: Node, misfits: list[Misfit]) -> list[MappingNode]:
    """The mappings a merge key merges, earliest first."""
    items = value.value if isinstance(value, SequenceNode) else [value]
    sources: list[MappingNode] = []
    for index, item in enumerate(items):
        steps: tuple[str | int, ...] = (MERGE_KEY,)
        if isinstance(value, SequenceNode):
            steps = (MERGE_KEY, index)
        if isinstance(item, MappingNode) and item.tag in _PLAIN_MAPPING:
            sources.append(item)
            continue
        kind = _kind(item)
        message = f"a merge key takes a mapping or a list of mappings, not {kind}"
        misfits.append(Misfit(key, steps, message, "write <<: *anchor or <<: [*a, *b]"))
    return sources


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return f"a mapping tagged `{shown_tag(node.tag)}`"
    return "a list" if isinstance(node, SequenceNode) else "a single value"
