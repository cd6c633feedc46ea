"""Which variables a compose document reads as secrets: one named as a secret
(`DB_PASSWORD`), one given to a container variable named as one
(`POSTGRES_PASSWORD: ${DB_PASS}`), or one that sits where a value holds a credential (the
password of a URL, a `--password` option). A variable that only names a database or a
user (`POSTGRES_USER: ${DB_USER}`) is none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from envgen.compose.interpolation import referenced
from envgen.model.secrecy import credentials, is_secret_name


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _in_place(service: dict[str, Any]) -> Iterator[str]:
    """Variables given to a container variable whose name says it holds a secret."""
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    for key, value in environment.items():
        if isinstance(value, str) and is_secret_name(key):
            yield from referenced(value)


def secret_references(doc: dict[str, Any]) -> set[str]:
    """The names of the variables the document reads as secrets."""
    found = set()
    for text in _strings(doc):
        found |= {name for name in referenced(text) if is_secret_name(name)}
        for credential in credentials(text):
            found |= set(referenced(text[credential.start : credential.end]))
    for service in (doc.get("services") or {}).values():
        if isinstance(service, dict):
            found |= set(_in_place(service))
    return found
