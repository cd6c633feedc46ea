"""Compose's sizes, CPU shares and durations as Kubernetes writes them."""

from __future__ import annotations

import math
import re

_UNITS = (("Gi", 1024**3), ("Mi", 1024**2), ("Ki", 1024))
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def memory(size: int) -> str:
    """Bytes in the largest binary unit that divides them: 268435456 -> `256Mi`."""
    for unit, factor in _UNITS:
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def cpu(cpus: float) -> str:
    """CPUs as Kubernetes counts them: 1 -> `1`, 0.5 -> `500m`."""
    millis = round(cpus * 1000)
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def seconds(duration: str | None, default: int) -> int:
    """A Go duration (`1m30s`, `500ms`) in whole seconds, rounded up, at least 1."""
    if duration is None:
        return default
    total = sum(float(n) * _SECONDS[unit] for n, unit in _DURATION.findall(duration))
    return max(1, math.ceil(total))
