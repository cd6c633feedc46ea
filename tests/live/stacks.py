"""The rendered environments on a live engine: each file copied as written into a
project folder of its own, its images swapped for stand-ins by an override file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.live import standin
from tests.tools import tool

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "examples" / "reference-app"
# `${NAME` and `$NAME` references of a rendered file (the values the tests give them are
# made up: nothing secret ever reaches the engine).
VARIABLE = re.compile(r"(?<!\$)\$\{?([A-Za-z_][A-Za-z0-9_]*)(:?-)?")  # `$$` is a `$`
# Compose's labels on what it creates.
PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"


@dataclass(frozen=True)
class Engine:
    """How to reach the engine: the process environment (DOCKER_HOST) and the programs."""

    env: dict[str, str]
    docker: str
    compose: str

    def run(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        done = subprocess.run(
            [self.docker, *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"docker {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def inspect(self, *names: str, kind: str = "container") -> list[dict[str, Any]]:
        if not names:
            return []
        found: list[dict[str, Any]] = json.loads(self.run(kind, "inspect", *names))
        return found


@dataclass
class Stack:
    """One rendered environment, as a Compose project on the engine."""

    key: str
    rendered: Path
    folder: Path
    variables: dict[str, str]
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> Path:
        return self.folder / "rendered" / self.rendered.name

    @property
    def override(self) -> Path:
        return self.folder / "standin.override.yml"

    @property
    def project(self) -> str:
        return str(self.config["name"])

    @property
    def services(self) -> dict[str, Any]:
        found: dict[str, Any] = self.config["services"]
        return found

    def running_services(self) -> list[str]:
        """The services `up` starts and keeps running: those of no profile, less the
        one-shot jobs. `up --wait` fails when a job ends that no service waits for
        (docker/compose#10596); the reference application starts its scraper from a
        systemd timer and brings up the others by name, as this does."""
        return sorted(
            name
            for name, s in self.services.items()
            if not s.get("profiles") and not standin.is_job(s)
        )

    def compose_args(self, *, standins: bool = True) -> list[str]:
        files = ["-f", str(self.file)]
        if standins:
            files += ["-f", str(self.override)]
        return [*files, "--project-directory", str(self.file.parent)]


def prepare(key: str, rendered: Path, folder: Path) -> Stack:
    """Copies a rendered file as written into `folder/rendered/` and makes the folders its
    bind mounts and build contexts name and its env files (a real checkout has them)."""
    target = folder / "rendered" / rendered.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.resolve() != rendered.resolve():  # a project's own folder is used in place
        shutil.copyfile(rendered, target)
    text = rendered.read_text()
    variables = {
        name: f"live-{name.lower().replace('_', '-')}"
        for name, default in sorted(set(VARIABLE.findall(text)))
        if not default  # a variable with a default keeps it, as on a host that sets none
    }
    document = yaml.safe_load(text)
    for service in document["services"].values():
        build = service.get("build")
        if isinstance(build, dict):
            (target.parent / build.get("context", ".")).mkdir(parents=True, exist_ok=True)
        for entry in service.get("env_file") or []:
            path = target.parent / (entry["path"] if isinstance(entry, dict) else entry)
            if not path.exists():
                # A real checkout keeps it out of git; a made-up variable stands in.
                path.write_text("ENVGEN_LIVE_STANDIN=1\n")
        for volume in service.get("volumes") or []:
            if isinstance(volume, dict) and volume.get("type") == "bind":
                (target.parent / volume["source"]).mkdir(parents=True, exist_ok=True)
    return Stack(key, rendered, folder, variables)


def compose(
    engine: Engine,
    stack: Stack,
    *args: str,
    standins: bool = True,
    check: bool = True,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [engine.compose, *stack.compose_args(standins=standins), *args],
        capture_output=True,
        text=True,
        env={**engine.env, **stack.variables},
        check=False,
        timeout=timeout,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"docker-compose {' '.join(args)}: {done.stderr.strip()}")
    return done


def resolved(engine: Engine, stack: Stack) -> dict[str, Any]:
    """Compose's own resolved model of the rendered file alone, every profile on: what the
    spec said, as Compose hands it to the engine."""
    out = compose(engine, stack, "--profile", "*", "config", "--format", "json", standins=False)
    found: dict[str, Any] = json.loads(out.stdout)
    return found


def standin_tag(key: str, service: str) -> str:
    return f"envgen-standin/{key}-{service}:live"


def build_standins(engine: Engine, stacks: Sequence[Stack]) -> None:
    """One image per service of every stack, and each stack's override file naming them."""
    configs = [s.config for s in stacks]
    standin.build_base(
        [engine.docker],
        engine.env,
        {
            p
            for stack in stacks
            for service in stack.services.values()
            for p in standin.programs(service)
        },
    )
    for stack in stacks:
        images = {}
        for name, service in stack.services.items():
            tag = standin_tag(stack.key, name)
            ports = standin.container_ports(configs, name)
            ports = tuple(sorted({*ports, *proxy_ports(stack, service)}))
            identity = f"{stack.project}/{name}"
            standin.build(
                [engine.docker],
                engine.env,
                standin.Standin(tag, ports, standin.is_job(service), identity),
            )
            images[name] = {"image": tag}
        stack.override.write_text(yaml.safe_dump({"services": images}, sort_keys=True))


def aliases(service: Mapping[str, Any]) -> set[str]:
    return {
        str(alias)
        for network in (service.get("networks") or {}).values()
        for alias in ((network or {}).get("aliases") or [])
    }


def proxy_ports(stack: Stack, service: Mapping[str, Any]) -> set[int]:
    """Ports the Caddyfile sends to one of this service's aliases (the proxy's edges)."""
    mine = aliases(service)
    return {port for alias, port in proxy_upstreams(stack) if alias in mine}


def proxy_upstreams(stack: Stack) -> list[tuple[str, int]]:
    """The Caddyfile's upstreams (`reverse_proxy ALIAS:PORT`) that are this stack's aliases."""
    caddyfile = stack.rendered.parent / "Caddyfile"
    if not caddyfile.exists():
        return []
    mine = {alias for service in stack.services.values() for alias in aliases(service)}
    found = re.findall(r"reverse_proxy\s+(\S+):(\d+)", caddyfile.read_text())
    return [(alias, int(port)) for alias, port in found if alias in mine]


def external_networks(stacks: Sequence[Stack]) -> list[str]:
    return sorted(
        {
            str(network.get("name"))
            for stack in stacks
            for network in (stack.config.get("networks") or {}).values()
            if network.get("external")
        }
    )


def containers(engine: Engine, stack: Stack) -> dict[str, dict[str, Any]]:
    """The inspected containers of a stack's project, by service."""
    ids = engine.run("ps", "-aq", "--filter", f"label={PROJECT_LABEL}={stack.project}").split()
    return {c["Config"]["Labels"][SERVICE_LABEL]: c for c in engine.inspect(*ids)}


def up(engine: Engine, stack: Stack) -> None:
    compose(engine, stack, "up", "--wait", "--quiet-pull", *stack.running_services(), timeout=400)


def down(engine: Engine, stack: Stack) -> None:
    compose(
        engine,
        stack,
        "--profile",
        "*",
        "down",
        "--volumes",
        "--remove-orphans",
        "--timeout",
        "2",
        check=False,
    )


def make_engine(env: Mapping[str, str]) -> Engine:
    return Engine(dict(env), shutil.which("docker") or "docker", tool("docker-compose"))
