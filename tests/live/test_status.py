"""`envgen status` on a live engine: a small project rendered by envgen and started as
rendered, then changed by hand in each way status must report; and the shipped staging,
whose stand-in images status must name."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from envgen import commands
from envgen.settings import load_settings
from envgen.status.engine import docker_client

from tests.live import standin
from tests.live.conftest import Environments
from tests.live.stacks import REPO, Engine, Stack, compose, prepare, resolved
from tests.status_project import APP, make_status_project
from tests.tools import tool

pytestmark = pytest.mark.live


@dataclass(frozen=True)
class Project:
    root: Path
    stack: Stack


def envgen(engine: Engine, root: Path, *args: str, **variables: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [tool("envgen"), "--root", str(root), *args],
        capture_output=True,
        text=True,
        env={**engine.env, **variables},
        check=False,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def project(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """`envgen init`'s project, its images named as stand-ins, its health checks every
    second and its host ports moved off the shipped ones; rendered, and its local
    environment started from the rendered file as written (no override)."""
    root = make_status_project(tmp_path_factory.mktemp("status"))
    stack = prepare("status", root / "rendered" / "docker-compose.dev.yml", root)
    stack.config = resolved(engine, stack)
    services = stack.services
    programs = {p for service in services.values() for p in standin.programs(service)}
    standin.build_base([engine.docker], engine.env, programs)
    for name, service in services.items():
        ports = tuple(int(p["target"]) for p in service.get("ports") or [])
        wanted = standin.Standin(service["image"], ports, standin.is_job(service), f"{APP}/{name}")
        standin.build([engine.docker], engine.env, wanted)
    compose(engine, stack, "up", "--wait", standins=False, timeout=300)
    try:
        yield Project(root, stack)
    finally:
        compose(engine, stack, "down", "--volumes", "--timeout", "1", standins=False, check=False)


def container(engine: Engine, project: Project, service: str) -> str:
    return f"{project.stack.project}-{service}-1"


def test_in_sync(engine: Engine, project: Project) -> None:
    assert envgen(engine, project.root, "status", "local") == (
        0,
        "status local: running as rendered\n",
        "",
    )


def test_changed_variable_is_named_never_its_value(engine: Engine, project: Project) -> None:
    code, out, err = envgen(engine, project.root, "status", "dev", DEV_DB_PASSWORD="changed-value")
    assert (code, out, err) == (
        1,
        "postgres: variable POSTGRES_PASSWORD: its value differs from the file's\n"
        "web: variable DATABASE_URL: its value differs from the file's\n",
        "",
    )


def test_memory_changed_by_hand(engine: Engine, project: Project) -> None:
    web = container(engine, project, "web")
    before = engine.inspect(web)[0]["HostConfig"]
    engine.run("update", "--memory", "300m", "--memory-swap", "300m", web)
    try:
        code, out, err = envgen(engine, project.root, "status", "local")
    finally:
        engine.run(
            "update",
            "--memory",
            str(before["Memory"]),
            "--memory-swap",
            str(before["MemorySwap"]),
            web,
        )
    assert (code, out, err) == (1, "web: memory limit: the file says 512m, running 300m\n", "")


def test_containers_started_by_hand(engine: Engine, project: Project) -> None:
    """One on the project's network, one wearing the project's labels: both reported."""
    image = project.stack.services["web"]["image"]
    name = project.stack.project
    intruder, worker = f"{name}-intruder", f"{name}-worker"
    engine.run(
        "run", "-d", "--name", intruder, "--network", f"{name}_default", "--memory", "16m", image
    )
    engine.run(
        "run", "-d", "--name", worker, "--memory", "16m",
        "--label", f"com.docker.compose.project={name}",
        "--label", "com.docker.compose.service=worker",
        image,
    )  # fmt: skip
    try:
        code, out, err = envgen(engine, project.root, "status", "local")
    finally:
        engine.run("rm", "-f", intruder, worker)
    assert (code, out, err) == (
        1,
        f"{intruder}: a container on the project's networks, not of the project\n"
        f"worker: running (container {worker}), not in the file\n",
        "",
    )


def test_stopped_service(engine: Engine, project: Project) -> None:
    web = container(engine, project, "web")
    engine.run("stop", "--time", "1", web)
    try:
        code, out, err = envgen(engine, project.root, "status", "local")
    finally:
        engine.run("start", web)
    assert (code, out, err) == (1, f"web: stopped (container {web})\n", "")


def test_no_such_environment_running(engine: Engine, project: Project) -> None:
    code, out, err = envgen(engine, project.root, "status", "production", PROD_DB_PASSWORD="x")
    assert (code, out, err) == (
        2,
        "",
        f"envgen: status production: no container of project {APP}-production on this engine\n",
    )


def test_status_changes_nothing(engine: Engine, project: Project) -> None:
    """Each container keeps its id, start time and limits across a status run."""
    names = [container(engine, project, s) for s in ("web", "postgres")]

    def state() -> list[tuple[str, str, int]]:
        return [
            (c["Id"], c["State"]["StartedAt"], c["HostConfig"]["Memory"])
            for c in engine.inspect(*names)
        ]

    before = state()
    envgen(engine, project.root, "status", "local")
    assert state() == before


def test_shipped_staging_names_its_stand_in_images(environments: Environments) -> None:
    """The shipped staging runs stand-ins through an override file: status, which reads
    the rendered file alone, names each replaced image, and nothing else."""
    stack = environments.up("staging")
    code, out, err = envgen(environments.engine, REPO, "status", "staging", **stack.variables)
    wanted = [
        f"{service}: image: the file says {body['image']},"
        f" running envgen-standin/staging-{service}:live"
        for service, body in sorted(stack.services.items())
        if not body.get("profiles")
    ]
    assert (code, out.splitlines(), err) == (1, wanted, "")


FIXTURE = REPO / "tests" / "expected" / "status" / "local.json"


def test_recorded_fixture(engine: Engine, project: Project) -> None:
    """What `docker` answered status on this live stack, recorded for the ordinary suite
    (tests/test_status.py replays it without an engine): the replay finds what the live
    run finds. ENVGEN_UPDATE_GOLDEN=1 writes the record (the project folder written as
    @ROOT@, so it replays from any folder)."""
    answers: dict[str, str | None] = {}
    live = docker_client(engine.env)

    def recording(args: Sequence[str]) -> str | None:
        answers[json.dumps(list(args))] = out = live(args)
        return out

    settings = load_settings(project.root)
    variables = {k: v for k, v in engine.env.items() if not k.startswith("DEV_")}
    assert commands.status(settings, "local", variables, recording) == ("local", [])
    record = json.dumps(answers, indent=1, sort_keys=True).replace(str(project.root), "@ROOT@")
    if os.environ.get("ENVGEN_UPDATE_GOLDEN") == "1":
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(record + "\n")
    recorded = json.loads(FIXTURE.read_text().replace("@ROOT@", str(project.root)))
    assert {_ids(k) for k in recorded} == {_ids(k) for k in answers}


def _ids(command: str) -> str:
    """A recorded command with the engine's ids (new on every run) left out."""
    return re.sub(r"(sha256:)?[0-9a-f]{64}", "ID", command)
