"""Which files make each environment: from `--env NAME -f FILE ...` on the command line,
or found by their usual names (a base file, its override, one overlay per environment)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from envgen.errors import UsageError
from envgen.importing.read import Source

# Compose's own order of default file names, and of its override file.
BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_OVERLAY = re.compile(r"^(?:docker-)?compose\.(?P<name>[a-z][a-z0-9-]*)\.ya?ml$")
# With no overlay, the one environment: a developer's, as a base file alone usually is.
SOLE = "local"


def parse_words(words: Sequence[str], cwd: Path) -> list[tuple[str, list[Path]]]:
    """`--env NAME [-f FILE]...` groups, in order; files relative to `cwd`, as Compose
    takes them."""
    groups: list[tuple[str, list[Path]]] = []
    items = list(words)
    index = 0
    while index < len(items):
        word = items[index]
        flag, equals, value = word.partition("=")
        if flag in ("--env", "-f", "--file"):
            if not equals:
                if index + 1 >= len(items):
                    raise UsageError(f"import: {flag} needs a value")
                value = items[index + 1]
                index += 1
            if flag == "--env":
                groups.append((value, []))
            elif not groups:
                raise UsageError(
                    f"import: {flag} {value}: name its environment first (--env NAME -f FILE)"
                )
            else:
                groups[-1][1].append(cwd / value)
        else:
            raise UsageError(
                f"import: unexpected `{word}` (usage: --env NAME -f FILE [-f FILE]...)"
            )
        index += 1
    return groups


def discover(folder: Path, groups: list[tuple[str, list[Path]]]) -> list[Source]:
    """Each environment's files: as named, else the base file (with its override, as
    Compose reads them by default) and, when there is one, `compose.<name>.yaml`."""
    base = next((folder / n for n in BASE_NAMES if (folder / n).is_file()), None)
    overlays = _overlays(folder)
    if not groups:
        if base is None:
            raise UsageError(
                f"import: no compose file in {folder} ({', '.join(BASE_NAMES)}); "
                "name them: --env NAME -f FILE"
            )
        named: list[tuple[str, list[Path]]] = [
            (name, []) for name in overlays if name != "override"
        ]
        groups = named or [(SOLE, [])]
    sources = []
    for name, named_files in groups:
        files = list(named_files)
        if not files:
            if base is None:
                raise UsageError(
                    f"import: no compose file in {folder} for `{name}`; "
                    f"name it: --env {name} -f FILE"
                )
            files = [base]
            if name in overlays and name != "override":
                files.append(overlays[name])
            elif "override" in overlays:
                files.append(overlays["override"])
        sources.append(Source(name, tuple(files)))
    return sources


def _overlays(folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        match = _OVERLAY.match(path.name)
        if match and path.is_file():
            found.setdefault(match["name"], path)
    return found
