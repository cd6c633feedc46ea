"""The project's layout: `[tool.envgen]` in pyproject.toml, with the usual layout as default."""

from __future__ import annotations

import posixpath
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from envgen.errors import ProjectError
from envgen.problems import did_you_mean

DEFAULTS = {
    "environments": "environments",
    "templates": "templates",
    "rendered": "rendered",
    "docs": "docs/ENVIRONMENTS.md",
    "caddyfile": "rendered/Caddyfile",
    "variables_example": ".env.example",
    "makefile": "rendered/envgen.mk",
    "scripts": "rendered/scripts",
    # Not .github/workflows by default: GitHub would run the workflows of envgen's own
    # example application in this repository. A real project points this there.
    "workflows": "rendered/github",
    "schema": "environments/envgen.schema.json",
}
# The one key that is not a path: outputs switched off, by name (`envgen render` then
# removes their files).
DISABLED = "disabled"


@dataclass(frozen=True)
class Settings:
    """Where things are, as paths relative to the project root (POSIX form)."""

    root: Path
    environments: PurePosixPath
    templates: PurePosixPath
    rendered: PurePosixPath
    docs: PurePosixPath
    caddyfile: PurePosixPath
    variables_example: PurePosixPath
    makefile: PurePosixPath
    scripts: PurePosixPath
    workflows: PurePosixPath
    schema: PurePosixPath
    disabled: tuple[str, ...] = ()
    # Every project path looked up through `path()`: the paths loading consulted, to which
    # the render cache holds its entries (envgen.cache).
    consulted: set[PurePosixPath] = field(
        default_factory=set, init=False, compare=False, repr=False
    )

    def path(self, relative: PurePosixPath | str) -> Path:
        self.consulted.add(PurePosixPath(relative))
        return self.root / relative


def find_root(start: Path) -> Path:
    """The nearest folder upwards that holds a pyproject.toml with [tool.envgen] or an
    environments/ folder; `start` itself when there is none."""
    for folder in (start, *start.parents):
        if (folder / DEFAULTS["environments"] / "base.yaml").is_file():
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.envgen]" in pyproject.read_text(encoding="utf-8"):
            return folder
    return start


def load_settings(root: Path) -> Settings:
    """Read [tool.envgen] from `root`/pyproject.toml, if there is one."""
    table: dict[str, object] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ProjectError(f"pyproject.toml: {error}") from None
        table = data.get("tool", {}).get("envgen", {})
    values = dict(DEFAULTS)
    disabled = _disabled(table.pop(DISABLED, []))
    for key, value in table.items():
        if key not in DEFAULTS:
            hint = did_you_mean(key, [*DEFAULTS, DISABLED])
            hint = f" ({hint})" if hint else ""
            raise ProjectError(f"pyproject.toml: [tool.envgen]: unknown setting `{key}`{hint}")
        if not isinstance(value, str) or not value or PurePosixPath(value).is_absolute():
            raise ProjectError(
                f"pyproject.toml: [tool.envgen]: `{key}` must be a path relative to the project"
            )
        values[key] = value
    paths = {key: _inside_project(key, value) for key, value in values.items()}
    _check_apart(paths)
    return Settings(root, **paths, disabled=disabled)


# Where envgen reads; every other setting is where it writes.
INPUTS = ("environments", "templates")


def _refused(key: str, value: object, why: str) -> ProjectError:
    return ProjectError(f"pyproject.toml: [tool.envgen]: `{key}` = {value!r} {why}")


def _inside_project(key: str, value: str) -> PurePosixPath:
    """The setting as a normal relative path (`docs/./x/../y.md` -> `docs/y.md`), refusing
    one that leaves the project."""
    normal = PurePosixPath(posixpath.normpath(value))
    if normal.parts[:1] == ("..",):
        raise _refused(key, value, "leads outside the project; envgen writes only inside it")
    if "\\" in value:
        raise _refused(key, value, "holds a backslash; write paths with /")
    return normal


def _check_apart(paths: dict[str, PurePosixPath]) -> None:
    """Every setting names its own place, and nothing envgen writes lands on what it
    reads (the specs, the templates) or on pyproject.toml."""
    for key, path in paths.items():
        if key in INPUTS:
            continue
        if path == PurePosixPath("pyproject.toml"):
            raise _refused(key, str(path), "would overwrite the project's settings")
        for source in INPUTS:
            if paths[source] == path:
                raise _refused(key, str(path), f"is also `{source}`, which envgen reads")
        if paths["templates"] in path.parents:
            raise _refused(key, str(path), "is inside `templates`, which envgen reads")
        if path.parent == paths["environments"] and path.suffix in (".yaml", ".yml"):
            # Beside the specs, a .yaml file would be read as one (a schema file is fine).
            raise _refused(key, str(path), "would be read as a spec in `environments`")
    seen: dict[PurePosixPath, str] = {}
    for key, path in paths.items():
        if path in seen:
            raise _refused(key, str(path), f"is also `{seen[path]}`; give each its own path")
        seen[path] = key


def _disabled(value: object) -> tuple[str, ...]:
    """The names of the outputs switched off; the registry checks that they exist."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ProjectError(
            f"pyproject.toml: [tool.envgen]: `{DISABLED}` must be a list of output names"
        )
    return tuple(value)
