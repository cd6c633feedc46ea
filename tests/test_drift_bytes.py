"""`check` compares bytes: an edit that changes only whitespace, line endings or the final
newline of any generated file is drift, with the render cache on and off, and `render`
puts back the exact bytes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run

Edit = Callable[[bytes], bytes]


def _trailing_space(data: bytes) -> bytes:
    first_line = data.index(b"\n")
    return data[:first_line] + b" " + data[first_line:]


EDITS: dict[str, Edit] = {
    "a trailing space": _trailing_space,
    "CRLF line endings": lambda data: data.replace(b"\n", b"\r\n"),
    "no final newline": lambda data: data.rstrip(b"\n"),
    "an extra final newline": lambda data: data + b"\n",
    "a byte order mark": lambda data: b"\xef\xbb\xbf" + data,
    "a tab for a space": lambda data: data.replace(b" ", b"\t", 1),
}


def _generated(shipped: Path, run: Run) -> list[str]:
    result = run("--root", shipped, "check", "--format", "json")
    assert result.exit_code == 0, result.output
    return [entry["path"] for entry in json.loads(result.stdout)["files"]]


@pytest.mark.parametrize("cache", ["on", "off"])
@pytest.mark.parametrize("edit", EDITS)
def test_a_whitespace_only_edit_of_any_generated_file_is_drift(
    shipped: Path, run: Run, edit: str, cache: str
) -> None:
    paths = _generated(shipped, run)
    assert len(paths) >= 15
    originals = {path: (shipped / path).read_bytes() for path in paths}
    for path, data in originals.items():
        edited = EDITS[edit](data)
        assert edited != data, f"{edit} leaves {path} as it was"
        (shipped / path).write_bytes(edited)
    flags = ["--no-cache"] if cache == "off" else []
    result = run("--root", shipped, "check", *flags)
    assert result.exit_code == 1
    differing = {
        line.removesuffix(": differs from its specs")
        for line in result.stdout.splitlines()
        if line.endswith(": differs from its specs")
    }
    assert differing == set(paths)
    assert run("--root", shipped, "render", *flags).exit_code == 0
    assert {path: (shipped / path).read_bytes() for path in paths} == originals


def test_line_endings_alone_are_named_in_words(shipped: Path, run: Run) -> None:
    count = len(_generated(shipped, run))
    path = shipped / "rendered/scripts/rollback.sh"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert result.stdout == (
        "rendered/scripts/rollback.sh: differs from its specs\n\n"
        "rendered/scripts/rollback.sh: only the line endings differ: envgen writes LF (\\n),"
        " the file has CRLF\n\n"
        f"1 of {count} generated files out of date; run `envgen render` and commit the result\n"
    )


def test_a_byte_order_mark_alone_is_named_in_words(shipped: Path, run: Run) -> None:
    path = shipped / ".env.test"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert (
        ".env.test: only a byte order mark at the start differs: envgen writes none\n"
        in result.stdout
    )
