"""Literal secrets lifted out of a team's compose files: each becomes a `${VARIABLE}`
reference in the imported specs, and its value is never written or printed.

The specs are committed, and envgen's own rule SEC001 refuses a secret written down in
them; a compose file that did so (or a git-ignored overlay) must not have its password
copied into a new file. What counts as a secret is what SEC001 and the redaction rule
read (model/secrecy.py): a value under a secret name (variables, labels, build arguments),
and the credentials inside any value or command line (a URL's password, `--password x`).
The values are kept in memory only, for the proof: Compose's model of the render, with
each lifted reference read back as its value, must equal the original's.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from envgen.compose.interpolation import (
    InterpolationError,
    Reference,
    interpolate,
    parse,
    unparse,
)
from envgen.importing.compare import mapping_as_compose_means
from envgen.importing.specs import Spec
from envgen.model.secrecy import credentials, is_reference, is_secret_name
from envgen.redaction import SECRET, public_in, redact_text

_NOT_NAME = re.compile(r"[^A-Z0-9]+")
# Shorter values are not looked for elsewhere: `a` would be found everywhere.
_SHORTEST = 3
# Mappings of a service whose values are judged by their keys' names, as SEC001 does.
_NAMED = (("environment",), ("labels",), ("build", "args"))
# Command lines, read across their arguments (`--password`, `hunter2` is one option).
_COMMANDS = (("command",), ("entrypoint",), ("healthcheck", "test"))


@dataclass(frozen=True)
class Lifted:
    """One literal secret taken out: where the compose files wrote it, and the variable
    that now refers to it."""

    path: str  # services.db.environment.POSTGRES_PASSWORD
    variable: str


@dataclass
class Lifting:
    """An environment's secrets lifted out: the variables in order, and their values."""

    prefix: str
    lifted: list[Lifted] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)

    def variable(self, path: str, stem: str, value: str) -> str:
        """The variable that holds `value`: one already made for the same value (a
        password in POSTGRES_PASSWORD and in DATABASE_URL is one secret), else a new one
        named after `stem` with the environment's prefix."""
        for name, known in self.values.items():
            if known == value:
                self.lifted.append(Lifted(path, name))
                return name
        stem = _NOT_NAME.sub("_", stem.upper()).strip("_") or "SECRET"
        name = stem if stem.startswith(f"{self.prefix}_") else f"{self.prefix}_{stem}"
        base, number = name, 2
        while name in self.values:
            name, number = f"{base}_{number}", number + 1
        self.values[name] = value
        self.lifted.append(Lifted(path, name))
        return name


def _literal(text: str) -> bool:
    """Text that writes a value down: not empty, no reference, and no `$` at all (a value
    mixing text and references, or escaping a `$`, is left to SEC001's report)."""
    return bool(text) and "$" not in text and not is_reference(text)


def _in_text(text: str, lifting: Lifting, path: str, stem: str) -> str:
    """`text` with each literal credential inside it replaced by a reference."""
    pieces, position = [], 0
    for start, end in sorted({(c.start, c.end) for c in credentials(text)}):
        if start < position or not _literal(text[start:end]):
            continue
        name = lifting.variable(path, stem, text[start:end])
        pieces += [text[position:start], f"${{{name}}}"]
        position = end
    return "".join([*pieces, text[position:]])


def _named(entries: Any, lifting: Lifting, path: str) -> Any:
    """A mapping (or `KEY=value` list) of variables, labels or build arguments."""
    if isinstance(entries, list):
        pairs = [str(item).partition("=") for item in entries]
        done = _named({k: v for k, eq, v in pairs if eq}, lifting, path)
        return [f"{k}={done[k]}" if eq else k for k, eq, _ in pairs]
    if not isinstance(entries, dict):
        return entries
    kept: dict[str, Any] = {}
    for key, value in entries.items():
        if not isinstance(value, str):
            kept[key] = value
        elif is_secret_name(str(key)) and _literal(value):
            kept[key] = f"${{{lifting.variable(f'{path}.{key}', str(key), value)}}}"
        else:
            kept[key] = _in_text(value, lifting, f"{path}.{key}", f"{key}_SECRET")
    return kept


def _command(command: Any, lifting: Lifting, path: str, stem: str) -> Any:
    """A command as a string, or as arguments read as one line."""
    if isinstance(command, str):
        return _in_text(command, lifting, path, stem)
    if not (isinstance(command, list) and all(isinstance(a, str) for a in command)):
        return command
    starts, position = [], 0
    for argument in command:
        starts.append(position)
        position += len(argument) + 1
    line = " ".join(command)
    arguments = list(command)
    for start, end in sorted({(c.start, c.end) for c in credentials(line)}, reverse=True):
        index = max(i for i, first in enumerate(starts) if first <= start)
        offset = start - starts[index]
        argument = command[index]
        if end - starts[index] > len(argument) or not _literal(line[start:end]):
            continue  # a credential across arguments: SEC001 reports it
        name = lifting.variable(f"{path}.{index}", stem, line[start:end])
        arguments[index] = (
            arguments[index][:offset] + f"${{{name}}}" + arguments[index][end - starts[index] :]
        )
    return arguments


