"""The suite spreads over the cores (tests/parallel.py) except where tests must not run at
once, and the longest tests are handed out first, each followed by a short one."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, cast

import pytest

from tests import parallel
from tests.conftest import REPO


@dataclass
class _Config:
    """What the two hooks read of pytest's configuration."""

    markexpr: str = "not live"

    def getoption(self, name: str) -> str:
        assert name == "markexpr"
        return self.markexpr


@dataclass
class _Item:
    nodeid: str


def _workers(config: _Config) -> int:
    return parallel.workers(cast(pytest.Config, config))


def test_one_worker_a_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENVGEN_UPDATE_GOLDEN", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2}, raising=False)
    assert _workers(_Config()) == 3
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0}, raising=False)
    assert _workers(_Config()) == 0  # one core: no worker process at all


def test_no_workers_for_golden_updates_or_the_live_suite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    monkeypatch.setenv("ENVGEN_UPDATE_GOLDEN", "1")
    assert _workers(_Config()) == 0
    monkeypatch.setenv("ENVGEN_UPDATE_GOLDEN", "0")
    assert _workers(_Config()) == 2
    assert _workers(_Config("live")) == 0
    assert _workers(_Config("live or not live")) == 0


def _ordered(config: Any, nodeids: list[str]) -> list[str]:
    items = [_Item(nodeid) for nodeid in nodeids]
    parallel.longest_first(config, cast(list[pytest.Item], items))
    return [item.nodeid for item in items]


def test_the_longest_tests_first_each_followed_by_a_short_one() -> None:
    worker = _Config()
    worker.workerinput = {"workerid": "gw0"}  # type: ignore[attr-defined]
    first, second = parallel.LONGEST[:2]
    collected = ["tests/a.py::one", second, "tests/a.py::two", first, "tests/a.py::three"]
    assert _ordered(worker, collected) == [
        first,
        "tests/a.py::one",
        second,
        "tests/a.py::two",
        "tests/a.py::three",
    ]
    assert _ordered(_Config(), collected) == collected  # not a worker: as collected


def test_every_longest_test_exists() -> None:
    """A renamed test would silently lose its place at the front."""
    missing = []
    for nodeid in parallel.LONGEST:
        path, _, name = nodeid.partition("::")
        if f"def {name.split('[')[0]}(" not in (REPO / path).read_text(encoding="utf-8"):
            missing.append(nodeid)
    assert missing == []
