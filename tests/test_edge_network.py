"""PRX002 with an edge proxy inside the stack (`role: edge-proxy`): the stack may create
its own network to the proxy (Compose makes it at `up`, and the proxy starts with it),
while another environment's network that the edge joins is external, made before either
stack starts. Every hint says what fits the case; the deploy target, the Caddyfile and
the deploy workflow say who makes each network."""

from __future__ import annotations

from pathlib import Path

from envgen.model.environment import Environment
from envgen.outputs.workflows import DEPLOY_SCRIPT, deploy_script
from envgen.project.load import load_project
from envgen.settings import load_settings

from tests.conftest import Run, write_tree
from tests.policy_project import patched
from tests.test_edge_proxy import EDGE, ONE_HOST, _at, _lines

# Production's own network to the proxy, created by its stack: no `external`.
OWN = "  proxy:\n    name: edge-production\n    external: false\n"
CREATED = EDGE.replace("networks:\n  staging-edge:", "networks:\n" + OWN + "  staging-edge:")


def test_the_edge_s_own_stack_may_create_its_network_to_the_proxy(tmp_path: Path) -> None:
    files, lines = _lines(tmp_path, [("production.yaml", None, CREATED), *ONE_HOST[1:]])
    assert "external: false" in files["environments/production.yaml"]
    assert lines == []


def test_a_stack_whose_edge_does_not_join_it_may_not(tmp_path: Path) -> None:
    """The near miss: the edge is in the stack, but on staging's network only."""
    edge = CREATED.replace("networks: [proxy, staging-edge]", "networks: [staging-edge]")
    files, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    assert lines == [
        f"{_at(files, 'production.yaml', 'false')}: PRX002 error: "
        "networks.proxy.external: network `proxy` is created by this stack, but its edge "
        "proxy `edge` does not join it, so no proxy shares it with the routes (add `proxy` "
        "to `edge`'s `networks`, or declare it `external: true`, made once on the host "
        "(`docker network create edge-production`))"
    ]


def test_a_stack_without_an_edge_shares_an_external_network(tmp_path: Path) -> None:
    """Staging has no proxy of its own: its network to production's edge is external."""
    own = "networks:\n  proxy:\n    name: edge-staging\n    external: false\n"
    files, lines = _lines(tmp_path, [*ONE_HOST, ("staging.yaml", None, own)])
    assert lines == [
        f"{_at(files, 'staging.yaml', 'false')}: PRX002 error: "
        "networks.proxy.external: network `proxy` is created by this stack; the proxy runs "
        "outside compose and shares only an external network (declare it `external: true`, "
        "made once on the host (`docker network create edge-staging`), or run the proxy "
        "in this stack: a service with `role: edge-proxy` that joins `proxy`)"
    ]


def test_another_environment_s_network_that_the_edge_joins_is_external(tmp_path: Path) -> None:
    edge = CREATED.replace(
        "    name: edge-staging\n    external: true\n",
        "    name: edge-staging\n    external: false\n",
    )
    files, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    name = _at(files, "production.yaml", "name: edge-staging")  # `external: false` follows
    line = int(name.rsplit(":", 2)[1]) + 1
    assert lines == [
        f"environments/production.yaml:{line}:15: PRX002 error: networks.staging-edge.external: "
        "network `staging-edge` is `edge-staging`, staging's own network to the proxy, and "
        "this stack would create it: Compose refuses one that staging's stack found made "
        "(it lacks this stack's labels), and `down` would remove it from under staging "
        "(declare it `external: true`, made once on the host before either stack starts "
        "(`docker network create edge-staging`))"
    ]


def test_a_network_of_the_edge_that_no_environment_routes_through_is_its_own(
    tmp_path: Path,
) -> None:
    """The near miss: a network of the edge's own (its metrics, say) is no other
    environment's, and the stack may create it."""
    edge = CREATED.replace(
        "networks: [proxy, staging-edge]", "networks: [proxy, staging-edge, metrics]"
    )
    edge += "  metrics:\n    name: edge-metrics\n"
    _, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    assert lines == []


def _environment(tmp_path: Path, production: str, name: str) -> Environment:
    root = write_tree(tmp_path, patched([("production.yaml", None, production), *ONE_HOST[1:]]))
    project = load_project(load_settings(root))
    return next(env for env in project.environments if env.name == name)


def test_the_deploy_step_makes_no_network_that_the_stack_creates(tmp_path: Path) -> None:
    """Made by `docker network create`, it would lack Compose's labels, and `up` would
    refuse it ("network ... was found but has incorrect label")."""
    created = _environment(tmp_path / "created", CREATED, "production")
    assert deploy_script(created) == (DEPLOY_SCRIPT, {})
    external = _environment(tmp_path / "external", EDGE, "production")
    script, variables = deploy_script(external)
    assert "docker network create $network" in script
    assert variables == {"PROXY_NETWORK": "edge-production"}


def test_the_deploy_targets_say_which_networks_to_make_first(tmp_path: Path, run: Run) -> None:
    root = write_tree(tmp_path, patched([("production.yaml", None, CREATED), *ONE_HOST[1:]]))
    assert run("--root", root, "render").exit_code == 0
    comments = [
        line
        for line in (root / "rendered/envgen.mk").read_text(encoding="utf-8").splitlines()
        if line.startswith("# deploy-")
    ]
    assert comments == [
        "# deploy-staging: pull and start staging, then wait until it is healthy; Compose "
        "creates no external network: make each once on the host first, docker network "
        "create edge-staging",
        "# deploy-production: pull and start production, then wait until it is healthy; "
        "Compose creates no external network: make each once on the host first, docker "
        "network create edge-staging",
    ]
    caddyfile = (root / "rendered/Caddyfile").read_text(encoding="utf-8").splitlines()
    assert [line for line in caddyfile if "joins it" in line] == [
        "# service `edge` of production joins it (its compose file attaches it); docker "
        "network create edge-staging on host vps, once, before either stack starts",
        "# service `edge` of production joins it (its compose file attaches it); "
        "production's compose file creates it at `up`",
    ]