def _at(holder: dict[str, Any], steps: tuple[str, ...], change: Callable[[Any], Any]) -> None:
    for step in steps[:-1]:
        holder = holder.get(step)  # type: ignore[assignment]
        if not isinstance(holder, dict):
            return
    if steps[-1] in holder:
        holder[steps[-1]] = change(holder[steps[-1]])


def lift(environment: str, model: dict[str, Any]) -> tuple[dict[str, Any], Lifting]:
    """A copy of Compose's model of one environment (as written) with every literal
    secret a reference to a variable of the environment's own (`DEV_POSTGRES_PASSWORD`)."""
    model = copy.deepcopy(model)
    lifting = Lifting(_NOT_NAME.sub("_", environment.upper()).strip("_"))
    services = model.get("services")
    for name, service in (services if isinstance(services, dict) else {}).items():
        if not isinstance(service, dict):
            continue
        at = f"services.{name}"
        for steps in _NAMED:
            _at(service, steps, partial(_named, lifting=lifting, path=".".join((at, *steps))))
        for steps in _COMMANDS:
            where, stem = ".".join((at, *steps)), f"{name}_{steps[0]}_SECRET"
            _at(service, steps, partial(_command, lifting=lifting, path=where, stem=stem))
    public = open_values(model)
    for name, service in (services if isinstance(services, dict) else {}).items():
        if not isinstance(service, dict):
            continue
        for steps in (*_NAMED, *_COMMANDS):
            where = ".".join((f"services.{name}", *steps))
            _at(service, steps, partial(_elsewhere, lifting=lifting, public=public, path=where))
    return model, lifting


def open_values(model: dict[str, Any]) -> set[str]:
    """The whole values that a model shows openly, its `KEY=value` lists read as
    mappings: a value here reveals nothing when it is shown again."""
    services = model.get("services")
    mappings = {
        name: {
            "/".join(steps): mapping_as_compose_means(_get(service, steps))
            for steps in _NAMED
            if _get(service, steps) is not None
        }
        for name, service in (services if isinstance(services, dict) else {}).items()
        if isinstance(service, dict)
    }
    return public_in(services) | public_in(mappings)


def _get(holder: Any, steps: tuple[str, ...]) -> Any:
    for step in steps:
        holder = holder.get(step) if isinstance(holder, dict) else None
    return holder


def _token(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])")


def _elsewhere(data: Any, lifting: Lifting, public: set[str], path: str) -> Any:
    """A lifted secret wherever else a variable, a label or a command line writes it (a
    password again in a health check's `sqlcmd -P ...`, which no shape tells): the same
    reference. Not a value that the files also show openly (a throw-away password that is
    also the database's name): that reveals nothing, and is the other value's to keep."""
    if isinstance(data, dict):
        return {k: _elsewhere(v, lifting, public, f"{path}.{k}") for k, v in data.items()}
    if isinstance(data, list):
        return [_elsewhere(v, lifting, public, f"{path}.{i}") for i, v in enumerate(data)]
    if not isinstance(data, str):
        return data
    for name, value in list(lifting.values.items()):
        if len(value) < _SHORTEST or value in public or value not in data:
            continue
        data, count = _token(value).subn(f"${{{name}}}", data)  # a name has no `\\`
        if count:
            lifting.lifted.append(Lifted(path, name))
    return data


def restored(data: Any, values: dict[str, str]) -> Any:
    """`data` (Compose's model of a render) with each reference to a lifted variable read
    back as its value, the rest of each string as written: the original's spelling."""
    if not values:
        return data
    if isinstance(data, dict):
        return {key: restored(item, values) for key, item in data.items()}
    if isinstance(data, list):
        return [restored(item, values) for item in data]
    if not isinstance(data, str) or "$" not in data:
        return data
    try:
        parts = parse(data)
    except InterpolationError:
        return data
    if not any(isinstance(p, Reference) and p.name in values for p in parts):
        return data
    text = []
    for part in parts:
        if isinstance(part, Reference) and part.name in values:
            text.append(interpolate((part,), values))  # a lifted value holds no `$`
        else:
            text.append(unparse((part,)))
    return "".join(text)


def _todo(lifting: Lifting) -> list[str]:
    paths: dict[str, list[str]] = {}
    for lifted in lifting.lifted:
        paths.setdefault(lifted.variable, []).append(lifted.path)
    return [
        f"TODO: {variable} holds what the compose files wrote as a literal secret at "
        f"{', '.join(where)}: set it in this environment's variables file (git-ignored), "
        "never in a spec"
        for variable, where in paths.items()
    ]


def _unsaid(line: str, values: list[str]) -> str:
    for value in values:
        line = line.replace(value, SECRET)
    return redact_text(line)


def hidden(specs: dict[str, Spec], liftings: dict[str, Lifting]) -> dict[str, Spec]:
    """The specs with a TODO line for each lifted variable, and the team's comments
    that they copy with no lifted value, nor any credential, in them."""
    values = sorted(
        {v for lifting in liftings.values() for v in lifting.values.values() if len(v) >= 3},
        key=len,
        reverse=True,
    )
    done = {}
    for name, spec in specs.items():
        lifting = liftings.get(name)
        header = list(spec.header)
        if lifting is not None and lifting.lifted:
            header[2:2] = _todo(lifting)  # after the schema line and where it came from
        notes = {
            path: [_unsaid(line, values) for line in lines] for path, lines in spec.notes.items()
        }
        done[name] = Spec(spec.data, header, spec.comments, notes)
    return done
