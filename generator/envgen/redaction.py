"""The one redaction rule: what of a value may be shown, in any output or error.

Every place that prints a spec value a person did not write as a name (show, diff, error
messages) asks here. The API:

- `redact(value, name)`: a value as it may be shown, given the key or variable `name` it is
  written under (None when it has none). Works on strings, numbers, lists and mappings
  (a mapping's keys name its values). A value under a secret name is `concealed`; any
  other string has its embedded credentials cut out (`redact_text`).
- `redact_text(text)`: a string with the credentials inside it replaced by SECRET: URL
  passwords (`scheme://user:pw@`, `redis://:pw@`), a URL's key-like user part
  (`https://<key>@sentry.example`), secret query parameters (`?api_key=`, `&token=`),
  `Bearer ...`/`Basic ...` credentials, secret options and `NAME=value` pairs whose name
  is secret: the shapes that model/secrecy.py's `credentials` finds, the same ones the
  policies refuse. A `${VAR}` reference in a credential's place stays, without a default
  it might carry.
- `conceal(value)`: a secret as the variables it refers to (`${DB_PASSWORD}`), or SECRET.
- `is_secret_key(name)`: whether a key or variable name says its value is secret (by
  model/secrecy.py's words), or names a field meant for a variable's name (`*_variable`),
  where a pasted secret must not be echoed either.
- `secrets_in(data)`: every secret string held in plain spec data, for `scrub`;
  `public_in(data)`: the strings it shows openly, which need no scrubbing.
- `scrub(text, secrets)`: `text` with each of those strings replaced by SECRET, for
  messages built from values that the caller cannot name; `scrub_problems` does it to
  the message and hint of every problem.

Names of variables (`${VAR}`, a `*_variable` field holding a variable name) are not
secrets: they say where the secret comes from, which is what a reader needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from envgen.compose.interpolation import REFERENCE, variable_of
from envgen.model.secrecy import credentials, is_reference, is_secret_name
from envgen.problems import Problem

SECRET = "(secret)"

# A field that holds the name of a variable, never a value (`token_variable`).
_NAME_FIELD = re.compile(r"(?i)^[a-z0-9_]*_variable$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Keys whose values name things rather than hold them: a service's facts are fact names.
_NAME_MAPPINGS = frozenset({"facts"})
# Mappings whose values are variable names, like a `*_variable` field's: an integration's
# `secrets` (`token: STAGING_BOT_TOKEN`).
_VARIABLE_MAPPINGS = frozenset({"secrets"})


def _key_name(mapping: str | None, key: object) -> str | None:
    """The name a mapping's value is judged under: its key, or for a mapping of variable
    names the key as a `*_variable` field; None inside a mapping of fact names."""
    if mapping in _NAME_MAPPINGS:
        return None
    return f"{key}_variable" if mapping in _VARIABLE_MAPPINGS else str(key)


def name_at(path: Iterable[str | int]) -> str | None:
    """The name that the value at `path` of plain spec data is judged under, as `redact`
    judges it walking down from the top: a variable's name under an integration's
    `secrets` is a `*_variable` field's (shown: a name is not a secret, its value is), a
    fact's name is nobody's secret, a list item is judged under its list's key."""
    name: str | None = None
    for step in path:
        if isinstance(step, str):
            name = _key_name(name, step)
    return name


# Shorter strings are not scrubbed from messages: replacing `a` everywhere would garble
# the message while hiding nothing worth hiding.
_SHORTEST_SCRUBBED = 3


def is_secret_key(name: str) -> bool:
    """A key or variable name that says its value is a secret (`DB_PASSWORD`,
    `password_default`, `com.example.deploy-token`). `*_variable` fields are secret too:
    they should hold a name, but what a person pasted there may be the secret itself."""
    return is_secret_name(name) or bool(_NAME_FIELD.match(name))


def _reference_only(text: str) -> str | None:
    """`${NAME}` when `text` is one reference (its default dropped), else None."""
    if REFERENCE.fullmatch(text):
        return f"${{{variable_of(text)}}}"
    return None


def conceal(value: Any) -> str:
    """A secret as the variables it refers to, never as what it holds: `${A}` or
    `${A} ${B}` for references (defaults dropped: they are literal values), SECRET when
    the value holds anything else."""
    if not isinstance(value, str):
        return SECRET
    text = value.replace("$$", "")
    names = [variable_of(match.group()) for match in REFERENCE.finditer(text)]
    if not names or REFERENCE.sub("", text).strip():
        return SECRET
    return " ".join(f"${{{name}}}" for name in dict.fromkeys(names))


def _spans(text: str) -> list[tuple[int, int]]:
    """Where the credentials of `text` are (model/secrecy.py finds them), overlaps merged."""
    spans: list[tuple[int, int]] = []
    for found in sorted(credentials(text), key=lambda c: (c.start, c.end)):
        if spans and found.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], found.end))
        else:
            spans.append((found.start, found.end))
    return spans


def _shown_credential(part: str) -> str:
    """A credential in place: a reference keeps its name (no default), the rest is SECRET."""
    if is_reference(part):
        return REFERENCE.sub(lambda match: f"${{{variable_of(match.group())}}}", part)
    return SECRET


