"""Segregation at run time: the shipped environments up side by side on one engine (as
staging and production share the VPS); no container of one reaches a service of another
by any name, address or published port, while every edge the specs declare works."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from envgen.project.load import Project, load_project
from envgen.runtime_guard import trespasses
from envgen.settings import load_settings

from tests.live import stacks, standin
from tests.live.conftest import SHIPPED, Environments
from tests.live.probes import Target, answers, in_parallel, resolves, targets
from tests.live.stacks import Engine, external_networks, proxy_upstreams
from tests.tools import tool

pytestmark = pytest.mark.live
Running = dict[str, list[Target]]


@pytest.fixture(scope="module")
def running(environments: Environments) -> Running:
    environments.up("staging")
    engine = environments.engine
    return {key: targets(engine, environments.stacks[key]) for key in SHIPPED}


def breaches(engine: Engine, running: Running, source: str) -> list[str]:
    """Every way a container of `source` reached, or resolved, a service of another
    environment: one line each, `from -> identity via how`."""
    others = [t for key, found in running.items() if key != source for t in found]
    by_identity = {t.identity: t for t in others}
    address_of = {a: t.identity for t in others for a in t.addresses}

    def probe(mine: Target) -> list[str]:
        tries = {
            (host, port) for t in others for port in t.ports for host in (*t.names, *t.addresses)
        }
        tries |= {
            (gateway, port) for t in others for _, port in t.published for gateway in mine.gateways
        }
        lines = [
            f"{mine.identity} -> {who} via {host}:{port}"
            for (host, port), who in answers(engine, mine.container, tries).items()
            if who in by_identity
        ]
        for name, addresses in resolves(
            engine, mine.container, {n for t in others for n in t.names}
        ).items():
            lines += [
                f"{mine.identity} -> {address_of[a]} resolves {name} to {a}"
                for a in sorted(addresses)
                if a in address_of
            ]
        return lines

    found = in_parallel({t.container: (lambda t=t: probe(t)) for t in running[source]})
    return sorted(line for lines in found.values() for line in lines)


@pytest.mark.parametrize("source", list(SHIPPED))
def test_no_container_reaches_another_environment(
    environments: Environments, running: Running, source: str
) -> None:
    assert "\n".join(breaches(environments.engine, running, source)) == ""


def test_declared_dependencies_answer(environments: Environments, running: Running) -> None:
    """Each depends_on edge whose both ends run: the dependent reaches its dependency by
    service name on every port it serves, and the answer is its own environment's."""
    engine = environments.engine
    failures = []
    for key, found in running.items():
        stack = environments.stacks[key]
        by_service = {t.service: t for t in found}
        for mine in found:
            for dependency in stack.services[mine.service].get("depends_on") or {}:
                if dependency not in by_service:
                    continue
                wanted = by_service[dependency]
                tries = [(dependency, port) for port in wanted.ports]
                for (host, port), who in answers(engine, mine.container, tries).items():
                    if who != wanted.identity:
                        failures.append(f"{mine.identity} -> {host}:{port} answered {who!r}")
    assert failures == []


@pytest.fixture(scope="module")
def proxy(environments: Environments, running: Running) -> Iterator[str]:
    """A stand-in for Caddy, which runs outside Compose: a container on every external
    network the environments name, as Caddy is on the VPS."""
    engine = environments.engine
    stacks = [environments.stacks[key] for key in SHIPPED]
    networks = external_networks(stacks)
    tag = "envgen-standin/proxy:live"
    standin.build([engine.docker], engine.env, standin.Standin(tag, (), False, "proxy"))
    name = "envgen-live-proxy"
    engine.run("rm", "-f", name, check=False)
    engine.run("run", "-d", "--name", name, "--network", networks[0], "--memory", "32m", tag)
    for network in networks[1:]:
        engine.run("network", "connect", network, name)
    try:
        yield name
    finally:
        engine.run("rm", "-f", name, check=False)


def test_proxy_reaches_each_routed_service(
    environments: Environments, running: Running, proxy: str
) -> None:
    """Each `reverse_proxy ALIAS:PORT` of the Caddyfile answers, from the proxy, with the
    service of the environment that owns the alias."""
    engine = environments.engine
    wanted = {}
    for key in SHIPPED:
        for alias, port in proxy_upstreams(environments.stacks[key]):
            owner = next(t for t in running[key] if alias in t.names)
            wanted[(alias, port)] = owner.identity
    assert wanted, "the Caddyfile routes to no alias of the shipped environments"
    assert answers(engine, proxy, wanted) == wanted


