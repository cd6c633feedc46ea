"""Plain scalars as Compose reads them, standard tags, and why a value is refused.

Compose reads YAML with go-yaml v3, so a plain scalar means what go-yaml makes of it:
`true`, `false` and `null` as in YAML 1.2 (`restart: no`, `on:` and `5432:22` stay the
strings a person wrote), and numbers by Go's rules: `0440` is octal as `0o440` is, `0b101`
is binary, `1_000` is 1000, a whole number past 64 bits is a float. A standard tag written by
hand (`!!int 42`, `!!str 8080`) must fit its value: `!!bool yes` is refused, as YAML 1.2 has
no such boolean. Tags for types a spec cannot hold (`!!binary`, `!!timestamp`, `!!set`,
`!!omap`, `!!pairs`) and tags of other applications (`!foo`) are refused at their position.
Numbers must be finite and short; text must be encodable.
Messages never quote the value, which may be a secret: they say what is wrong with it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from envgen.reading.go_time import timestamp_text
from envgen.reading.limits import MAX_NUMBER_LENGTH

CORE = "tag:yaml.org,2002:"
# The tag of a plain date, as go-yaml reads one: text as Compose spells the timestamp.
PLAIN_TIMESTAMP = "tag:envgen,2026:plain-timestamp"

# go-yaml's words: the only plain scalars that are booleans or null.
_WORDS: dict[str, bool | None] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
}
# go-yaml's infinities and not-a-numbers (refused: a spec's numbers are finite).
_NOT_FINITE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
# Go's `strconv.ParseInt(text, 0, 64)` once go-yaml has taken out the underscores.
_GO_INT = re.compile(r"^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
# go-yaml's float, tried when the text is no 64-bit whole number (underscores taken out).
_GO_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
# A float that starts with a dot, as Go's ParseFloat reads it: underscores between digits.
_DOT_FLOAT = re.compile(r"^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$")
# go-yaml reads `-0` (written so, with nothing else) as the float minus zero.
_MINUS_ZERO = "-0"
_INT64 = range(-(2**63), 2**63)
_UINT64 = range(2**64)

# Standard tags for kinds of value a spec never holds.
_UNSUPPORTED = ("binary", "timestamp", "set", "omap", "pairs", "merge", "value", "yaml")
_KINDS = "text, numbers, true or false, lists and mappings"
_SURROGATE = re.compile("[\ud800-\udfff]")


def plain_kind(text: str) -> str:
    """What go-yaml v3 makes of a plain (unquoted, untagged) scalar: `bool`, `null`, `int`,
    `float`, `timestamp` or `str`. A float too large for 64 bits is `float` here (and
    refused) where go-yaml keeps it text."""
    if text in _WORDS:
        return "null" if _WORDS[text] is None else "bool"
    if _NOT_FINITE.match(text) or text == _MINUS_ZERO:
        return "float"
    if text[:1] == ".":
        return "float" if _DOT_FLOAT.match(text) else "str"
    if text[:1] not in _NUMBER_START:
        return "str"
    if text[4:5] == "-" and timestamp_text(text) is not None:
        return "timestamp"
    plain = text.replace("_", "")
    if len(text) > MAX_NUMBER_LENGTH and _GO_INT.match(plain):
        return "int"  # too long to be read: refused by `read`, whatever go-yaml makes of it
    if _go_int(text) is not None:
        return "int"
    return "float" if _GO_FLOAT.match(plain) else "str"


_NUMBER_START = tuple("-+0123456789")


def _go_int(text: str) -> int | None:
    """The whole number go-yaml reads in `text`, or None: Go's ParseInt with base 0 (a
    leading 0 is octal) within 64 bits, or ParseUint for an unsigned one past int64."""
    plain = text.replace("_", "")
    if text[:1] not in _NUMBER_START or not _GO_INT.match(plain) or text == _MINUS_ZERO:
        return None
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-").lower()
    if digits.startswith(("0x", "0o", "0b")):
        value = int(digits, 0)
    elif digits.startswith("0") and len(digits) > 1:
        value = int(digits[1:], 8)
    else:
        value = int(digits)
    value *= sign
    if value in _INT64 or (value in _UINT64 and plain[:1] != "+"):
        return value
    return None


def _go_float(text: str) -> float | None:
    """The float go-yaml reads in `text` (a whole number counts), or None."""
    if text == _MINUS_ZERO:
        return -0.0
    whole = _go_int(text)
    if whole is not None:
        return float(whole)
    if text[:1] == "." and _DOT_FLOAT.match(text):
        return float(text.replace("_", ""))
    plain = text.replace("_", "")
    if text[:1] in _NUMBER_START and _GO_FLOAT.match(plain):
        return float(plain)
    return None


def compose_text(value: str | int | float | bool) -> str:
    """A scalar as Compose spells it where it wants text (a variable, a label): Go's
    `true`, its decimal whole numbers, and its shortest floats (`%g`: 1, 1000, 1e+06)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float_text(value)
    return value


