"""Which project files git ignores, from the project's top-level .gitignore.

A documented subset of git's rules, enough for variables files: blank lines and `#`
comments are skipped; `!` re-includes; a pattern holding a `/` (other than a trailing
one) is matched against the whole path from the root, any other against the file's
name in every folder; `*`, `?` and `[...]` are globs (here `*` may also cross a `/`);
a trailing `/` matches folders only, so it ignores the files under them; the last
matching line wins. Nested .gitignore files and git's global excludes are not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Pattern:
    glob: str
    negated: bool
    anchored: bool  # matched against the whole path from the root
    folder_only: bool


def parse(text: str) -> tuple[Pattern, ...]:
    patterns = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line
        folder_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        patterns.append(Pattern(line.lstrip("/"), negated, anchored, folder_only))
    return tuple(patterns)


def _matches(pattern: Pattern, path: PurePosixPath, is_folder: bool) -> bool:
    if pattern.folder_only and not is_folder:
        return False
    if pattern.anchored:
        return fnmatchcase(str(path), pattern.glob)
    return fnmatchcase(path.name, pattern.glob)


@dataclass(frozen=True)
class GitIgnore:
    """The patterns of one .gitignore; `ignores(path)` says whether git leaves a file out."""

    patterns: tuple[Pattern, ...]

    def ignores(self, path: str) -> bool:
        relative = PurePosixPath(path)
        # A file under an ignored folder is ignored, whatever its own name says.
        for folder in reversed(relative.parents[:-1]):
            if self._decide(folder, is_folder=True):
                return True
        return self._decide(relative, is_folder=False)

    def _decide(self, path: PurePosixPath, is_folder: bool) -> bool:
        ignored = False
        for pattern in self.patterns:
            if _matches(pattern, path, is_folder):
                ignored = not pattern.negated
        return ignored


def read_gitignore(root: Path) -> GitIgnore | None:
    """The project's .gitignore, or None when it has none (then nothing can be judged)."""
    try:
        return GitIgnore(parse((root / ".gitignore").read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
