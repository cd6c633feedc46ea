"""Compose's list form of a mapping (`- NAME=value`) as the mapping it stands for, with
the position of each item, so that a spec merges over base.yaml name by name whatever
form each writes (as Compose's `-f a -f b` does) and a problem points at its item."""

from __future__ import annotations

from typing import Any

from envgen.reading.source import Document, Path

# A service's fields that Compose takes as a list of `NAME=value` or as a mapping, and
# merges by name. (`extra_hosts` is not one: Compose appends its entries.)
MAPPING_FIELDS: tuple[Path, ...] = (("environment",), ("labels",), ("build", "args"), ("sysctls",))


def as_mapping(items: list[Any]) -> dict[str, str | None] | None:
    """`NAME=value` items as {NAME: value}, `NAME` alone as {NAME: None}; None when an
    item is no string (the models say why)."""
    if not all(isinstance(item, str) for item in items):
        return None
    pairs: dict[str, str | None] = {}
    for item in items:
        name, equals, value = item.partition("=")
        pairs[name] = value if equals else None
    return pairs


def mapping_forms(document: Document) -> Document:
    """The document with every service's list form of a mapping written as the mapping."""
    services = document.data.get("services") if isinstance(document.data, dict) else None
    if not isinstance(services, dict):
        return document
    lists = [
        ("services", name, *field)
        for name, service in services.items()
        for field in MAPPING_FIELDS
        if isinstance(_at(service, field), list)
    ]
    if not lists:
        return document
    result = Document(_copied(document.data, lists), dict(document.values), dict(document.keys))
    for path in lists:
        parent = _at(result.data, path[:-1])
        items = parent[path[-1]]
        pairs = as_mapping(items)
        if pairs is None:
            continue
        parent[path[-1]] = pairs
        for index, item in enumerate(items):
            where = document.values.get((*path, index))
            if where is not None:  # the item's line, for its name and its value alike
                name = item.partition("=")[0]
                result.values[(*path, name)] = result.keys[(*path, name)] = where
    return result


def _at(data: Any, path: Path) -> Any:
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def _copied(data: Any, paths: list[Path]) -> Any:
    """`data` with fresh dicts along `paths`, so rewriting them leaves the original alone."""
    if not isinstance(data, dict):
        return data
    copy = dict(data)
    for step in {path[0] for path in paths if path}:
        if step in copy:
            copy[step] = _copied(copy[step], [path[1:] for path in paths if path[:1] == (step,)])
    return copy
