"""Caddy itself, as the tests run it: the binary beside the interpreter, a clean
environment and a throw-away home, so that nothing outside the test is read or written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CADDY = str(Path(sys.executable).parent / "caddy")


def caddy(
    home: Path, *args: str, variables: dict[str, str] | None = None, timeout: int = 30
) -> str:
    """`caddy ARGS...` with only `variables` in its environment; its standard output. The
    timeout catches a Caddy waiting on a network."""
    environment = {"HOME": str(home), "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home)}
    result = subprocess.run(
        [CADDY, *args],
        capture_output=True,
        text=True,
        env={**environment, **(variables or {})},
        check=False,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
