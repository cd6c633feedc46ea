"""A `command` or `entrypoint` written as one string, split into words as Compose does.

Compose keeps the string in its model and splits it with go-shellwords (no variable or
backtick expansion): quotes and backslashes group words, `\\t` and `\\n` are a tab and a
newline outside single quotes, `$(...)` stays one word, and a bare `(` or `)`, an open
quote or a last backslash make the string invalid. An unquoted `;`, `&`, `|`, `<` or `>`
ends the command without a word of warning: what follows never runs. envgen refuses both,
the second because it is always a mistake (a shell line is `[sh, -c, "..."]`).
"""

from __future__ import annotations

from dataclasses import dataclass

_SPACES = " \t\r\n"
_OPERATORS = ";&|<>"
_ESCAPES = {"t": "\t", "n": "\n"}


class CommandLineError(ValueError):
    """Why Compose cannot use a command string; the message never quotes the string."""


@dataclass
class _State:
    words: list[str]
    word: str = ""
    started: bool = False  # a word is open, even an empty quoted one
    escaped: bool = False
    single: bool = False
    double: bool = False
    backtick: bool = False
    dollar: bool = False  # inside $( ... )

    @property
    def quoted(self) -> bool:
        return self.single or self.double or self.backtick or self.dollar


def split_command_line(line: str) -> list[str]:
    """The words Compose runs for `line`; raises CommandLineError where it would refuse it
    or silently drop a part of it."""
    words, stop = compose_words(line)
    if stop is not None:
        raise CommandLineError(
            f"Compose ends a command string at the unquoted `{line[stop]}` (character "
            f"{stop + 1}): the rest would never run; write a shell line as "
            '[sh, -c, "..."], or quote the character'
        )
    return words


def compose_words(line: str) -> tuple[list[str], int | None]:
    """The words Compose makes of `line`, and where it stops reading (an operator), if it
    does; raises CommandLineError where Compose refuses the string."""
    state = _State([])
    stop = None
    for index, char in enumerate(line):
        if not _step(state, char):
            stop = index
            if char == ">" and state.word.isascii() and state.word.isdigit():
                state.started = False  # `2>`: a redirection, not a word
            break
    if state.escaped or state.quoted:
        raise CommandLineError(_INVALID)
    if state.started:
        state.words.append(state.word)
    return state.words, stop


_INVALID = (
    "Compose cannot split this command string (an open quote, `$(` or backtick, a last "
    "backslash, or a bare parenthesis); write it as a list of arguments"
)


def _step(state: _State, char: str) -> bool:
    """Read one character; False at an operator that ends the command."""
    if state.escaped:
        state.escaped = False
        if state.backtick or state.dollar:
            state.word += "\\" + char
        else:
            state.word += _ESCAPES.get(char, char)
        state.started = True
        return True
    if char == "\\":
        if state.single:
            state.word += char
        else:
            state.escaped = True
        return True
    if char in _SPACES:
        if state.quoted:
            state.word += char
        elif state.started:
            state.words.append(state.word)
            state.word, state.started = "", False
        return True
    return _quote(state, char)


def _quote(state: _State, char: str) -> bool:
    """Quotes, substitutions and operators; False at an operator that ends the command."""
    outside = not (state.single or state.double)
    if char == "`" and outside and not state.dollar:
        state.backtick = not state.backtick
    elif char == ")" and outside and not state.backtick:
        if not state.dollar:
            raise CommandLineError(_INVALID)
        state.dollar = False
    elif char == "(" and outside and not state.backtick:
        if state.dollar or not state.word.endswith("$") or state.word.endswith("\\$"):
            raise CommandLineError(_INVALID)
        state.dollar = True
        state.word += char
        return True
    elif char == '"' and not (state.single or state.dollar or state.backtick):
        state.started = state.started or state.double
        state.double = not state.double
        return True
    elif char == "'" and not (state.double or state.dollar or state.backtick):
        state.started = state.started or state.single
        state.single = not state.single
        return True
    elif char in _OPERATORS and not state.quoted:
        return False
    state.word += char
    state.started = True
    return True


def command_texts(command: list[str] | str | None) -> list[tuple[tuple[int, ...], str]]:
    """The texts a person wrote in a command, each with its steps below the field: the
    arguments of a list at their index, a string whole (rules read inside it as they read
    a `sh -c` argument)."""
    if command is None:
        return []
    if isinstance(command, str):
        return [((), command)]
    return [((index,), argument) for index, argument in enumerate(command)]
