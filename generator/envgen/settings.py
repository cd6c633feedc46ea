"""The project's layout: `[tool.envgen]` in pyproject.toml, with the usual layout as default."""

from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from envgen.errors import ProjectError
from envgen.output_names import unknown_outputs
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
    """Read [tool.envgen] from `root`/pyproject.toml, if there is one; every problem of
    the settings is reported at once, the same for every command."""
    table: dict[str, object] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ProjectError(_toml_error(str(error), text)) from None
        table = data.get("tool", {}).get("envgen", {})
    problems: list[str] = []
    values = dict(DEFAULTS)
    disabled = _disabled(table.pop(DISABLED, []), problems)
    for key, value in table.items():
        if key not in DEFAULTS:
            hint = did_you_mean(key, [*DEFAULTS, DISABLED])
            hint = f" ({hint})" if hint else ""
            problems.append(f"{_TABLE}: unknown setting `{key}`{hint}")
        elif not isinstance(value, str) or not value or PurePosixPath(value).is_absolute():
            problems.append(f"{_TABLE}: `{key}` must be a path relative to the project")
        else:
            values[key] = value
    paths = {key: _inside_project(key, value, problems) for key, value in values.items()}
    if not problems:  # paths that are themselves wrong say nothing about overlaps
        _check_apart(paths, problems)
    if problems:
        raise ProjectError("\n".join(dict.fromkeys(problems)))
    return Settings(root, **paths, disabled=disabled)


_TABLE = "pyproject.toml: [tool.envgen]"
# tomllib's own place words, at the end of its message.
_TOML_PLACE = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def _toml_error(message: str, text: str) -> str:
    """tomllib's message as `pyproject.toml:LINE:COLUMN: message`, like every other
    problem; its end of document is the last line's end."""
    found = _TOML_PLACE.fullmatch(message)
    if found is not None:
        return f"pyproject.toml:{found['line']}:{found['column']}: {found['message']}"
    if message.endswith(" (at end of document)"):
        lines = text.split("\n")
        where = f"{len(lines)}:{len(lines[-1]) + 1}"
        return f"pyproject.toml:{where}: {message.removesuffix(' (at end of document)')}"
    return f"pyproject.toml: {message}"


# Where envgen reads; every other setting is where it writes.
INPUTS = ("environments", "templates")


def _refused(key: str, value: object, why: str) -> str:
    return f"{_TABLE}: `{key}` = {value!r} {why}"


def _inside_project(key: str, value: str, problems: list[str]) -> PurePosixPath:
    """The setting as a normal relative path (`docs/./x/../y.md` -> `docs/y.md`), refusing
    one that leaves the project."""
    normal = PurePosixPath(posixpath.normpath(value))
    if normal.parts[:1] == ("..",):
        problems.append(
            _refused(key, value, "leads outside the project; envgen writes only inside it")
        )
    if "\\" in value:
        problems.append(_refused(key, value, "holds a backslash; write paths with /"))
    return normal


def _check_apart(paths: dict[str, PurePosixPath], problems: list[str]) -> None:
    """Every setting names its own place, and nothing envgen writes lands on what it
    reads (the specs, the templates) or on pyproject.toml; one problem a setting."""
    found: dict[str, str] = {}
    for key, path in paths.items():
        if key in INPUTS:
            continue
        whys = [
            *(["would overwrite the project's settings"] if str(path) == "pyproject.toml" else []),
            *(
                f"is also `{source}`, which envgen reads"
                for source in INPUTS
                if paths[source] == path
            ),
            *(
                ["is inside `templates`, which envgen reads"]
                if paths["templates"] in path.parents
                else []
            ),
            # Beside the specs, a .yaml file would be read as one (a schema file is fine).
            *(
                ["would be read as a spec in `environments`"]
                if path.parent == paths["environments"] and path.suffix in (".yaml", ".yml")
                else []
            ),
        ]
        if whys:
            found[key] = _refused(key, str(path), whys[0])
    seen: dict[PurePosixPath, str] = {}
    for key, path in paths.items():
        if path in seen and key not in found:
            found[key] = _refused(key, str(path), f"is also `{seen[path]}`; give each its own path")
        seen.setdefault(path, key)
    problems += found.values()


def _disabled(value: object, problems: list[str]) -> tuple[str, ...]:
    """The names of the outputs switched off, each one that exists."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        problems.append(f"{_TABLE}: `{DISABLED}` must be a list of output names")
        return ()
    if value:
        problems += [f"{_TABLE}: `{DISABLED}`: {problem}" for problem in unknown_outputs(value)]
    return tuple(value)