def test_no_name_is_shared(environments: Environments) -> None:
    """No volume, network or container name belongs to two environments."""
    engine = environments.engine
    environments.up("staging")
    owners: dict[tuple[str, str], set[str]] = {}
    for key in SHIPPED:
        stack = environments.stacks[key]
        ids = engine.run(
            "ps", "-aq", "--filter", f"label=com.docker.compose.project={stack.project}"
        )
        for container in engine.inspect(*ids.split()):
            owners.setdefault(("container", container["Name"].lstrip("/")), set()).add(key)
            for network in container["NetworkSettings"]["Networks"]:
                owners.setdefault(("network", network), set()).add(key)
            for mount in container["Mounts"]:
                if mount["Type"] == "volume":
                    owners.setdefault(("volume", mount["Name"]), set()).add(key)
    shared = sorted(
        f"{kind} {name}: {', '.join(sorted(keys))}"
        for (kind, name), keys in owners.items()
        if len(keys) > 1
    )
    assert "\n".join(shared) == ""


def test_planted_mistake_is_caught(environments: Environments, running: Running) -> None:
    """Staging's backend joined to production's network, past every rule (the engine is
    told directly, as a hand-edited file would): the probe reports production reached."""
    engine = environments.engine
    staging = next(t for t in running["staging"] if t.service == "backend")
    network = f"{environments.stacks['production'].project}_default"
    engine.run("network", "connect", network, staging.container)
    try:
        found = breaches(engine, running, "staging")
    finally:
        engine.run("network", "disconnect", network, staging.container)
    reached = {line.split(" via ")[0] for line in found if line.startswith(staging.identity)}
    production = {f"{staging.identity} -> {t.identity}" for t in running["production"] if t.ports}
    assert production <= reached


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(load_settings(stacks.REPO))


def refused(project: Project, guarded: str, variables: dict[str, str]) -> list[str]:
    """What `envgen guard` refuses in `variables` (its own function, in this process)."""
    return [str(t) for t in trespasses(project, guarded, variables)]


def container_variables(found: list[Target]) -> dict[str, str]:
    """The variables an environment's containers run with (the stand-in's own aside)."""
    return {
        name: value
        for t in found
        for name, value in t.env
        if name != "PATH" and not name.startswith("STANDIN_")
    }


@pytest.mark.parametrize("guarded", list(SHIPPED))
def test_guard_refuses_another_environments_container_variables(
    running: Running, project: Project, guarded: str
) -> None:
    """The guard given the variables another environment's containers run with refuses
    them. Judged on the host with those variables: the stand-ins carry no Python."""
    empty = [
        key
        for key, found in running.items()
        if key != guarded and not refused(project, guarded, container_variables(found))
    ]
    assert empty == []


@pytest.mark.parametrize("guarded", list(SHIPPED))
def test_guard_refuses_another_environments_host_variables(
    environments: Environments, project: Project, guarded: str
) -> None:
    """The variables a host sets to start another environment (`PROD_POSTGRES_PASSWORD`
    beside a test run): refused; its own: accepted."""
    results = {
        key: bool(refused(project, guarded, environments.stacks[key].variables))
        for key in SHIPPED
        if environments.stacks[key].variables
    }
    assert results == {key: key != guarded for key in results}


def test_guard_command_names_production_variables_in_staging(running: Running) -> None:
    """The command itself, with production's backend variables: exit 1, each variable
    named, no value quoted."""
    backend = next(t for t in running["production"] if t.service == "backend")
    variables = {n: v for n, v in backend.env if n != "PATH" and not n.startswith("STANDIN_")}
    done = subprocess.run(
        [tool("envgen"), "--root", str(stacks.REPO), "guard", "staging"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **variables},
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    # Production's backend is not one of staging's containers, so its ANTHROPIC_API_KEY is
    # judged as a host's: the name local's key is set by.
    assert done.stderr.splitlines() == [
        "envgen: guard staging: ANTHROPIC_API_KEY is set, and it is local's"
        " `integrations.claude.secrets.key`",
        "envgen: guard staging: CORS_ORIGINS names production's domain `wine.victorpatrin.dev`",
        "envgen: guard staging: DATABASE_URL points at production's database `coupette`",
    ]
    secrets = [v for v in variables.values() if v.startswith("live-")]  # the made-up ones
    assert secrets
    assert [v for v in secrets if v in done.stderr] == []


@pytest.mark.parametrize("guarded", ["staging", "production"])
def test_guard_accepts_its_own_environments_container_variables(
    running: Running, project: Project, guarded: str
) -> None:
    assert refused(project, guarded, container_variables(running[guarded])) == []
