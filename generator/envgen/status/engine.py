"""The `docker` command that `envgen status` reads the engine through (its client
finds the engine as always: DOCKER_HOST, the current context, the default socket)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence

from envgen.errors import UsageError
from envgen.status.running import Docker


def docker_client(environ: Mapping[str, str]) -> Docker:
    """A runner of `docker ARGS`: its output, or None when it fails (a missing network);
    a UsageError when no client is installed or no engine answers."""
    program = shutil.which("docker", path=environ.get("PATH"))
    if program is None:
        raise UsageError("status: no `docker` command on PATH")
    probe = subprocess.run(
        [program, "version", "--format", "{{.Server.Version}}"],
        capture_output=True,
        text=True,
        env=dict(environ),
        check=False,
        timeout=30,
    )
    if probe.returncode != 0:
        raise UsageError("status: no Docker engine answers (is it running? is DOCKER_HOST right?)")

    def run(args: Sequence[str]) -> str | None:
        done = subprocess.run(
            [program, *args],
            capture_output=True,
            text=True,
            env=dict(environ),
            check=False,
            timeout=60,
        )
        return done.stdout if done.returncode == 0 else None

    return run
