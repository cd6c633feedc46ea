"""Compose's interpolation grammar: what a string means to Compose, and how to write a meaning.

The one home of the `${VAR}` grammar: specs, policies, outputs and diff all read it here.
A spec string is Compose text, exactly as in a compose file (checked against Docker
Compose v5 in tests/test_interpolation.py):

- `$$` is a literal `$`;
- `$NAME` and `${NAME}` are references; `${NAME:-word}`, `${NAME-word}`, `${NAME:?word}`,
  `${NAME?word}`, `${NAME:+word}` and `${NAME+word}` are references with a modifier whose
  word is Compose text again (so defaults nest: `${A:-${B}}`);
- a `$` followed by anything else (`$1`, `$ `, a final `$`) is a literal `$`;
- `${` that is not a whole reference (`${`, `${VAR`, `${1}`, `${A B}`) is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OPERATORS = (":-", ":?", ":+", "-", "?", "+")

# A whole `${...}` reference with a flat word; kept for callers that scan text quickly.
REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+][^}$]*)?\}")


class InterpolationError(ValueError):
    """A `${` that Compose refuses, at `offset` characters into the string."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Reference:
    """`${name operator word}`: a variable Compose resolves when it reads the file."""

    name: str
    operator: str = ""
    word: tuple[Part, ...] | None = None
    offset: int = field(default=0, compare=False)

    @property
    def required(self) -> bool:
        """Compose stops when the variable is unset (`${NAME:?message}`, `${NAME?}`)."""
        return self.operator in (":?", "?")


Part = str | Reference
Text = tuple[Part, ...]


def parse(text: str) -> Text:
    """What `text` means to Compose: literal pieces and references, adjacent literals joined."""
    parts, end = _parse(text, 0)
    assert end == len(text)
    return parts


def _parse(text: str, index: int) -> tuple[Text, int]:
    parts: list[Part] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            parts.append("".join(literal))
            literal.clear()

    while index < len(text):
        dollar = text.find("$", index)
        if dollar != index:  # literal text up to the next `$` (or the end)
            end = len(text) if dollar == -1 else dollar
            literal.append(text[index:end])
            index = end
            continue
        following = text[index + 1 : index + 2]
        named = NAME.match(text, index + 1)
        if following == "$":
            literal.append("$")
            index += 2
        elif following == "{":
            flush()
            reference, index = _braced(text, index)
            parts.append(reference)
        elif named:
            flush()
            parts.append(Reference(named.group(), offset=index))
            index = named.end()
        else:
            literal.append("$")
            index += 1
    flush()
    return tuple(parts), index


def _closing_brace(text: str, start: int) -> int:
    """Where the word that starts at `start` ends, as Compose finds it: the `}` that
    closes the reference, counting each `${` inside as opened; failing that, the first
    `}`; -1 when there is none."""
    depth = 1
    index = start
    while index < len(text):
        if text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        if text.startswith("${", index):
            depth += 1
            index += 1
        index += 1
    return text.find("}", start)


def _braced(text: str, start: int) -> tuple[Reference, int]:
    """`${...}` starting at `start`; the index after its closing brace."""
    named = NAME.match(text, start + 2)
    if named is None:
        raise InterpolationError(start, "`${` must be followed by a variable name")
    index = named.end()
    if text.startswith("}", index):
        return Reference(named.group(), offset=start), index + 1
    operator = next((op for op in OPERATORS if text.startswith(op, index)), None)
    if operator is None:
        if index >= len(text):
            raise InterpolationError(start, "`${` is not closed by `}`")
        raise InterpolationError(
            start, f"`{text[index]}` cannot follow the variable name inside `${{...}}`"
        )
    word_start = index + len(operator)
    end = _closing_brace(text, word_start)
    if end == -1:
        raise InterpolationError(start, "`${` is not closed by `}`")
    # Compose reads the word only when it needs it; envgen refuses a malformed word
    # always, since the environment decides when it is needed.
    try:
        word, _ = _parse(text[word_start:end], 0)
    except InterpolationError as error:
        raise InterpolationError(word_start + error.offset, str(error)) from None
    return Reference(named.group(), operator, word, offset=start), end + 1


def literal(text: str) -> Text:
    """A string that means exactly itself, with no reference in it."""
    return (text,) if text else ()


def unparse(parts: Text) -> str:
    """The one escaping rule: Compose text that means `parts`. Every literal `$` is
    doubled; every reference is written braced, so no following letter can extend it."""
    written: list[str] = []
    for part in parts:
        if isinstance(part, str):
            written.append(part.replace("$", "$$"))
        elif part.word is None:
            written.append(f"${{{part.name}}}")
        else:
            written.append(f"${{{part.name}{part.operator}{unparse(part.word)}}}")
    return "".join(written)


def escape(text: str) -> str:
    """A literal string as Compose text: `$` becomes `$$`."""
    return unparse(literal(text))


def references(parts: Text) -> Iterator[Reference]:
    """Every reference, those nested in another's word included, outermost first."""
    for part in parts:
        if isinstance(part, Reference):
            yield part
            if part.word is not None:
                yield from references(part.word)


def referenced(text: str) -> dict[str, bool]:
    """The variables that Compose text refers to, each with whether it is required;
    nothing for text that does not parse (the spec checks refuse it elsewhere)."""
    try:
        parts = parse(text)
    except InterpolationError:
        return {}
    found: dict[str, bool] = {}
    for reference in references(parts):
        found[reference.name] = found.get(reference.name, False) or reference.required
    return found


class MissingVariable(LookupError):
    """A required variable (`${NAME:?message}`) has no value."""


def interpolate(parts: Text, variables: Mapping[str, str]) -> str:
    """What Compose makes of `parts` when its environment holds `variables`."""
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        value = variables.get(part.name)
        is_set = value is not None
        has_value = bool(value)
        word = part.word or ()
        if part.operator in ("", ":-", "-", ":?", "?"):
            usable = has_value if part.operator.startswith(":") else is_set
            if usable or part.operator == "":
                pieces.append(value or "")
            elif part.operator.endswith("?"):
                raise MissingVariable(part.name)
            else:
                pieces.append(interpolate(word, variables))
        elif has_value if part.operator == ":+" else is_set:
            pieces.append(interpolate(word, variables))
    return "".join(pieces)


def variable_of(reference: str) -> str:
    """The variable a written reference names: `${NAME:-default}` or `$NAME` -> `NAME`."""
    match = NAME.match(reference, 2 if reference.startswith("${") else 1)
    assert match is not None, reference
    return match.group()


def is_required(reference: str) -> bool:
    """Whether Compose stops when the variable is unset: `${NAME:?message}`, `${NAME?}`;
    a `?` inside a default (`${URL:-http://x?y=1}`) does not count."""
    parts = parse(reference)
    return bool(parts) and isinstance(parts[0], Reference) and parts[0].required