def _go_float_text(value: float) -> str:
    """Go's `strconv.FormatFloat(value, 'g', -1, 64)`."""
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    digits = repr(abs(value))  # Python's shortest spelling: the same digits as Go's
    shortest = _shortest_digits(digits)
    if shortest == "0":
        return sign + "0"
    exponent = _decimal_exponent(digits)
    if exponent < -4 or exponent >= 6:
        head, tail = shortest[0], shortest[1:]
        spelled = head + ("." + tail if tail else "")
        return f"{sign}{spelled}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{shortest}"
    whole, fraction = shortest[: exponent + 1], shortest[exponent + 1 :]
    whole = whole.ljust(exponent + 1, "0")
    return sign + whole + ("." + fraction if fraction else "")


def _shortest_digits(spelled: str) -> str:
    """The significant digits of Python's shortest spelling of a float (`1.5e-07` -> 15)."""
    mantissa = spelled.partition("e")[0].replace(".", "").lstrip("0")
    return mantissa.rstrip("0") or "0"


def _decimal_exponent(spelled: str) -> int:
    """The power of ten of the first significant digit of Python's spelling of a float."""
    mantissa, _, exponent = spelled.partition("e")
    whole, _, fraction = mantissa.partition(".")
    power = int(exponent or 0)
    if whole.strip("0"):
        return power + len(whole.lstrip("0")) - 1
    return power - (len(fraction) - len(fraction.lstrip("0"))) - 1


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
    if not tag.startswith(CORE) and tag not in ("!", PLAIN_TIMESTAMP):
        return f"unknown tag `{shown_tag(tag)}`", "the tags are `!remove`, `!reset` and `!override`"
    return None


def read(tag: str, text: str) -> Any:
    """The value of a scalar node; raises ScalarError when `text` does not fit `tag`."""
    if _SURROGATE.search(text):
        raise ScalarError(
            "holds a lone surrogate (an escape such as \\ud800), which no file can encode"
        )
    if tag == PLAIN_TIMESTAMP:
        return timestamp_text(text) or text
    kind = tag.removeprefix(CORE) if tag.startswith(CORE) else "str"  # `!` is a string
    if kind == "str":
        return text
    if kind in ("bool", "null", "seq", "map") and not _fits(kind, text):
        raise ScalarError(_MISFIT.get(kind, f"a scalar cannot be tagged `!!{kind}`"))
    if kind == "bool":
        return _WORDS[text]
    if kind == "null":
        return None
    if kind not in ("int", "float"):  # a tag the reader let through, as `!!int:`
        raise ScalarError(f"a scalar cannot be tagged `!!{kind}`")
    if len(text) > MAX_NUMBER_LENGTH:
        raise ScalarError(
            f"a number of more than {MAX_NUMBER_LENGTH} characters (quote it if it is text)"
        )
    if kind == "int":
        whole = _go_int(text)
        if whole is None:
            raise ScalarError(_MISFIT["int"])
        return whole
    return _float(text)


_MISFIT = {
    "bool": "`!!bool` takes true or false (YAML 1.2 has no yes, no, on or off)",
    "null": "`!!null` takes null, ~ or nothing",
    "int": "`!!int` takes a whole number such as 42, 0o17 or 0x1F",
    "float": "`!!float` takes a number such as 1.5 or 2e3",
}


def _fits(kind: str, text: str) -> bool:
    if kind in ("bool", "null"):
        return text in _WORDS and (_WORDS[text] is None) == (kind == "null")
    return False  # a scalar tagged as a collection


def _float(text: str) -> float:
    if _NOT_FINITE.match(text):
        raise ScalarError(
            f"`{text}` is not a finite number (quote it if it is text)"  # a keyword, no secret
        )
    value = _go_float(text)
    if value is None:
        raise ScalarError(_MISFIT["float"])
    if not math.isfinite(value):
        raise ScalarError("a number too large to be represented (quote it if it is text)")
    return value
