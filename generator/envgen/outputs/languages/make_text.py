"""Spells values in Makefile recipes, and reads recipes back.

A recipe line goes through make, then the shell: make expands `$`, so every `$` of a
shell word is doubled; a line break cannot be written at all. Target names are kept to
letters, digits and dashes, which make reads as themselves.
"""

from __future__ import annotations

import re

from envgen.outputs.languages.shell_text import read_words, shell_word

_TARGET = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def make_target(name: str) -> str:
    if not _TARGET.fullmatch(name):
        raise ValueError(f"cannot write {name!r} as a make target")
    return name


def make_word(value: object) -> str:
    """One shell word of a recipe, with make's `$` escaped."""
    return shell_word(value).replace("$", "$$")


def make_comment(text: str) -> str:
    """Free text as one comment line's body."""
    return re.sub(r"[\x00-\x20\x7f]+", " ", text).strip()


def read_recipe(line: str) -> list[str]:
    """The argv a recipe line runs once make has expanded it (`$$` is `$`), with make
    variables such as `$(COMPOSE)` kept as one word each."""
    return read_words(re.sub(r"\$\$", "$", line))
