"""Spells values safely as YAML scalars, keys and blocks for the YAML files envgen writes.

Every value a template writes passes through here, so a value holding `: `, `#`, quotes,
newlines, `{{ }}` or a leading `*`, `&` or `!` reads back as the same string.
"""

from __future__ import annotations

import math
import re

# Plain (unquoted) YAML is used only for values this conservative that no YAML 1.1 or
# 1.2 reader takes for anything but a string.
_PLAIN = re.compile(r"^[A-Za-z/_][A-Za-z0-9/_.@+:=-]*$")
_NOT_STRINGS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|null|Null|NULL|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN|=|<<|\.)$"
)


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_char(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def yaml_string(text: str) -> str:
    """`text` as a YAML scalar: plain where that is unambiguous, else double-quoted with
    everything outside printable ASCII escaped (the same bytes on every machine)."""
    if _PLAIN.fullmatch(text) and not _NOT_STRINGS.fullmatch(text) and not text.endswith(":"):
        return text
    return '"' + "".join(_escape_char(char) for char in text) + '"'


def yaml_scalar(value: object) -> str:
    """Any scalar a template writes, as YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} to a compose file")
        return repr(value)
    if isinstance(value, str):
        return yaml_string(value)
    raise TypeError(f"a template tried to write {type(value).__name__} as a scalar: {value!r}")


def yaml_key(text: str) -> str:
    """A mapping key; the same rules as a value."""
    return yaml_string(text)


def yaml_block(value: object, indent: int = 0) -> str:
    """A mapping or list in YAML block style, every scalar through `yaml_scalar`; the lines
    start at `indent` spaces and end with a newline."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        if not value:
            raise ValueError("an empty mapping has no block form")
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{yaml_key(str(key))}:\n{yaml_block(item, indent + 2)}")
            else:
                lines.append(f"{pad}{yaml_key(str(key))}: {_inline(item)}\n")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list) and item:
                nested = yaml_block(item, indent + 2)
                lines.append(f"{pad}- {nested[indent + 2 :]}")
            else:
                lines.append(f"{pad}- {_inline(item)}\n")
    else:
        raise TypeError(f"yaml_block takes a mapping or a list, not {type(value).__name__}")
    return "".join(lines)


def _inline(value: object) -> str:
    if value in ({}, []):
        return "{}" if isinstance(value, dict) else "[]"
    return yaml_scalar(value)
