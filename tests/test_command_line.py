"""A command string splits into the words Compose runs, or is refused where Compose refuses
it or would drop part of it; the binary's own reading is the reference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from envgen.compose.command_line import CommandLineError, compose_words, split_command_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose
from tests.conftest import Run, write_tree


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('echo "a b" c', ["echo", "a b", "c"]),
        ("echo 'a\\tb' \"a\\tb\" a\\tb", ["echo", "a\\tb", "a\tb", "a\tb"]),
        ("echo $(date +%s) `id -u`", ["echo", "$(date +%s)", "`id -u`"]),
        ('""', [""]),
        ("  ", []),
        ("a\\ b", ["a b"]),
    ],
)
def test_a_command_string_splits_as_compose_splits_it(line: str, words: list[str]) -> None:
    assert split_command_line(line) == words


@pytest.mark.parametrize("line", ["echo 'a", 'echo "a', "echo a\\", "a(b", "a)b", "$(a", "`a"])
def test_a_string_compose_cannot_split_is_refused(line: str) -> None:
    with pytest.raises(CommandLineError, match="cannot split this command string"):
        split_command_line(line)


@pytest.mark.parametrize(
    ("line", "operator", "at"),
    [("sh -c echo a; echo b", ";", 13), ("a && b", "&", 3), ("a 2>/dev/null", ">", 4)],
)
def test_an_operator_that_would_drop_the_rest_is_refused(line: str, operator: str, at: int) -> None:
    with pytest.raises(CommandLineError) as refused:
        split_command_line(line)
    assert str(refused.value).startswith(
        f"Compose ends a command string at the unquoted `{operator}` (character {at}): "
    )


def test_quoted_operators_are_text() -> None:
    assert split_command_line("echo 'a;b' \"c|d\" e\\&f") == ["echo", "a;b", "c|d", "e&f"]


_CHARACTERS = st.sampled_from(list(" \t\n\\'\"`$();&|<>{}ab2tn"))
_LINES = st.lists(st.text(_CHARACTERS, max_size=12), min_size=4, max_size=4)


def _compose_reads(root: Path, lines: list[str]) -> tuple[int, str]:
    services = {
        f"s{i}": {"image": "busybox", "command": line.replace("$", "$$")}
        for i, line in enumerate(lines)
    }
    (root / "compose.yml").write_text(json.dumps({"services": services}), encoding="utf-8")
    result = compose(root / "compose.yml", "config", "--format", "json")
    return result.returncode, result.stdout if result.returncode == 0 else result.stderr


@given(_LINES)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_compose_reads_every_drawn_string_as_envgen_does(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    root = tmp_path_factory.mktemp("command-line")
    readable: list[str] = []
    for line in lines:
        try:
            compose_words(line)
        except CommandLineError:
            code, output = _compose_reads(root, [line])
            assert code != 0, line
            assert "invalid command line string" in output, line
        else:
            readable.append(line)
    if not readable:
        return
    code, output = _compose_reads(root, readable)
    assert code == 0, output
    services = json.loads(output)["services"]
    for i, line in enumerate(readable):
        words = [word.replace("$", "$$") for word in compose_words(line)[0]]
        assert services[f"s{i}"].get("command", []) == words, line


SERVICES = """\
services:
  web:
    image: nginx:1.27
    command: nginx -g 'daemon off;'
    entrypoint: /docker-entrypoint.sh
  worker:
    image: busybox:1
    command: echo ${GREETING:-"hello there"} $$HOME "a\\tb"
    entrypoint: ""
  idle:
    image: busybox:1
    command: []
    entrypoint: []
"""


def _normalized(path: Path, *options: str) -> object:
    result = compose(path, "config", "--format", "json", *options)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_command_strings_mean_what_they_mean_to_compose(tmp_path: Path, run: Run) -> None:
    envgen_only = "app: shop\naccess: localhost\nhost:\n  name: laptop\ncompose_project: shop\n"
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": envgen_only + SERVICES,
            "environments/local.yaml": "tier: local\n",
            "compose.yml": "name: shop\n" + SERVICES,
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = tmp_path / "rendered" / "docker-compose.local.yml"
    for options in ((), ("--no-interpolate",)):
        assert _normalized(rendered, *options) == _normalized(tmp_path / "compose.yml", *options)
    services = _normalized(rendered)["services"]  # type: ignore[index]
    assert services["web"]["command"] == ["nginx", "-g", "daemon off;"]
    assert services["worker"]["command"] == ["echo", "hello there", "$$HOME", "a\tb"]
    assert (services["idle"]["command"], services["idle"]["entrypoint"]) == ([], [])


def test_diff_compares_the_words_a_command_runs(tmp_path: Path, run: Run) -> None:
    base = "app: shop\naccess: localhost\nhost:\n  name: laptop\nservices:\n  web:\n"
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": base + "    image: nginx:1.27\n    command: [nginx, -g, x]\n",
            "environments/local.yaml": "tier: local\n",
            "environments/test.yaml": 'tier: test\nservices:\n  web:\n    command: "nginx -g x"\n',
            "environments/staging.yaml": (
                'tier: staging\nservices:\n  web:\n    command: nginx -g "daemon off;"\n'
            ),
        },
    )
    same = run("--root", tmp_path, "diff", "local", "test")
    assert "command" not in same.output
    changed = run("--root", tmp_path, "diff", "local", "staging")
    assert "  ~ command  nginx -g x -> nginx -g 'daemon off;'\n" in changed.output
