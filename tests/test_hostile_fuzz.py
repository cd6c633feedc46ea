"""Random hostile edits of a valid spec: envgen answers exit 0 or exit 2 with problem
lines at positions, quickly; never a traceback (exit 3), never a hang."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner
from envgen.cli.main import main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_bad_input import project

VALID = """\
tier: local
services:
  web:
    memory: 512m
    cpus: 1.5
    read_only: true
    environment:
      MODE: fast
      DB_PASSWORD: ${DB_PASSWORD}
    ports:
      - 8081:80
"""

# Pieces that YAML, the models or the policies find hard: anchors, aliases, tags, flow
# openings, numbers at the edges, escapes, controls, keys, indentation.
FRAGMENTS = [
    "&a ",
    "*a",
    "&b [*a, *a, *a]",
    "!!int ",
    "!!bool ",
    "!!binary ",
    "!!timestamp ",
    "!!set ",
    "!!omap ",
    "!foo ",
    "!remove",
    "!!str ",
    "!!float ",
    "! ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "? ",
    ",",
    "#",
    "'",
    '"',
    "\\",
    '"\\ud800"',
    '"\\x07"',
    ".inf",
    ".nan",
    "-.inf",
    "1e999",
    "9" * 4400,
    "0x",
    "0o9",
    "~",
    "null",
    "yes",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x07",
    "\u2028",
    "\ufeff",
    "  ",
    "    ",
    "%YAML 1.2\n---\n",
    "---\n",
    "...\n",
    "<<: *a",
    "${",
    "$${X}",
    "${X:-${Y}}",
    "redis://:pw@r",
    "$",
    "@",
    "`",
    "|",
    ">",
]


@st.composite
def hostile_spec(draw: st.DrawFn) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        else:
            lines = text.splitlines(keepends=True) or [""]
            line = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: line + 1] + lines[line:])
    return text


_PROBLEM = re.compile(r"^\S.*:\d+:\d+: \S.*$")
_GROUP = re.compile(r"^[a-z][a-z0-9_-]*:$")
_SUMMARY = re.compile(
    r"^\d+ (?:errors?|warnings?|silenced)(?:, \d+ (?:errors?|warnings?|silenced))*$"
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_spec())
def test_hostile_specs_end_in_exit_0_or_problem_lines(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = project(Path(folder), local=text)
        started = time.perf_counter()
        result = CliRunner().invoke(main, ["--root", str(root), "validate"])
        elapsed = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    assert elapsed < 2.0
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines, "exit 2 says why"
        assert _SUMMARY.match(lines[-1]), lines[-1]
        for line in lines[:-1]:
            assert _PROBLEM.match(line) or _GROUP.match(line), line
