"""A preview made from its template: the template's merged spec with the id in place of
the token wherever a value identifies the environment, and the preview's labels added."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from envgen.model.environment import Environment
from envgen.model.previews.names import EXPIRES_LABEL, PREVIEW_LABEL, substitute
from envgen.reading.source import Document, Path

# The values that tell one environment from another (what the SEG rules compare), each
# with how it spells the token; `*` is any key or index. The proxy's basic-auth
# variables are not among them: they are the proxy's own, one team login for every
# preview, set once in the proxy's environment (a preview cannot add to it).
IDENTIFYING: tuple[tuple[tuple[str, ...], str], ...] = (
    (("compose_project",), "plain"),
    (("domain",), "plain"),
    (("cors_origins", "*"), "plain"),
    (("variables_file",), "plain"),
    (("database", "name"), "underscore"),
    (("database", "user"), "underscore"),
    (("database", "password_variable"), "upper"),
    (("database", "url_variable"), "upper"),
    (("integrations", "*", "identity"), "identity"),
    (("integrations", "*", "secrets", "*"), "upper"),
    (("image_tag",), "plain"),
    (("volumes", "*", "name"), "plain"),
    (("networks", "*", "name"), "plain"),
    (("services", "*", "container_name"), "plain"),
    (("secrets", "*", "environment"), "upper"),
)
# What a template says about itself only: a preview has no alias, no declared
# differences of its own, and is no template.
_TEMPLATE_ONLY = ("preview", "suffix", "intended_differences")


def places(data: Any) -> Iterator[tuple[Path, str, str]]:
    """Every identifying string value of merged spec data: its path, value and form."""
    for pattern, form in IDENTIFYING:
        for path, value in _matching(data, pattern, ()):
            if isinstance(value, str):
                yield path, value, form


def _matching(node: Any, pattern: tuple[str, ...], at: Path) -> Iterator[tuple[Path, Any]]:
    if not pattern:
        yield at, node
        return
    step, rest = pattern[0], pattern[1:]
    if isinstance(node, dict):
        keys = list(node) if step == "*" else [step] if step in node else []
        for key in keys:
            yield from _matching(node[key], rest, (*at, key))
    elif isinstance(node, list) and step == "*":
        for index, item in enumerate(node):
            yield from _matching(item, rest, (*at, index))


def expiry(now: datetime, template: Environment) -> str:
    """When a preview deployed at `now` expires, as an ISO 8601 UTC time."""
    assert template.preview is not None
    moment = now + timedelta(hours=template.preview.ttl_hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def instance_document(document: Document, token: str, preview_id: str, expires: str) -> Document:
    """The merged spec of preview `preview_id`, at the template's positions (a problem in
    a preview is a problem of the template's line)."""
    data = copy.deepcopy(document.data)
    for path, value, form in list(places(data)):
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = substitute(value, token, preview_id, form)
    for key in _TEMPLATE_ONLY:
        data.pop(key, None)
    labels = {PREVIEW_LABEL: preview_id, EXPIRES_LABEL: expires}
    for section in ("services", "volumes", "networks"):
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        for key in list(entries):
            if section != "services" and entries[key] is None:
                entries[key] = {}  # `data:` declares one with Compose's defaults
            entry = entries[key]
            if section != "services" and isinstance(entry, dict) and entry.get("external"):
                continue  # not the preview's to label (validate refuses it in a template)
            if isinstance(entry, dict):
                entry["labels"] = _labelled(entry.get("labels"), labels)
    return Document(data, document.values, document.keys)


def _labelled(existing: Any, labels: dict[str, str]) -> Any:
    """Compose's labels in either of its forms, with the preview's added."""
    if isinstance(existing, list):
        kept = [item for item in existing if str(item).split("=", 1)[0] not in labels]
        return [*kept, *(f"{key}={value}" for key, value in labels.items())]
    return {**(existing if isinstance(existing, dict) else {}), **labels}