def redact_text(text: str) -> str:
    """`text` with every credential embedded in it replaced (see the module docstring)."""
    pieces, position = [], 0
    for start, end in _spans(text):
        pieces += [text[position:start], _shown_credential(text[start:end])]
        position = end
    return "".join([*pieces, text[position:]])


def redact(value: Any, name: str | None = None) -> Any:
    """`value` as it may be shown under the key or variable `name`."""
    if isinstance(value, dict):
        if name in _NAME_MAPPINGS:
            return {key: redact_text(str(item)) for key, item in value.items()}
        return {key: redact(item, _key_name(name, key)) for key, item in value.items()}
    if isinstance(value, list):
        return _arguments([redact(item, name) for item in value])
    if value is None or isinstance(value, bool):
        return value
    if name is not None and is_secret_key(name):
        if _NAME_FIELD.match(name) and isinstance(value, str) and _VARIABLE_NAME.match(value):
            return value  # a variable's name, as the field is meant to hold
        return conceal(value)
    return redact_text(value) if isinstance(value, str) else value


def _literals(text: str) -> Iterator[str]:
    """What a secret holds besides the names it refers to: the text around references,
    and the defaults or alternatives written inside them (`${PW:-fallback}`)."""
    yield text
    yield from REFERENCE.split(text)
    for match in REFERENCE.finditer(text):
        reference = match.group()
        yield reference[2 + len(variable_of(reference)) : -1].lstrip(":").lstrip("-?+")


def _secret_arguments(items: list[Any]) -> set[int]:
    """The indexes of a command's arguments that hold a credential: read as one command
    line (`redis-cli -a x`, `--password x`), so that a secret split from its option into
    the next list item is still found."""
    starts, position = [], 0
    for item in items:
        starts.append(position)
        position += len(str(item)) + 1
    line = " ".join(str(item) for item in items)
    found = set()
    for start, end in _spans(line):
        found |= {
            index
            for index, first in enumerate(starts)
            if first < end and start < first + len(str(items[index]))
        }
    return found


def _arguments(items: list[Any]) -> list[Any]:
    """A command's arguments, each one that holds a credential hidden whole."""
    hidden = _secret_arguments(items) if all(isinstance(i, str) for i in items) else set()
    return [_shown_credential(item) if i in hidden else item for i, item in enumerate(items)]


def _credentials_in(text: str) -> Iterator[str]:
    """The parts of `text` that redact_text would hide, and what they hold."""
    for start, end in _spans(text):
        yield from _literals(text[start:end])


def secrets_in(data: Any, name: str | None = None) -> set[str]:
    """Every secret string held in plain data: values under secret names, and credentials
    inside any string; what `scrub` must keep out of a message."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, item in data.items():
            found |= secrets_in(item, _key_name(name, key))
    elif isinstance(data, list):
        for item in data:
            found |= secrets_in(item, name)
        if all(isinstance(item, str) for item in data):
            for index in _secret_arguments(data):
                found |= set(_literals(data[index]))
    elif isinstance(data, str | int | float) and not isinstance(data, bool):
        text = str(data)
        if name is not None and is_secret_key(name) and redact(text, name) != text:
            found |= set(_literals(text))
        found |= set(_credentials_in(text))
    return {
        secret
        for secret in (part.strip() for part in found)
        if len(secret) >= _SHORTEST_SCRUBBED and not REFERENCE.fullmatch(secret)
    }


# A span a message quotes a value in: `value`, 'value' or "value".
_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"")
# What may stand either side of a secret quoted inside a longer value: a URL's or an
# assignment's punctuation, or nothing.
_EDGE = r"(?:^|(?<=[\s`'\"/:=@,;&?]))"
_END = r"(?=$|[\s`'\"/:@,;&?#])"


def public_in(data: Any, name: str | None = None) -> set[str]:
    """The strings that plain data shows openly (under names that are not secret, with no
    credential inside). A secret equal to one of them (a throw-away password that is also
    the database's name) reveals nothing when quoted, so scrubbing it would only garble."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, item in data.items():
            found |= public_in(item, _key_name(name, key))
    elif isinstance(data, list):
        for item in data:
            found |= public_in(item, name)
    elif isinstance(data, str) and redact(data, name) == data:
        found.add(data)
    return found


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with each of `secrets` that it quotes replaced by SECRET, then with embedded
    credentials redacted. Only quoted spans are searched, and only for whole values (a
    secret `test` leaves `finds nothing in test` and `test-data` alone)."""
    known = sorted(set(secrets), key=len, reverse=True)
    if known:
        pattern = re.compile(_EDGE + "(?:" + "|".join(map(re.escape, known)) + ")" + _END)
        text = _QUOTED.sub(lambda span: pattern.sub(SECRET, span.group()), text)
    return redact_text(text)


def scrub_problems(problems: list[Problem], secrets: Iterable[str]) -> list[Problem]:
    """Problems whose messages and hints quote none of `secrets`, nor any credential."""
    known = set(secrets)
    return [
        replace(problem, message=scrub(problem.message, known), hint=scrub(problem.hint, known))
        for problem in problems
    ]
