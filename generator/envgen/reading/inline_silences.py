"""Reads the inline silences of a spec: `# envgen: silence RULE reason` comments, each on
the line whose findings it silences (as a linter's `# noqa: E501`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from envgen.problems import Position, Problem, did_you_mean

# The comment's start: `#`, then `envgen:`, the mark of a directive to envgen.
_MARK = re.compile(r"#[ \t]*envgen[ \t]*:")
_DIRECTIVE = re.compile(r"[ \t]*(\S*)[ \t]*(.*)")
_RULES = re.compile(r"^[A-Za-z0-9]+(?:,[A-Za-z0-9]+)*$")
SYNTAX = "write `# envgen: silence RULE reason`, e.g. `# envgen: silence PRD004 the proxy`"


@dataclass(frozen=True, order=True)
class InlineSilence:
    """A comment that silences rules on its own line: where the `#` is, the rules, why."""

    position: Position
    rules: tuple[str, ...]
    reason: str

    def covers(self, where: Position) -> bool:
        """Whether a finding at `where` is on this comment's line."""
        return (where.path, where.line) == (self.position.path, self.position.line)


def _scalar_spans(text: str) -> list[tuple[int, int]]:
    """Where each scalar is written, so that a `#` inside a quoted or plain value is not
    taken for a comment. Text YAML cannot read has no silences (loading reports it)."""
    spans = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        return []
    return spans


def inline_silences(text: str, path: str) -> tuple[list[InlineSilence], list[Problem]]:
    """Every `# envgen: ...` comment of a spec read as a silence, or a problem at its
    place when it is not one (an unknown directive, no rule, no reason)."""
    if "envgen" not in text:  # most specs: no scan at all
        return [], []
    marks = [m for m in _MARK.finditer(text) if m.start() == 0 or text[m.start() - 1] in " \t\n"]
    if not marks:
        return [], []
    spans = _scalar_spans(text)
    silences: list[InlineSilence] = []
    problems: list[Problem] = []
    for mark in marks:
        start = mark.start()
        if any(first <= start < last for first, last in spans):
            continue  # a `#` inside a value
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        position = Position(path, line, column)
        rest = text[mark.end() :].split("\n", 1)[0].rstrip("\r")
        found = _DIRECTIVE.match(rest)
        assert found is not None  # the pattern matches any text
        word, tail = found.groups()
        if word != "silence":
            hint = did_you_mean(word, ["silence"]) or SYNTAX
            message = f"unknown envgen directive `{word}`" if word else "an empty envgen directive"
            problems.append(Problem(position, "", message, hint))
            continue
        rules, *said = re.split(r"[ \t]+", tail, maxsplit=1)
        reason = said[0].strip() if said else ""
        if not rules or not _RULES.match(rules):
            problems.append(Problem(position, "", "an inline silence names no rule", SYNTAX))
        elif not reason:
            message = f"the inline silence of {rules} gives no reason"
            hint = "write why the rule does not apply here; a reviewer reads it"
            problems.append(Problem(position, "", message, hint))
        else:
            silences.append(InlineSilence(position, tuple(rules.split(",")), reason))
    return silences, problems
