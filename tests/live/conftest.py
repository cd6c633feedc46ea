"""The live suite's engine and running environments: set aside as a whole, said in one
line, where no Docker engine answers (the run stops instead where ENVGEN_LIVE_REQUIRED=1,
as in CI)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.live import stacks
from tests.live.stacks import Engine, Stack

STATE = Path(os.environ.get("ENVGEN_LIVE_STATE", "/var/tmp/envgen-live"))
SHIPPED = {
    "local": "docker-compose.dev.yml",
    "test": "docker-compose.test.yml",
    "staging": "docker-compose.staging.yml",
    "production": "docker-compose.prod.yml",
}
EXAMPLES = {
    "reference-dev": "docker-compose.dev.yml",
    "reference-prod": "docker-compose.prod.yml",
}


def _answers(host: str) -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    env = {**os.environ, "DOCKER_HOST": host} if host else dict(os.environ)
    try:
        done = subprocess.run(
            [docker, "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            env=env,
            timeout=10,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


@functools.cache
def _find_engine() -> Engine | str:
    """The engine to use, or why there is none (one line)."""
    if not Path("/bin/busybox").exists():
        return "busybox-static is not installed (tests/live/engine.sh start installs it)"
    for host in (os.environ.get("DOCKER_HOST", ""), f"unix://{STATE / 'docker.sock'}"):
        if _answers(host):
            env = {**os.environ, "DOCKER_HOST": host} if host else dict(os.environ)
            return stacks.make_engine(env)
    return "no Docker engine answers (start one with tests/live/engine.sh start)"


@pytest.fixture(scope="session")
def engine() -> Engine:
    found = _find_engine()
    assert not isinstance(found, str), found  # collection set the tests aside
    return found


class Environments:
    """The stacks of the suite, and which group of them runs now: the shipped four run
    together (as on one host), each example alone (they reuse the shipped names)."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.stacks: dict[str, Stack] = {}
        for key, name in SHIPPED.items():
            self.stacks[key] = stacks.prepare(key, stacks.REPO / "rendered" / name, folder / key)
        for key, name in EXAMPLES.items():
            self.stacks[key] = stacks.prepare(
                key, stacks.REFERENCE / "rendered" / name, folder / key
            )
        for stack in self.stacks.values():
            stack.config = stacks.resolved(engine, stack)
        stacks.build_standins(engine, [self.stacks[k] for k in SHIPPED])
        stacks.build_standins(engine, [self.stacks[k] for k in EXAMPLES])
        self.running: tuple[str, ...] = ()

    def group(self, key: str) -> tuple[str, ...]:
        return tuple(SHIPPED) if key in SHIPPED else (key,)

    def up(self, key: str) -> Stack:
        """Brings up the group of `key` (downing any other group first); its stack."""
        wanted = self.group(key)
        if wanted != self.running:
            self.down()
            chosen = [self.stacks[k] for k in wanted]
            for network in stacks.external_networks(chosen):
                self.engine.run("network", "create", network, check=False)
            self.running = wanted  # so a failed start is still taken down
            with ThreadPoolExecutor(len(chosen)) as pool:
                list(pool.map(lambda s: stacks.up(self.engine, s), chosen))
        return self.stacks[key]

    def down(self) -> None:
        chosen = [self.stacks[k] for k in self.running]
        with ThreadPoolExecutor(max(1, len(chosen))) as pool:
            list(pool.map(lambda s: stacks.down(self.engine, s), chosen))
        for network in stacks.external_networks(chosen):
            self.engine.run("network", "rm", network, check=False)
        self.running = ()


@pytest.fixture(scope="session")
def environments(engine: Engine) -> Iterator[Environments]:
    # A fixed folder: the same bind-mount paths next run, so a kept stack is reused as is.
    envs = Environments(engine, STATE / "projects")
    try:
        yield envs
    finally:
        # ENVGEN_LIVE_KEEP=1 leaves the last group running, to look at by hand (a later run
        # finds it up and starts nothing again).
        if os.environ.get("ENVGEN_LIVE_KEEP") != "1":
            envs.down()


SKIPPED = pytest.StashKey[str]()


@pytest.hookimpl(trylast=True)  # after `-m` has deselected what it deselects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Where no engine answers, the selected live tests are set aside as a whole (one
    line at the end says why), or the run stops when ENVGEN_LIVE_REQUIRED=1. The tests of
    each example run after the shipped ones, grouped by example: they reuse the shipped
    project names, so each group starts once."""
    live = [item for item in items if item.get_closest_marker("live")]
    if live:
        found = _find_engine()
        if isinstance(found, str):
            if os.environ.get("ENVGEN_LIVE_REQUIRED") == "1":
                pytest.exit(f"live suite required but {found}", returncode=1)
            items[:] = [item for item in items if not item.get_closest_marker("live")]
            config.hook.pytest_deselected(items=live)
            config.stash[SKIPPED] = f"live suite skipped: {found}"

    def group(item: pytest.Item) -> int:
        return next((n for n, key in enumerate(EXAMPLES, 1) if f"[{key}-" in item.nodeid), 0)

    items.sort(key=group)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    if SKIPPED in config.stash:
        terminalreporter.write_line(config.stash[SKIPPED])
