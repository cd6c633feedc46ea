"""The order in which the team wrote its keys: Compose's JSON sorts them, the specs keep
the order of the compose files (the first file that writes a key places it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser where PyYAML was built with it: ten times the pure-Python one.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """YAML as written, Compose's own tags (`!reset`, `!override`) read as plain values."""


def _untagged(loader: Any, _: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("!", _untagged)


def written(files: Sequence[Path]) -> list[Any]:
    """Each file's data as written; a file that YAML cannot read counts as empty (Compose
    has read it already, so this is only a matter of order)."""
    found = []
    for file in files:
        try:
            found.append(yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            found.append(None)
    return found


def in_written_order(model: Any, sources: Sequence[Any]) -> Any:
    """`model` with each mapping's keys in the order the sources write them; keys that
    no source writes (Compose's additions) keep their place after those."""
    if isinstance(model, dict):
        mappings = [s for s in sources if isinstance(s, dict)]
        order = list(dict.fromkeys(key for mapping in mappings for key in mapping))
        keys = [key for key in order if key in model] + [key for key in model if key not in order]
        return {
            key: in_written_order(model[key], [m[key] for m in mappings if key in m])
            for key in keys
        }
    if isinstance(model, list):
        lists = [s for s in sources if isinstance(s, list) and len(s) == len(model)]
        return [
            in_written_order(item, [found[index] for found in lists])
            for index, item in enumerate(model)
        ]
    return model
