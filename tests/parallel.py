"""How the suite spreads over the machine's cores (pytest-xdist, `-n auto` in pyproject's
addopts): how many workers, and the longest tests handed out first."""

from __future__ import annotations

import os

import pytest

# The longest tests, longest first (seconds on an idle 2-core machine, `--durations`): each
# starts at once on a worker of its own while the other worker takes the short ones, so
# none of them is left to run alone at the end. A test missing here only runs in its turn.
LONGEST = (
    "tests/test_oracle.py::test_compose_reads_envgens_rendering_as_the_plain_file",  # 90
    "tests/test_precommit.py::test_try_repo_passes_in_sync_and_fails_on_drift",  # 50
    "tests/test_diff_oracle.py::test_diff_agrees_with_compose",  # 18
    "tests/test_lint.py::test_tool_is_clean[mypy-strict]",  # 18, with no mypy cache
    "tests/test_kubernetes_property.py::"
    "test_every_valid_spec_renders_manifests_kubernetes_accepts",  # 10
    "tests/test_docs_reference.py::"
    "test_the_page_passes_the_markdown_linter[docs/reference/rules.md]",  # 8
    "tests/test_quoting.py::test_compose_reads_every_string_back_unchanged",  # 8
    "tests/test_packaging.py::test_the_wheel_holds_every_module_and_template",  # 7
    "tests/test_path_text.py::test_a_bind_source_means_the_folder_the_spec_wrote",  # 6
    "tests/test_interpolation.py::test_envgen_reads_compose_text_as_docker_compose_does",
    "tests/test_schema.py::test_broken_specs_are_refused_by_envgen_and_by_the_schema",
    "tests/test_free_text.py::test_free_text_that_validates_renders",
    "tests/test_schema.py::test_every_spec_envgen_accepts_passes",
    "tests/test_concurrent_render.py::test_a_render_waits_while_another_holds_the_project",
)


def workers(config: pytest.Config) -> int:
    """One worker a core, or none (the tests run in this process, in file order) where
    tests must not run at once: golden files being rewritten (ENVGEN_UPDATE_GOLDEN=1; one
    test writes what another reads), the live suite (one engine, fixed project names and
    host ports), a one-core machine."""
    if os.environ.get("ENVGEN_UPDATE_GOLDEN") == "1":
        return 0
    if config.getoption("markexpr") != "not live":  # pyproject's -m, unless replaced
        return 0
    # The cores this process may use (a container's share), where the system says so.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return cores if cores > 1 else 0


def longest_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker: the LONGEST tests first, each followed by one short test. xdist's load
    scheduling (`--maxschedchunk 1`) keeps each worker two tests ahead, handed out in this
    order, so the second longest goes to another worker than the longest, and so on."""
    if not hasattr(config, "workerinput"):
        return  # not a worker: the order pytest collected
    rank = {nodeid: number for number, nodeid in enumerate(LONGEST)}
    longest = sorted((i for i in items if i.nodeid in rank), key=lambda i: rank[i.nodeid])
    rest = [item for item in items if item.nodeid not in rank]
    ordered: list[pytest.Item] = []
    for item in longest:
        ordered.append(item)
        if rest:
            ordered.append(rest.pop(0))
    items[:] = ordered + rest
