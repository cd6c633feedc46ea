"""The proof of an import: Compose's model of the original files and of envgen's render,
compared key by key, less what envgen adds or leaves out by design (each with why)."""

from __future__ import annotations

import copy
import posixpath
from dataclasses import dataclass
from typing import Any

from envgen.model.secrecy import is_reference, is_secret_name
from envgen.redaction import redact

# What envgen writes differently on purpose, with why; the comparison takes them out and
# lists them. docs/tutorials/adopt-existing-compose-files.md says the same.
_REASONS = {
    "volumes": "envgen leaves out a volume that no service of the environment mounts",
    "networks": "envgen leaves out a network that no service of the environment joins",
    "absolute": "envgen writes an absolute host path normalized (no trailing `/`, no `.` "
    "or `..` steps): the same folder",
}
DOCUMENTED = tuple(_REASONS.values())


@dataclass(frozen=True)
class Difference:
    """One key whose value differs: in the original, in the render, and why if known."""

    path: str
    original: Any
    rendered: Any
    reason: str = ""  # set when the difference is documented

    def __str__(self) -> str:
        name = self.path.rsplit(".", 1)[-1]
        secret = is_secret_name(name)
        original, rendered = (
            _short(v, name, secret=secret) for v in (self.original, self.rendered)
        )
        line = f"{self.path}: {original} in the original, {rendered} rendered"
        return f"{line} ({self.reason})" if self.reason else line


_MISSING = "(absent)"


def differences(original: dict[str, Any], rendered: dict[str, Any]) -> list[Difference]:
    """Every differing key; then the documented ones, each with its reason."""
    documented: list[Difference] = []
    # One copy of each, which the steps below change in place.
    original, rendered = as_compose_means(original), as_compose_means(rendered)
    original = _without_unused(original, documented)
    rendered = _absolute_as_written(original, rendered, documented)
    found: list[Difference] = []
    _walk(original, rendered, "", found)
    return found + documented


# Keys whose list form (`- NAME=value`) is Compose's other spelling of a mapping, whose
# values Compose takes as strings: without interpolation, `config` keeps them as written.
_MAPPINGS = (
    ("environment",),
    ("labels",),
    ("annotations",),
    ("sysctls",),
    ("build", "args"),
    ("build", "labels"),
)


def as_compose_means(model: dict[str, Any]) -> dict[str, Any]:
    """`model` with each list-form mapping a mapping and its values strings, as Compose
    reads them once it interpolates: two spellings of one meaning compare equal. A copy:
    `model` is left as it is."""
    model = copy.deepcopy(model)
    for service in _services(model).values():
        for steps in _MAPPINGS:
            holder = service
            for step in steps[:-1]:
                holder = holder.get(step) if isinstance(holder, dict) else None
            if isinstance(holder, dict) and steps[-1] in holder:
                holder[steps[-1]] = mapping_as_compose_means(holder[steps[-1]])
    return model


def mapping_as_compose_means(value: Any) -> Any:
    """A list-form mapping (`- NAME=value`) as a mapping, its values as strings."""
    if isinstance(value, list):
        pairs = [str(item).partition("=") for item in value]
        value = {name: text if equals else None for name, equals, text in pairs}
    if isinstance(value, dict):
        return {key: _text(item) for key, item in value.items()}
    return value


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if value is None or isinstance(value, str) else str(value)


def _walk(low: Any, high: Any, path: str, found: list[Difference]) -> None:
    if isinstance(low, dict) and isinstance(high, dict):
        for key in sorted(set(low) | set(high)):
            child = f"{path}.{key}" if path else str(key)
            _walk(low.get(key, _MISSING), high.get(key, _MISSING), child, found)
    elif low != high:
        found.append(Difference(path, low, high))


def _services(model: dict[str, Any]) -> dict[str, Any]:
    services = model.get("services")
    return services if isinstance(services, dict) else {}


def _without_unused(model: dict[str, Any], documented: list[Difference]) -> dict[str, Any]:
    """The original without the volumes and networks that no service uses; in place."""
    for section in ("volumes", "networks"):
        entries = model.get(section)
        if not isinstance(entries, dict):
            continue
        for key in [k for k in entries if not _used(model, section, k)]:
            documented.append(
                Difference(f"{section}.{key}", entries.pop(key), _MISSING, _REASONS[section])
            )
        if not entries:
            del model[section]
    return model


def _absolute_as_written(
    original: dict[str, Any], rendered: dict[str, Any], documented: list[Difference]
) -> dict[str, Any]:
    """The render with the original's spelling of absolute bind sources, where they name
    the same folder."""
    theirs = _services(original)
    for name, service in _services(rendered).items():
        before, after = theirs.get(name, {}).get("volumes"), service.get("volumes")
        if not (isinstance(before, list) and isinstance(after, list) and len(before) == len(after)):
            continue
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            first = old.get("source") if isinstance(old, dict) else None
            second = new.get("source") if isinstance(new, dict) else None
            if not (isinstance(first, str) and isinstance(second, str)):
                continue
            if first != second and first.startswith("/") and posixpath.normpath(first) == second:
                new["source"] = first
                path = f"services.{name}.volumes.{index}.source"
                documented.append(Difference(path, first, second, _REASONS["absolute"]))
    return rendered


def _used(model: dict[str, Any], section: str, key: str) -> bool:
    for service in _services(model).values():
        if section == "networks" and key in (service.get("networks") or {}):
            return True
        if section == "volumes" and any(
            isinstance(m, dict) and m.get("type") == "volume" and m.get("source") == key
            for m in service.get("volumes") or []
        ):
            return True
    return False


def _short(value: Any, name: str, *, secret: bool) -> str:
    if value == _MISSING:
        return "absent"
    if secret and not (isinstance(value, str) and is_reference(value)):
        return "a value (hidden: its name says it is a secret)"
    # A mapping or a list shows its parts by the same rule, and a credential inside a
    # string (a URL's password, `--password x`) is cut out: the redaction rule's.
    text = repr(redact(value, name))
    return text if len(text) <= 80 else text[:77] + "..."
