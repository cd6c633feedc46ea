"""YAML merge keys (`<<`) mean in a spec what they mean to Docker Compose: the reader's
data, its refusals at their place, and Compose's own model of envgen's rendering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from envgen.problems import Position
from envgen.reading.limits import MAX_VALUES
from envgen.reading.source import Override, load

from tests.compose_cli import compose
from tests.conftest import Run, write_tree
from tests.test_bad_input import project

ANCHORS = """\
x-base: &base
  image: busybox
  user: base
x-other: &other
  user: other
  hostname: other
"""


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("<<: *base", {"image": "busybox", "user": "base"}),
        # Written keys win, before or after the merge key.
        ("<<: *base\nuser: mine", {"image": "busybox", "user": "mine"}),
        ("user: mine\n<<: *base", {"user": "mine", "image": "busybox"}),
        # In a list, the earlier mapping wins.
        ("<<: [*other, *base]", {"user": "other", "hostname": "other", "image": "busybox"}),
        ("<<: [*base, *other]", {"image": "busybox", "user": "base", "hostname": "other"}),
        ("<<: []", {}),
        ("<<: {user: inline}", {"user": "inline"}),
        ("!!merge <<: *base", {"image": "busybox", "user": "base"}),
        ("? <<\n: *base", {"image": "busybox", "user": "base"}),
        # Quoted, or tagged `!` or `!!str`, it is a plain key (Compose's schema refuses it).
        ('"<<": {user: q}', {"<<": {"user": "q"}}),
        ("! <<: {user: q}", {"<<": {"user": "q"}}),
        ("!!str <<: {user: q}", {"<<": {"user": "q"}}),
    ],
)
def test_merge_keys_give_composes_data(service: str, expected: dict[str, Any]) -> None:
    text = ANCHORS + "s:\n" + "".join(f"  {line}\n" for line in service.splitlines())
    document, problems = load(text, "x.yaml")
    assert problems == []
    assert document.data["s"] == expected
    assert list(document.data["s"]) == list(expected)  # merged keys where `<<` stands


def test_a_merged_mapping_merges_its_own_merge_keys_first() -> None:
    text = ANCHORS + "x-both: &both\n  <<: *other\n  image: both\ns:\n  <<: [*both, *base]\n"
    document, problems = load(text, "x.yaml")
    assert problems == []
    assert document.data["s"] == {"user": "other", "hostname": "other", "image": "both"}


def test_merging_is_shallow() -> None:
    text = "x-a: &a\n  environment: {A: '1'}\ns:\n  <<: *a\n  environment: {B: '2'}\n"
    document, _ = load(text, "x.yaml")
    assert document.data["s"] == {"environment": {"B": "2"}}


def test_merged_values_keep_the_position_of_their_anchor() -> None:
    document, _ = load(ANCHORS + "s:\n  <<: *base\n  image: mine\n", "x.yaml")
    assert document.keys[("s", "user")] == Position("x.yaml", 3, 3)
    assert document.values[("s", "user")] == Position("x.yaml", 3, 9)
    assert document.keys[("s", "image")] == Position("x.yaml", 9, 3)


def test_reset_beside_a_merged_value_keeps_the_merged_value_whole() -> None:
    """Compose drops the earlier file's value and keeps the merged one (checked against
    the binary in test_reset_beside_a_merge_means_what_it_means_to_compose)."""
    document, problems = load(ANCHORS + "s:\n  <<: *base\n  user: !reset\n", "x.yaml")
    assert problems == []
    assert document.data["s"] == {"image": "busybox", "user": Override("base")}


def test_a_plain_merge_key_as_a_value_is_refused() -> None:
    _, problems = load("a: [x, <<]\nb: '<<'\n", "x.yaml")
    assert [str(p) for p in problems] == [
        "x.yaml:1:8: a.1: a plain `<<` is YAML's merge key, not a value "
        '(quote it if it is text: "<<")'
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "s:\n  <<: 1\n",
            "x.yaml:2:3: s.<<: a merge key takes a mapping or a list of mappings, not a single "
            "value (write <<: *anchor or <<: [*a, *b])",
        ),
        (
            "x: &x [1]\ns:\n  <<: *x\n",
            "x.yaml:3:3: s.<<.0: a merge key takes a mapping or a list of mappings, not a "
            "single value (write <<: *anchor or <<: [*a, *b])",
        ),
        (
            "s:\n  <<: [{a: 1}, 3]\n",
            "x.yaml:2:3: s.<<.1: a merge key takes a mapping or a list of mappings, not a "
            "single value (write <<: *anchor or <<: [*a, *b])",
        ),
        (
            "s:\n  <<: [[{a: 1}]]\n",
            "x.yaml:2:3: s.<<.0: a merge key takes a mapping or a list of mappings, not a list "
            "(write <<: *anchor or <<: [*a, *b])",
        ),
        (
            "s:\n  <<: ~\n",
            "x.yaml:2:3: s.<<: a merge key takes a mapping or a list of mappings, not a single "
            "value (write <<: *anchor or <<: [*a, *b])",
        ),
        (
            "s:\n  <<: !override {a: 1}\n",
            "x.yaml:2:3: s.<<: a merge key takes a mapping or a list of mappings, not a mapping "
            "tagged `!override` (write <<: *anchor or <<: [*a, *b])",
        ),
        (
            "s:\n  <<: {a: 1}\n  <<: {b: 1}\n",
            "x.yaml:3:3: s.<<: duplicate key `<<` (first defined at line 2) "
            "(merge a list: <<: [*a, *b])",
        ),
    ],
)
def test_a_merge_key_that_cannot_merge_is_refused_at_its_place(text: str, expected: str) -> None:
    _, problems = load(text, "x.yaml")
    assert [str(p) for p in problems] == [expected]


def test_merged_content_counts_against_the_value_limit() -> None:
    """A billion laughs through merge keys: each level merges the one before twice."""
    lines = ["l0: &l0 {" + ", ".join(f"k{i}: v" for i in range(10)) + "}"]
    for level in range(1, 12):
        lines.append(f"l{level}: &l{level} {{<<: [*l{level - 1}, *l{level - 1}], k{level}x: v}}")
    _, problems = load("\n".join(lines) + "\n", "x.yaml")
    assert len(problems) == 1
    assert f"more than {MAX_VALUES} values" in problems[0].message


def test_a_merge_of_its_own_anchor_is_refused() -> None:
    _, problems = load("a: &a\n  b:\n    <<: *a\n", "x.yaml")
    assert [str(p) for p in problems] == ["x.yaml:3:9: a.b.<<: alias `*a` is inside its own anchor"]


def test_an_error_inside_merged_content_points_at_the_anchor(tmp_path: Path, run: Run) -> None:
    base = (
        "x-limits: &limits\n  memory: lots\napp: shop\naccess: localhost\nhost:\n  name: laptop\n"
        "services:\n  web:\n    <<: *limits\n    image: nginx:1.27\n"
    )
    result = run("--root", project(tmp_path, base=base), "validate")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "local:"
    assert result.stderr.splitlines()[1].startswith(
        "environments/base.yaml:2:11: services.web.memory: "
    )


def test_a_quoted_merge_key_is_an_unknown_field_as_in_compose(tmp_path: Path, run: Run) -> None:
    base = (
        "app: shop\naccess: localhost\nhost:\n  name: laptop\n"
        "services:\n  web:\n    image: nginx:1.27\n    '<<': {user: u}\n"
    )
    result = run("--root", project(tmp_path, base=base), "validate")
    assert (result.exit_code, result.stderr.splitlines()) == (
        2,
        ["local:", "environments/base.yaml:8:5: services.web.<<: unknown field `<<`", "1 error"],
    )


ENVGEN_ONLY = "app: shop\naccess: localhost\nhost:\n  name: laptop\ncompose_project: shop\n"

SERVICES = """\
x-common: &common
  restart: unless-stopped
  environment:
    LOG_LEVEL: info
  labels: {com.example.team: core}
