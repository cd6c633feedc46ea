"""YAML 1.2 core schema scalars and tags: what each value means, or why it is refused.

The core schema's implicit types are the only types: `restart: no`, `on:` and `5432:22`
stay the strings a person wrote. A standard tag written by hand (`!!int 42`, `!!str 8080`)
means what the core schema says, and its value must fit it: `!!bool yes` is refused, as
YAML 1.2 has no such boolean. Tags for types a spec cannot hold (`!!binary`,
`!!timestamp`, `!!set`, `!!omap`, `!!pairs`) and tags of other applications (`!foo`) are
refused at their position. Numbers must be finite and short; text must be encodable.
Messages never quote the value, which may be a secret: they say what is wrong with it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from envgen.spec.limits import MAX_NUMBER_LENGTH

CORE = "tag:yaml.org,2002:"

# The core schema's implicit types: (name, pattern, first characters).
PATTERNS: dict[str, tuple[str, str]] = {
    "bool": (r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    "null": (r"^(?:~|null|Null|NULL|)$", "~nN"),
    "int": (r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    "float": (
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
}
_MATCHES = {name: re.compile(pattern) for name, (pattern, _) in PATTERNS.items()}
# An int is a float too, when tagged so (`!!float 1` is 1.0).
_FLOAT_TEXT = re.compile(f"{PATTERNS['float'][0]}|{PATTERNS['int'][0][1:-1]}")

# Standard tags for kinds of value a spec never holds.
_UNSUPPORTED = ("binary", "timestamp", "set", "omap", "pairs", "merge", "value", "yaml")
_KINDS = "text, numbers, true or false, lists and mappings"
_SURROGATE = re.compile("[\ud800-\udfff]")


class ScalarError(ValueError):
    """Why a scalar cannot be read; the message never quotes the value."""


def shown_tag(tag: str) -> str:
    """A tag as a person writes it: `!!int` for the core schema's, others as they are."""
    return f"!!{tag.removeprefix(CORE)}" if tag.startswith(CORE) else tag


Refusal = tuple[str, str]  # a message and its hint


def collection_tag_problem(tag: str, kind: str) -> Refusal | None:
    """Why a mapping or a list may not carry `tag` (None when it may)."""
    expected = CORE + ("map" if kind == "mapping" else "seq")
    if tag in (expected, "!"):
        return None
    return tag_problem(tag) or (f"`{shown_tag(tag)}` cannot tag a {kind}", "")


def tag_problem(tag: str) -> Refusal | None:
    """Why `tag` is refused wherever it stands, or None for a tag the core schema knows."""
    if tag.startswith(CORE) and tag.removeprefix(CORE) in _UNSUPPORTED:
        message = f"tag `{shown_tag(tag)}` is not supported: a spec holds {_KINDS}"
        return message, "quote the value if it is text"
    if not tag.startswith(CORE) and tag != "!":
        return f"unknown tag `{shown_tag(tag)}`", "the tags are `!remove`, `!reset` and `!override`"
    return None


def read(tag: str, text: str) -> Any:
    """The value of a scalar node; raises ScalarError when `text` does not fit `tag`."""
    if _SURROGATE.search(text):
        raise ScalarError(
            "holds a lone surrogate (an escape such as \\ud800), which no file can encode"
        )
    kind = tag.removeprefix(CORE) if tag.startswith(CORE) else "str"  # `!` is a string
    if kind == "str":
        return text
    if kind in ("bool", "null", "int", "float", "seq", "map") and not _fits(kind, text):
        raise ScalarError(_MISFIT.get(kind, f"a scalar cannot be tagged `!!{kind}`"))
    if kind == "bool":
        return text.lower() == "true"
    if kind == "null":
        return None
    if kind not in ("int", "float"):  # a tag the reader let through, as `!!int:`
        raise ScalarError(f"a scalar cannot be tagged `!!{kind}`")
    if len(text) > MAX_NUMBER_LENGTH:
        raise ScalarError(
            f"a number of more than {MAX_NUMBER_LENGTH} characters (quote it if it is text)"
        )
    try:
        if kind == "int":
            return int(text, 0) if text.startswith(("0o", "0x")) else int(text)
        return _float(text)
    except ScalarError:
        raise
    except ValueError:
        raise ScalarError(_MISFIT[kind]) from None


_MISFIT = {
    "bool": "`!!bool` takes true or false (YAML 1.2 has no yes, no, on or off)",
    "null": "`!!null` takes null, ~ or nothing",
    "int": "`!!int` takes a whole number such as 42, 0o17 or 0x1F",
    "float": "`!!float` takes a number such as 1.5 or 2e3",
}


def _fits(kind: str, text: str) -> bool:
    if kind == "float":
        return _FLOAT_TEXT.fullmatch(text) is not None
    if kind in _MATCHES:
        return _MATCHES[kind].match(text) is not None
    return False  # a scalar tagged as a collection


def _float(text: str) -> float:
    lowered = text.lower().lstrip("+-")
    if lowered in (".inf", ".nan"):
        raise ScalarError(
            f"`{text}` is not a finite number (quote it if it is text)"  # a keyword, no secret
        )
    value = float(text)
    if not math.isfinite(value):
        raise ScalarError("a number too large to be represented (quote it if it is text)")
    return value
