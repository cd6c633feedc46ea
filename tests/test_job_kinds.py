"""One-shot jobs of every kind (`job: migration|seed|task`, `seed: true`, or a service in
a compose profile with `restart: "no"`): exempt from the long-running rules (PRD002,
PRD003), still given a memory limit (PRD001), held to the job rules (JOB001 to JOB003)."""

from __future__ import annotations

from pathlib import Path

import pytest
from envgen.outputs.makefile import make_targets
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import edit_spec
from tests.policy_project import Patch, findings, patched

# Production's migrations, in no profile, started before the API by Compose itself.
MIGRATE = (
    "services:\n"
    "  api:\n"
    "    depends_on:\n"
    "      migrate:\n"
    "        condition: service_completed_successfully\n"
    "  migrate:\n"
    "    job: migration\n"
    "    image: example/api\n"
    "    build: ./api\n"
    "    command: [migrate, up]\n"
    "    memory: 64m\n"
)
TASK = (
    "services:\n"
    "  scrape:\n"
    "    image: example/api\n"
    "    build: ./api\n"
    "    command: [scrape]\n"
    "    profiles: [scrape]\n"
    '    restart: "no"\n'
    "    memory: 64m\n"
)
LOOP = (
    "Docker would start it again each time it ends, and with every start of the engine "
    '(use `restart: "no"`, or `on-failure` to retry a failed run)'
)
NO_RESTART = "it stays down after a crash (set `restart: unless-stopped`)"
NO_CHECK = "(add a `healthcheck` with a `test` that checks the service)"


def _with(text: str, line: str) -> str:
    return text + line


CASES: dict[str, tuple[list[Patch], list[str]]] = {
    # The legitimate job in no profile: a migration Compose runs to completion first.
    "migration waited on to complete": ([("production.yaml", None, MIGRATE)], []),
    "migration retried on failure": (
        [("production.yaml", None, _with(MIGRATE, "    restart: on-failure:3\n"))],
        [],
    ),
    "migration retried on failure, deploy spelling": (
        [
            (
                "production.yaml",
                None,
                _with(
                    MIGRATE, "    deploy:\n      restart_policy:\n        condition: on-failure\n"
                ),
            )
        ],
        [],
    ),
    "migration restarted for good": (
        [("production.yaml", None, _with(MIGRATE, "    restart: unless-stopped\n"))],
        [
            "environments/production.yaml:35:14: JOB003 error: services.migrate.restart: "
            f"`migrate` is a one-shot job with `restart: unless-stopped`: {LOOP}"
        ],
    ),
    "migration restarted for good, deploy spelling": (
        [
            (
                "production.yaml",
                None,
                _with(MIGRATE, "    deploy:\n      restart_policy:\n        condition: any\n"),
            )
        ],
        [
            "environments/production.yaml:37:20: JOB003 error: "
            "services.migrate.deploy.restart_policy.condition: `migrate` is a one-shot job "
            f"with `deploy.restart_policy.condition: any`: {LOOP}"
        ],
    ),
    # The near miss: the same service undeclared is a long-running one.
    "migration undeclared": (
        [("production.yaml", None, MIGRATE.replace("    job: migration\n", ""))],
        [
            "environments/production.yaml:30:5: PRD003 error: services.migrate.healthcheck: "
            f"`migrate` has no health check {NO_CHECK}",
            "environments/production.yaml:30:5: PRD002 error: services.migrate.restart: "
            f"`migrate` has no restart policy; {NO_RESTART}",
        ],
    ),
    "a job still needs a memory limit": (
        [("production.yaml", None, MIGRATE.replace("    memory: 64m\n", ""))],
        [
            "environments/production.yaml:30:5: PRD001 error: services.migrate: `migrate` "
            "runs without a memory limit (`memory`, `mem_limit` or "
            "`deploy.resources.limits.memory`) (set `memory: 512m` (or `mem_limit`, or "
            "`deploy.resources.limits.memory`))"
        ],
    ),
    "job: seed is the seed kind": (
        [("production.yaml", None, MIGRATE.replace("job: migration", "job: seed"))],
        [
            "environments/production.yaml:30:10: JOB001 error: services.migrate.job: "
            "`migrate` is a seed job: one run would load its data over production's "
            "(remove the seed job from production's spec (`<name>: !remove`))",
        ],
    ),
    "job: seed in staging, in no profile": (
        [("staging.yaml", None, MIGRATE.replace("job: migration", "job: seed"))],
        [
            "environments/staging.yaml:34:10: JOB002 error: services.migrate.job: "
            "`migrate` is a seed job in no profile: every `docker compose up` would run it "
            "again over the environment's data (give it a profile, e.g. `profiles: [seed]`) "
            "(run it with `docker compose run` when it is needed)",
        ],
    ),
    "seed: true and another kind": (
        [
            (
                "production.yaml",
                None,
                MIGRATE.replace("job: migration", "job: migration\n    seed: true"),
            )
        ],
        [
            "environments/production.yaml:30:5: services.migrate: `seed: true` is the seed "
            "kind of job; `job: migration` says another"
        ],
    ),
    # Inferred: a profile and `restart: "no"` make a job without the field.
    "task inferred from its profile": ([("production.yaml", None, TASK)], []),
    "task inferred, deploy spelling of no": (
        [
            (
                "production.yaml",
                None,
                TASK.replace(
                    '    restart: "no"\n',
                    "    deploy:\n      restart_policy:\n        condition: none\n",
                ),
            )
        ],
        [],
    ),
    # Near miss: a profile alone no longer makes a job (a stack started by profile).
    "profile without restart no": (
        [("production.yaml", None, TASK.replace('    restart: "no"\n', ""))],
        [
            "environments/production.yaml:26:5: PRD003 error: services.scrape.healthcheck: "
            f"`scrape` has no health check {NO_CHECK}",
            "environments/production.yaml:26:5: PRD002 error: services.scrape.restart: "
            f"`scrape` has no restart policy; {NO_RESTART}",
        ],
    ),
    "declared task in a profile, restarted always": (
        [
            (
                "production.yaml",
                None,
                TASK.replace('restart: "no"', "restart: always").replace(
                    "    profiles", "    job: task\n    profiles"
                ),
            )
        ],
        [
            "environments/production.yaml:31:14: JOB003 error: services.scrape.restart: "
            f"`scrape` is a one-shot job with `restart: always`: {LOOP}"
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_job_findings(tmp_path: Path, case: str) -> None:
    patches, expected = CASES[case]
    assert [str(p) for p in findings(tmp_path, patched(patches))] == expected


def test_job_seed_gets_the_seed_target(shipped: Path) -> None:
    """`job: seed` is the seed kind for the make target too; `job: migration` is not."""
    edit_spec(shipped, "staging.yaml", "    seed: true  #", "    job: seed  #")
    edit_spec(shipped, "staging.yaml", "  migrate:\n", "  migrate:\n    job: migration\n")
    project = load_project(load_settings(shipped))
    seeds = [(t.name, t.args[-4:]) for t in make_targets(project) if t.name.startswith("seed")]
    assert seeds == [("seed-staging", ("coupette-staging", "run", "--rm", "seed"))]
