"""The staging seed job, run for real: `run --rm seed` waits for its dependencies to be
healthy and exits 0 (the stand-in job says it ran)."""

from __future__ import annotations

import pytest

from tests.live.conftest import Environments
from tests.live.stacks import compose

pytestmark = pytest.mark.live


def test_staging_seed_job_runs(environments: Environments) -> None:
    stack = environments.up("staging")
    done = compose(
        environments.engine, stack, "--profile", "seed", "run", "--rm", "seed", timeout=120
    )
    command = " ".join(stack.services["seed"]["command"])
    assert done.stdout.splitlines()[-1] == f"stand-in job: /usr/local/bin/{command}: done"
