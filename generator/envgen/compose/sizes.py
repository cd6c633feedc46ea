"""Memory sizes as people write them (`512m`, `1g`) and as bytes: no pydantic, so the
policies can read them in commands that never load the models."""

from __future__ import annotations

import re
from typing import Any

_MEMORY = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[bkmg]?)b?$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_memory(value: Any) -> int:
    """`512m`, `1g`, `1.5G`, `256MB` or a number of bytes, to bytes."""
    if isinstance(value, bool):
        raise ValueError("expected a memory size such as 512m or 1g")
    if isinstance(value, int):
        number, unit = float(value), ""
    else:
        match = _MEMORY.match(str(value).strip())
        if not match:
            raise ValueError(
                f"invalid memory size {value!r}: use a number with b, k, m or g (e.g. 512m)"
            )
        number, unit = float(match["number"]), match["unit"].lower()
    size = number * _UNITS[unit]
    if size != int(size) or size < 4 * 1024**2:
        raise ValueError(f"memory size {value!r} must be a whole number of bytes of at least 4m")
    return int(size)


_RAM = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?P<unit>[kmgtp]?)b?$", re.IGNORECASE)


def parse_ram(value: Any) -> int:
    """A RAM disk's size as Compose and Docker read it (`65536k`, `64m`, `1.5g`, `64MB`
    or bytes; binary units), to bytes. Unlike a memory limit it may be small."""
    if isinstance(value, bool):
        raise ValueError("expected a size such as 64m or a number of bytes")
    if isinstance(value, int):
        return value
    match = _RAM.match(str(value).strip())
    if not match:
        raise ValueError(f"invalid size `{value}`: use bytes or a number with k, m, g or t")
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
    return int(float(match["number"]) * units[match["unit"].lower()])


def format_memory(size: int) -> str:
    """Bytes in the largest unit that divides them exactly: 536870912 -> `512m`."""
    for unit in ("g", "m", "k"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit}"
    return f"{size}b"
