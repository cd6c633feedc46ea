"""Spells values for variables files (`KEY=value`, read by Compose's `--env-file`), and
reads them back.

Compose interpolates `$` in unquoted and double-quoted values, cuts ` #` comments and
trims spaces; quotes are themselves a linter finding. So a value is written bare, and
only values that read back as themselves bare are allowed: anything else is refused
rather than quoted.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# Characters that mean the same to every dotenv reader when written bare.
_BARE = re.compile(r"^[A-Za-z0-9_./:@,+=-]*$")
_LINE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")


def dotenv_name(name: str) -> str:
    """A variable name as dotenv linters accept it: upper case, digits, underscores."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"cannot write {name!r} as a variable name in a variables file")
    return name


def dotenv_value(value: object) -> str:
    """`value` bare, or a ValueError when no dotenv reader would read it back unchanged."""
    text = str(value)
    if not _BARE.fullmatch(text):
        raise ValueError(f"cannot write {text!r} safely in a variables file")
    return text


def dotenv_comment(text: str) -> str:
    """Free text as one comment line's body: no line breaks or control characters."""
    return re.sub(r"[\x00-\x20\x7f]+", " ", text).strip()


def read_dotenv(text: str) -> tuple[dict[str, str], list[str]]:
    """The variables a file sets, and the lines that are neither comments nor `KEY=value`."""
    found: dict[str, str] = {}
    wrong: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None or match["name"] in found:
            wrong.append(f"line {number}: {line!r}")
        else:
            found[match["name"]] = match["value"]
    return found, wrong
