"""`envgen init`: a new project's specs, from the scaffold shipped inside the package.

The scaffold (envgen/scaffold/) is a web service built from the project's Dockerfile and
PostgreSQL in four environments, valid as written: `envgen validate`, `render` and `check`
pass on it with no rule silenced. Only the application's name is filled in.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path, PurePosixPath

from envgen.errors import UsageError
from envgen.files import FileStatus, State, write_all
from envgen.outputs.schema import default_modeline

SPECS = ("base", "local", "test", "staging", "production")
GITIGNORE = PurePosixPath(".gitignore")
DEFAULT_APP = "app"

# A name that is also a DNS label and, with `-` as `_` and a suffix such as `_production`,
# a database name (at most 63 characters).
APP_NAME = re.compile(r"[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?")


def app_name_of(folder: Path) -> str:
    """The application's name from its folder's (`My Shop` -> `my-shop`), or `app`."""
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower())
    slug = re.sub(r"^[^a-z]+", "", slug)[:40].strip("-")
    return slug if APP_NAME.fullmatch(slug) else DEFAULT_APP


def _scaffold(name: str) -> str:
    return (files("envgen") / "scaffold" / name).read_text(encoding="utf-8")


def _spec(name: str, app: str) -> str:
    text = _scaffold(f"environments/{name}.yaml")
    text = text.replace("__APP__", app).replace("__DB__", app.replace("-", "_"))
    # First, the line that points editors at the schema `envgen render` writes.
    return f"{default_modeline()}\n{text}"


def _gitignore(current: str | None) -> str | None:
    """`.gitignore` with the scaffold's lines that it lacks, or None when it has them all."""
    block = _scaffold("gitignore")
    if current is None:
        return block
    have = {line.strip() for line in current.splitlines()}
    rules = [line for line in block.splitlines() if line and not line.startswith("#")]
    if all(rule in have for rule in rules):
        return None
    separator = "" if not current else "\n" if current.endswith("\n") else "\n\n"
    return current + separator + block


def scaffold(root: Path, app: str) -> list[FileStatus]:
    """Write a new project's specs into `root`, and the `.gitignore` lines for its
    variables files; refuse, writing nothing, where a project already is."""
    if not APP_NAME.fullmatch(app):
        raise UsageError(
            f"application name `{app}`: use lower-case letters, digits and dashes, starting "
            "with a letter, at most 40 characters"
        )
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    specs = root / "environments"
    existing = sorted(specs.glob("*.yaml")) if specs.is_dir() else []
    if existing:
        raise UsageError(
            f"{existing[0]} already exists: `envgen init` starts a new project and "
            "overwrites nothing (nothing written)"
        )
    written = {PurePosixPath(f"environments/{name}.yaml"): _spec(name, app) for name in SPECS}
    ignore_file = root / GITIGNORE
    current = ignore_file.read_text(encoding="utf-8") if ignore_file.is_file() else None
    ignored = _gitignore(current)
    if ignored is not None:
        written[GITIGNORE] = ignored
    root.mkdir(parents=True, exist_ok=True)
    write_all(root, written, [])
    statuses = [FileStatus(path, "missing") for path in written if path != GITIGNORE]
    state: State = "missing" if current is None else "unchanged" if ignored is None else "changed"
    return [*statuses, FileStatus(GITIGNORE, state)]
