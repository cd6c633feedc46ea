"""Rules at their boundaries: the exact line where a message has more than one form
(the words that tell a reader which case they are in are part of the rule), the near
miss beside each finding, and the host budget at exactly full and one byte over."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policy_project import Patch, findings, patched

API = "services:\n  api:\n"
SECRET_LOOKING = "ghp_0123456789abcdefghij"


def _production_api(text: str) -> list[Patch]:
    return [("production.yaml", None, API + text)]


def _test_postgres_variable(value: str) -> list[Patch]:
    return [
        ("test.yaml", None, "variables_file: .env.test\n"),
        (
            "test.yaml",
            "  postgres:\n",
            f"  postgres:\n    environment:\n      API_TOKEN: {value}\n",
        ),
    ]


CASES: list[tuple[str, list[Patch], str]] = [
    (
        "no restart policy at all",
        _production_api("    restart: !remove\n"),
        "environments/production.yaml:26:5: PRD002 error: services.api.restart: `api` has "
        "no restart policy; it stays down after a crash"
        " (set `restart: unless-stopped`)",
    ),
    (
        "restart: no",
        _production_api('    restart: "no"\n'),
        "environments/production.yaml:26:14: PRD002 error: services.api.restart: `api` has "
        "`restart: no`; it stays down after a crash"
        " (set `restart: unless-stopped`)",
    ),
    (
        "a health check that turns the image's off",
        _production_api("    healthcheck:\n      test: [NONE]\n"),
        "environments/production.yaml:27:7: PRD003 error: services.api.healthcheck: `api` "
        "has no health check"
        " (add a `healthcheck` with a `test` that checks the service)",
    ),
    (
        "a real integration with a description",
        [("test.yaml", None, "integrations:\n  bot:\n    mode: real\n")],
        "environments/test.yaml:20:11: TST002 error: integrations.bot.mode: tests use the "
        "real chat bot; mock it or turn it off"
        " (set the integration's `mode` to mocked or off in the test spec)",
    ),
    (
        "a real integration without one is named by its key",
        [("test.yaml", None, "integrations:\n  llm:\n    mode: real\n")],
        "environments/test.yaml:20:11: TST002 error: integrations.llm.mode: tests use the "
        "real `llm`; mock it or turn it off"
        " (set the integration's `mode` to mocked or off in the test spec)",
    ),
    (
        "a secret-looking default of a committed reference",
        _test_postgres_variable(f"${{API_TOKEN:-{SECRET_LOOKING}}}"),
        "environments/test.yaml:13:18: VAR002 error: services.postgres.environment.API_TOKEN: "
        "`API_TOKEN`'s default would be committed in `.env.test` and looks like a real "
        "secret (use a throw-away value such as `test`)",
    ),
]


@pytest.mark.parametrize(("patches", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_exact_line(tmp_path: Path, patches: list[Patch], expected: str) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == [expected]


NEAR_MISSES: list[tuple[str, list[Patch]]] = [
    # A program called NONE is a health check; only a first word NONE turns it off.
    ("a program named NONE", _production_api("    healthcheck:\n      test: [CMD, NONE]\n")),
    # Inside the project, only a build context is source: a folder named like one is not.
    ("a folder named like a context", _production_api("    volumes: [./backups/api:/backups]\n")),
    # A required variable, an empty default and an escaped `$$` commit no value.
    ("a required reference", _test_postgres_variable(f"${{API_TOKEN:?{SECRET_LOOKING}}}")),
    ("an empty default", _test_postgres_variable("${API_TOKEN:-}")),
    ("an escaped dollar", _test_postgres_variable(f"$${{API_TOKEN:-{SECRET_LOOKING}}}")),
]


@pytest.mark.parametrize("patches", [c[1] for c in NEAR_MISSES], ids=[c[0] for c in NEAR_MISSES])
def test_near_miss(tmp_path: Path, patches: list[Patch]) -> None:
    assert [str(p) for p in findings(tmp_path, patched(patches))] == []


# The host budget (BUD001) of the policy project: staging and production share host `vps`,
# and each environment's three services hold 256m, so together they may use 1536m.
def _host(size: str, *more: Patch) -> list[Patch]:
    return [
        ("staging.yaml", "memory: 4g", f"memory: {size}"),
        ("production.yaml", "memory: 4g", f"memory: {size}"),
        *more,
    ]


def _production_replicas(count: str) -> Patch:
    return ("production.yaml", None, f"{API}    deploy:\n      replicas: {count}\n")


def _over(total: str, parts: str, size: str) -> str:
    return (
        "environments/production.yaml:4:11: BUD001 warning: host.memory: the environments on "
        f"host `vps` may use {total} ({parts}), more than its {size}"
        " (lower memory limits or tmpfs sizes, or move an environment to another host)"
    )


@pytest.mark.parametrize(
    ("patches", "expected"),
    [
        # Exactly full fits; one byte less does not.
        (_host("1536m"), []),
        (_host("1610612735"), [_over("1536m", "staging 768m, production 768m", "1610612735b")]),
        # Replicas multiply a service; none at all hold nothing.
        (_host("1280m", _production_replicas("0")), []),
        (
            _host("1536m", _production_replicas("2")),
            [_over("1792m", "staging 768m, production 1g", "1536m")],
        ),
        # A service without a memory limit, or a tmpfs without a size, counts nothing here
        # (BUD002 says so): exactly full still fits.
        (_host("1280m", ("staging.yaml", None, f"{API}    memory: !remove\n")), []),
        (
            _host(
                "1536m",
                ("staging.yaml", None, f"{API}    tmpfs: [/scratch]\n"),
            ),
            [],
        ),
        # A count Compose resolves later is counted once.
        (_host("1536m", _production_replicas('"${API_REPLICAS:-2}"')), []),
    ],
    ids=[
        "exactly full",
        "one byte over",
        "no replicas",
        "two replicas",
        "no memory limit",
        "tmpfs without a size",
        "replicas unknown",
    ],
)
def test_host_budget_boundary(tmp_path: Path, patches: list[Patch], expected: list[str]) -> None:
    found = [str(p) for p in findings(tmp_path, patched(patches))]
    assert [line for line in found if "BUD001" in line] == expected


def test_two_sizes_of_one_host_name_both(tmp_path: Path) -> None:
    patches: list[Patch] = [("production.yaml", "memory: 4g", "memory: 2g")]
    found = [str(p) for p in findings(tmp_path, patched(patches)) if "BUD003" in str(p)]
    assert found == [
        "environments/production.yaml:4:11: BUD003 warning: host.memory: host `vps` is 2g "
        "here but 4g in staging (environments/staging.yaml:4:11)"
        " (write one `host.memory` for the host, in base.yaml or in each spec alike)"
    ]
