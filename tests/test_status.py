"""`envgen status` without an engine: `docker`'s answers recorded on a live run
(tests/expected/status/local.json, see tests/live/test_status.py) replayed, then changed in
each way a running stack drifts from its file."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from envgen import commands
from envgen.cli.main import main
from envgen.errors import UsageError
from envgen.settings import load_settings
from envgen.status import engine

from tests.status_project import make_status_project

FIXTURE = Path(__file__).parent / "expected" / "status" / "local.json"
Change = Callable[[list[dict[str, Any]]], None]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_status_project(tmp_path_factory.mktemp("status"))


class Replay:
    """A `docker` that answers as the recorded engine did; `change` edits the inspected
    containers first (as a hand on the live stack would have)."""

    def __init__(self, root: Path, change: Change | None = None) -> None:
        self.answers: dict[str, str | None] = json.loads(
            FIXTURE.read_text().replace("@ROOT@", str(root))
        )
        self.change = change
        self.asked: list[list[str]] = []

    def containers(self) -> list[dict[str, Any]]:
        key = next(k for k in self.answers if json.loads(k)[:2] == ["container", "inspect"])
        found: list[dict[str, Any]] = json.loads(self.answers[key] or "[]")
        if self.change:
            self.change(found)
        return found

    def __call__(self, args: Sequence[str]) -> str | None:
        self.asked.append(list(args))
        if not self.answers:
            return None if args[:2] == ["network", "inspect"] else ""
        if args[:2] == ["container", "inspect"]:
            wanted = set(args[2:])
            return json.dumps([c for c in self.containers() if c["Id"] in wanted])
        if args[:2] == ["image", "inspect"]:
            key = next(k for k in self.answers if json.loads(k)[:2] == ["image", "inspect"])
            images = json.loads(self.answers[key] or "[]")
            return json.dumps([i for i in images if i["Id"] in set(args[2:])])
        if args[:2] == ["ps", "-aq"]:
            project = args[-1].rpartition("=")[2]
            labelled = [
                c["Id"]
                for c in self.containers()
                if c["Config"]["Labels"].get("com.docker.compose.project") == project
            ]
            return "\n".join(labelled) + "\n"
        return self.answers.get(json.dumps(list(args)))


def status(root: Path, change: Change | None = None, **variables: str) -> list[str]:
    name, lines = commands.status(load_settings(root), "local", variables, Replay(root, change))
    assert name == "local"
    return lines


def service(containers: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(
        c for c in containers if c["Config"]["Labels"]["com.docker.compose.service"] == name
    )


def test_in_sync(root: Path) -> None:
    assert status(root) == []


def test_memory_changed(root: Path) -> None:
    def change(containers: list[dict[str, Any]]) -> None:
        service(containers, "web")["HostConfig"]["Memory"] = 300 * 1024**2

    assert status(root, change) == ["web: memory limit: the file says 512m, running 300m"]


def test_cpus_set(root: Path) -> None:
    def change(containers: list[dict[str, Any]]) -> None:
        service(containers, "postgres")["HostConfig"]["NanoCpus"] = 500_000_000

    assert status(root, change) == ["postgres: cpus: the file says none, running 0.5"]


def test_image_changed(root: Path) -> None:
    def change(containers: list[dict[str, Any]]) -> None:
        service(containers, "web")["Config"]["Image"] = "envgen-standin/status-web:old"

    assert status(root, change) == [
        "web: image: the file says envgen-standin/status-web, running envgen-standin/status-web:old"
    ]


def test_image_spelled_otherwise_is_the_same(root: Path) -> None:
    """`NAME` is `NAME:latest` and `docker.io/library/NAME:latest` to the engine."""

    def change(containers: list[dict[str, Any]]) -> None:
        service(containers, "web")["Config"]["Image"] = "docker.io/envgen-standin/status-web:latest"

    assert status(root, change) == []


def test_variables_by_name_never_value(root: Path) -> None:
    def change(containers: list[dict[str, Any]]) -> None:
        env = service(containers, "web")["Config"]["Env"]
        env[:] = [e for e in env if not e.startswith("DEBUG=")] + ["EXTRA_TOKEN=s3cr3t-value"]

    lines = status(root, change)
    assert lines == [
        "web: variable DEBUG: in the file, not in the container",
        "web: variable EXTRA_TOKEN: in the container, not in the file",
    ]


def test_changed_value_of_a_variable(root: Path) -> None:
    lines = status(root, DEV_DB_PASSWORD="another-password")
    assert lines == [
        "postgres: variable POSTGRES_PASSWORD: its value differs from the file's",
        "web: variable DATABASE_URL: its value differs from the file's",
    ]
    assert not any("another-password" in line or ":dev@" in line for line in lines)


def test_ports_changed(root: Path) -> None:
    def change(containers: list[dict[str, Any]]) -> None:
        bindings = service(containers, "web")["HostConfig"]["PortBindings"]
        bindings["8000/tcp"] = [{"HostIp": "0.0.0.0", "HostPort": "28000"}]

    assert status(root, change) == [
        "web: ports: the file says 127.0.0.1:28000:8000/tcp, running 0.0.0.0:28000:8000/tcp"
    ]


def test_volume_changed(root: Path) -> None:
    def change(containers: list[dict[str, Any]]) -> None:
        for mount in service(containers, "postgres")["Mounts"]:
            if mount["Type"] == "volume":
                mount["Name"] = "someone-elses_pgdata"

    assert status(root, change) == [
        "postgres: mount volume envgen-status-local_pgdata on /var/lib/postgresql/data:"
        " in the file, not in the container",
        "postgres: mount volume someone-elses_pgdata on /var/lib/postgresql/data:"
        " in the container, not in the file",
    ]


def test_stopped_and_missing(root: Path) -> None:
    def change(containers: list[dict[str, Any]]) -> None:
        service(containers, "postgres")["State"]["Running"] = False
        containers.remove(service(containers, "web"))

    assert status(root, change) == [
        "postgres: stopped (container envgen-status-local-postgres-1)",
        "web: in the file, no container",
    ]


def test_extra_service_of_the_project(root: Path) -> None:
    def change(containers: list[dict[str, Any]]) -> None:
        if any(c["Name"] == "/envgen-status-local-worker" for c in containers):
            return
        extra = json.loads(json.dumps(service(containers, "web")))
        extra["Id"] = "f" * 64
        extra["Name"] = "/envgen-status-local-worker"
        extra["Config"]["Labels"]["com.docker.compose.service"] = "worker"
        containers.append(extra)

    assert status(root, change) == [
        "worker: running (container envgen-status-local-worker), not in the file"
    ]


def test_nothing_running(root: Path) -> None:
    replay = Replay(root)
    replay.answers = {}
    with pytest.raises(
        UsageError,
        match=r"^status local: no container of project envgen-status-local on this engine$",
    ):
        commands.status(load_settings(root), "local", {}, replay)


def test_reads_only(root: Path) -> None:
    """Every `docker` command status runs reads: ps, inspect, version."""
    replay = Replay(root)
    commands.status(load_settings(root), "local", {}, replay)
    assert {tuple(args[:2]) for args in replay.asked} <= {
        ("ps", "-aq"),
        ("network", "inspect"),
        ("container", "inspect"),
        ("image", "inspect"),
    }


def test_command_exit_codes(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def memory(containers: list[dict[str, Any]]) -> None:
        service(containers, "web")["HostConfig"]["Memory"] = 300 * 1024**2

    runner = CliRunner()
    args = ["--root", str(root), "status", "dev"]
    monkeypatch.setattr(engine, "docker_client", lambda environ: Replay(root))
    result = runner.invoke(main, args, env={"DEV_DB_PASSWORD": None}, catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "status local: running as rendered\n",
        "",
    )
    monkeypatch.setattr(engine, "docker_client", lambda environ: Replay(root, memory))
    result = runner.invoke(main, args, env={"DEV_DB_PASSWORD": None}, catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "web: memory limit: the file says 512m, running 300m\n",
        "",
    )
    empty = Replay(root)
    empty.answers = {}
    monkeypatch.setattr(engine, "docker_client", lambda environ: empty)
    result = runner.invoke(main, args, env={"DEV_DB_PASSWORD": None}, catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "envgen: status local: no container of project envgen-status-local on this engine\n",
    )