x-limits: &limits
  user: "1000"
  init: true
services:
  web:
    <<: [*common, *limits]
    image: nginx:1.27
    environment:
      <<: {PORT: "80"}
      LOG_LEVEL: debug
  worker:
    image: busybox:1
    command: [sleep, infinity]
    <<: *common
    user: "2000"
"""


def _normalized(path: Path, *more: Path) -> Any:
    extra = [arg for file in more for arg in ("-f", str(file))]
    result = compose(path, *extra, "config", "--format", "json", "--no-interpolate")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_merge_keys_in_a_spec_mean_what_they_mean_to_compose(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": ENVGEN_ONLY + SERVICES,
            "environments/local.yaml": "tier: local\n",
            "compose.yml": "name: shop\n" + SERVICES,
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = _normalized(tmp_path / "rendered" / "docker-compose.local.yml")
    assert rendered == _normalized(tmp_path / "compose.yml")
    assert rendered["services"]["web"]["environment"] == {"LOG_LEVEL": "debug", "PORT": "80"}


def test_reset_beside_a_merge_means_what_it_means_to_compose(tmp_path: Path, run: Run) -> None:
    first = "services:\n  web:\n    image: nginx:1.27\n    user: base\n    labels: {a: '1'}\n"
    second = (
        "x-a: &a\n  user: merged\n  labels: {b: '2'}\n"
        "services:\n  web:\n    <<: *a\n    user: !reset\n    labels: !reset\n"
    )
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": ENVGEN_ONLY + first,
            "environments/local.yaml": "tier: local\n" + second,
            "first.yml": "name: shop\n" + first,
            "second.yml": second,
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = _normalized(tmp_path / "rendered" / "docker-compose.local.yml")
    plain = _normalized(tmp_path / "first.yml", tmp_path / "second.yml")
    assert rendered == plain
    assert (plain["services"]["web"]["user"], plain["services"]["web"]["labels"]) == (
        "merged",
        {"b": "2"},
    )


def test_an_anchor_merged_and_used_again_inside_is_read_as_yaml_defines_it() -> None:
    """Compose refuses this as a "cycle" (compose-go's heuristic); nothing in it is one."""
    text = "x-a: &a {user: u}\ns:\n  <<: *a\n  deploy:\n    labels: *a\n"
    document, problems = load(text, "x.yaml")
    assert problems == []
    assert document.data["s"] == {"user": "u", "deploy": {"labels": {"user": "u"}}}


def test_reset_beside_a_merged_reset_stays_a_reset() -> None:
    text = "x-a: &a\n  user: !reset\ns:\n  <<: *a\n  user: !reset\n"
    document, problems = load(text, "x.yaml")
    assert problems == []
    assert repr(document.data["s"]) == "{'user': !reset}"


def test_a_merge_key_works_inside_a_list_item() -> None:
    text = "x-p: &p {protocol: udp}\nports:\n  - <<: *p\n    target: 53\n"
    document, problems = load(text, "x.yaml")
    assert problems == []
    assert document.data["ports"] == [{"protocol": "udp", "target": 53}]


def test_a_value_tagged_merge_is_refused_like_a_plain_one() -> None:
    _, problems = load("a: !!merge <<\n", "x.yaml")
    assert [str(p) for p in problems] == [
        "x.yaml:1:4: a: a plain `<<` is YAML's merge key, not a value "
        '(quote it if it is text: "<<")'
    ]
