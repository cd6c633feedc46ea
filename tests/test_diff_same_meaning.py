"""`envgen diff` sees one meaning in its every spelling where Compose does: no `restart`
and `restart: "no"` (the engine's default), a string health check test and the
`[CMD-SHELL, ...]` that `docker-compose config` turns it into, `restart: on-failure:N` and
`deploy.restart_policy` with `condition: on-failure` and `max_attempts: N` (the retry
count `docker compose up` passes). Each pair has a near miss that still differs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from envgen.diff.views import compose_view
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import write_tree
from tests.test_rules_by_spelling import NO_HEALTHCHECK, NO_RESTART, PRODUCTION_API, Case, _planted

RESTART = Case(*PRODUCTION_API, True, False, setup=(NO_RESTART,))
HEALTHCHECK = Case(*PRODUCTION_API, True, False, setup=(NO_HEALTHCHECK,))
ON_FAILURE_3 = {"deploy": {"restart_policy": {"condition": "on-failure", "max_attempts": 3}}}


def _api(tmp_path: Path, case: Case, fragment: dict[str, Any] | None) -> dict[str, Any]:
    write_tree(tmp_path, _planted(case, fragment))
    project = load_project(load_settings(tmp_path))
    view: dict[str, Any] = compose_view(project, project.get("production"))["services"]["api"]
    return view


def _restart(tmp_path: Path, fragment: dict[str, Any] | None) -> tuple[Any, Any]:
    view = _api(tmp_path, RESTART, fragment)
    return view.get("restart"), view["deploy"]


SAME = [
    ("no restart", None, {"restart": "no"}, "no"),
    (
        "none condition",
        {"restart": "no"},
        {"deploy": {"restart_policy": {"condition": "none"}}},
        "no",
    ),
    ("max attempts", {"restart": "on-failure:3"}, ON_FAILURE_3, "on-failure:3"),
    ("zero attempts", {"restart": "on-failure"}, {"restart": "on-failure:0"}, "on-failure"),
]


@pytest.mark.parametrize(
    ("one", "other", "restart"), [s[1:] for s in SAME], ids=[s[0] for s in SAME]
)
def test_one_restart_in_two_spellings_is_one_view(
    tmp_path: Path, one: dict[str, Any] | None, other: dict[str, Any], restart: str
) -> None:
    first = _restart(tmp_path / "one", one)
    assert first == _restart(tmp_path / "other", other)
    assert first == (restart, {"resources": {"limits": {"memory": "256m"}}})


NEAR = [
    ("always", None, {"restart": "always"}),
    ("other count", {"restart": "on-failure:2"}, ON_FAILURE_3),
    ("no count", {"restart": "on-failure"}, ON_FAILURE_3),
]


@pytest.mark.parametrize(("one", "other"), [s[1:] for s in NEAR], ids=[s[0] for s in NEAR])
def test_two_restarts_still_differ(
    tmp_path: Path, one: dict[str, Any] | None, other: dict[str, Any]
) -> None:
    assert _restart(tmp_path / "one", one) != _restart(tmp_path / "other", other)


def test_max_attempts_beside_another_condition_stays_as_written(tmp_path: Path) -> None:
    """Only `on-failure` reads a retry count: beside `always` it is not folded in."""
    policy = {"deploy": {"restart_policy": {"condition": "any", "max_attempts": 3}}}
    assert _restart(tmp_path, policy) == (
        "always",
        {"resources": {"limits": {"memory": "256m"}}, "restart_policy": {"max_attempts": 3}},
    )


def _test(tmp_path: Path, test: Any) -> Any:
    return _api(tmp_path, HEALTHCHECK, {"healthcheck": {"test": test}})["healthcheck"]


def test_a_string_health_check_is_the_shell_line_compose_runs(tmp_path: Path) -> None:
    string = _test(tmp_path / "string", "curl -f http://localhost:8001/health")
    listed = _test(tmp_path / "list", ["CMD-SHELL", "curl -f http://localhost:8001/health"])
    assert string == listed == {"test": "CMD-SHELL 'curl -f http://localhost:8001/health'"}


def test_a_string_health_check_is_not_the_same_words_run_without_a_shell(tmp_path: Path) -> None:
    """The near miss: `CMD` runs the words without a shell."""
    string = _test(tmp_path / "string", "curl -f http://localhost:8001/health")
    words = _test(tmp_path / "cmd", ["CMD", "curl", "-f", "http://localhost:8001/health"])
    assert words == {"test": "CMD curl -f http://localhost:8001/health"}
    assert string != words
