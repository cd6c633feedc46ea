"""Seed jobs (rules JOB001, JOB002): a service is one because its spec says `seed: true`,
never because of its name or profile; production holds none, and anywhere one runs only
when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policy_project import Patch, findings, patched

SEED = (
    "services:\n"
    "  loader:\n"
    "    image: example/api\n"
    "    build: ./api\n"
    "    command: [load, --products, '1000']\n"
    "    seed: true\n"
    "    profiles: [seed]\n"
    '    restart: "no"\n'
    "    memory: 64m\n"
)
IN_PRODUCTION = (
    "`loader` is a seed job: one run would load its data over production's"
    " (remove the seed job from production's spec (`<name>: !remove`))"
)
AGAIN = (
    'Docker would run it again after it ends (use `restart: "no"`) '
    "(run it with `docker compose run` when it is needed)"
)

CASES: dict[str, tuple[list[Patch], list[str]]] = {
    "in production": (
        [("production.yaml", None, SEED)],
        [
            "environments/production.yaml:29:11: JOB001 error: services.loader.seed: "
            + IN_PRODUCTION
        ],
    ),
    # Declared once for all: production inherits it, and base.yaml is where to fix it.
    "inherited by production": (
        [("base.yaml", "services:\n", SEED)],
        [f"environments/base.yaml:39:11: JOB001 error: services.loader.seed: {IN_PRODUCTION}"],
    ),
    "outside a profile": (
        [("staging.yaml", None, SEED.replace("    profiles: [seed]\n", ""))],
        # A declared job even outside a profile: the job rules hold it, not PRD002/PRD003.
        [
            "environments/staging.yaml:33:11: JOB002 error: services.loader.seed: `loader` is "
            "a seed job in no profile: every `docker compose up` would run it again over the "
            "environment's data (give it a profile, e.g. `profiles: [seed]`) "
            "(run it with `docker compose run` when it is needed)",
        ],
    ),
    "restarted when it ends": (
        [("staging.yaml", None, SEED.replace('"no"', "unless-stopped"))],
        [
            "environments/staging.yaml:35:14: JOB002 error: services.loader.restart: `loader` "
            f"is a seed job with `restart: unless-stopped`: {AGAIN}"
        ],
    ),
    # The boundary: a restart only after a failure still runs a half-done load again.
    "restarted on failure": (
        [("staging.yaml", None, SEED.replace('"no"', "on-failure:3"))],
        [
            "environments/staging.yaml:35:14: JOB002 error: services.loader.restart: `loader` "
            f"is a seed job with `restart: on-failure:3`: {AGAIN}"
        ],
    ),
    # Near misses: what a seed job is for, and what is not one.
    "in staging, on demand": ([("staging.yaml", None, SEED)], []),
    "in staging, restart unset (Compose's default is no)": (
        [("staging.yaml", None, SEED.replace('    restart: "no"\n', ""))],
        [],
    ),
    "in base.yaml, removed by production": (
        [
            ("base.yaml", "services:\n", SEED),
            ("production.yaml", None, "services:\n  loader: !remove\n"),
        ],
        [],
    ),
    "a profile named seed, not declared one": (
        [("production.yaml", None, SEED.replace("    seed: true\n", ""))],
        [],
    ),
    "a service named seed, declared not one": (
        [("production.yaml", None, SEED.replace("loader", "seed").replace(": true", ": false"))],
        [],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_seed_job_findings(tmp_path: Path, case: str) -> None:
    patches, expected = CASES[case]
    assert [str(p) for p in findings(tmp_path, patched(patches))] == expected
