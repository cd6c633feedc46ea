"""Whether to colour, from the flag, the conventions of the environment and the terminal."""

from __future__ import annotations

from collections.abc import Mapping

ANSI = {"red": "31", "green": "32", "yellow": "33", "cyan": "36", "bold": "1"}


def use_colour(choice: str, is_tty: bool, environ: Mapping[str, str]) -> bool:
    """`--color always|never` wins; then FORCE_COLOR (https://force-color.org, "0" or
    "false" turning it off), then NO_COLOR (https://no-color.org); else only on a terminal."""
    if choice != "auto":
        return choice == "always"
    forced = environ.get("FORCE_COLOR")
    if forced:
        return forced.lower() not in ("0", "false")
    if environ.get("NO_COLOR"):
        return False
    return is_tty


def paint(text: str, colour: str) -> str:
    return f"\x1b[{ANSI[colour]}m{text}\x1b[0m"


def unified_diff(diff: str) -> str:
    """A unified diff with removed lines red, added green, hunk headers cyan, file names bold."""
    lines = []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            lines.append(paint(line, "bold"))
        elif line.startswith("@@"):
            lines.append(paint(line, "cyan"))
        elif line.startswith("-"):
            lines.append(paint(line, "red"))
        elif line.startswith("+"):
            lines.append(paint(line, "green"))
        else:
            lines.append(line)
    return "".join(f"{line}\n" for line in lines)
