"""Hints name what was found: PRD008 the convention's own value that turns the mode off
(`RAILS_ENV: production`, not Node's), or the flag that carries a feature; PRD004 and
SEG003 say `role: edge-proxy` when the service looks like the edge proxy (it publishes 80
or 443, or joins several environments' networks to the proxy) and not otherwise; and
`envgen show --origins` shows the name of the variable that holds a secret, never its
value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, Run, edit_spec, spec_position
from tests.policy_project import findings, patched
from tests.test_edge_proxy import EDGE, ONE_HOST, _at, _lines

ONE_HOST_EXAMPLE = REPO / "examples" / "one-host"


def _set(variable: str, value: str) -> list[tuple[str, str | None, str]]:
    return [
        (
            "production.yaml",
            None,
            f"services:\n  api:\n    environment:\n      {variable}: {value}\n",
        )
    ]


@pytest.mark.parametrize(
    ("variable", "value", "what", "off"),
    [
        ("RAILS_ENV", "development", "development mode", "RAILS_ENV: production"),
        ("RACK_ENV", "development", "development mode", "RACK_ENV: production"),
        ("NODE_ENV", "development", "development mode", "NODE_ENV: production"),
        ("FLASK_ENV", "development", "development mode", "FLASK_ENV: production"),
        (
            "ASPNETCORE_ENVIRONMENT",
            "Development",
            "development mode",
            "ASPNETCORE_ENVIRONMENT: Production",
        ),
        ("SPRING_PROFILES_ACTIVE", "dev", "a development profile", "SPRING_PROFILES_ACTIVE: prod"),
        ("GIN_MODE", "debug", "debug mode", "GIN_MODE: release"),
        ("LOG_LEVEL", "debug", "debug logging", "LOG_LEVEL: info"),
        ("XDEBUG_MODE", "debug", "the Xdebug debugger", "XDEBUG_MODE: off"),
    ],
)
def test_prd008_names_the_convention_it_found(
    tmp_path: Path, variable: str, value: str, what: str, off: str
) -> None:
    files = patched(_set(variable, value))
    through = variable if what == "debug mode" else f"{variable}={value}"
    assert [str(p) for p in findings(tmp_path, files)] == [
        f"{_at(files, 'production.yaml', value).rsplit(':', 1)[0]}:{len(variable) + 9}: "
        f"PRD008 error: services.api.environment.{variable}: `api` turns on {what} through "
        f"`{through}` (turn it off here (e.g. `{off}`), or set it only in lower tiers)"
    ]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RAILS_ENV", "production"),
        ("RACK_ENV", "staging"),
        ("ASPNETCORE_ENVIRONMENT", "Production"),
    ],
)
def test_prd008_near_misses_find_nothing(tmp_path: Path, variable: str, value: str) -> None:
    assert findings(tmp_path, patched(_set(variable, value))) == []


def test_the_one_host_example_s_rails_env_in_production(tmp_path: Path, run: Run) -> None:
    example = Path(shutil.copytree(ONE_HOST_EXAMPLE, tmp_path / "one-host"))
    edit_spec(
        example,
        "production.yaml",
        "  api:\n    environment:\n",
        "  api:\n    environment:\n      RAILS_ENV: development\n",
    )
    where = spec_position(example, "production.yaml", "RAILS_ENV: development")
    result = run("--root", example, "validate")
    assert (result.exit_code, result.output) == (
        2,
        "production:\n"
        f"{where}: PRD008 error: services.api.environment.RAILS_ENV: `api` turns on development"
        " mode through `RAILS_ENV=development` (turn it off here (e.g. `RAILS_ENV: production`),"
        " or set it only in lower tiers)\n"
        "1 error\n",
    )


WEB_PORTS = '  vectors:\n    ports: ["80:80"]\n'
WEB, OTHER = '"80:80"', '"8080:80"'


def test_prd004_on_80_without_the_role_names_the_role(tmp_path: Path) -> None:
    files = patched([("production.yaml", None, "services:\n" + WEB_PORTS)])
    assert [str(p) for p in findings(tmp_path, files)] == [
        f"{_at(files, 'production.yaml', WEB)}: PRD004 error: services.vectors.ports.0:"
        " host port 80 is published on every interface; if `vectors` is the edge proxy,"
        " declare it `role: edge-proxy` (it may publish 80 and 443); otherwise publish on"
        " 127.0.0.1 and let the proxy in front (write the address, as in"
        " `127.0.0.1:8001:8001`, or drop the port)"
    ]


def test_prd004_on_another_port_does_not(tmp_path: Path) -> None:
    files = patched(
        [("production.yaml", None, "services:\n" + WEB_PORTS.replace("80:80", "8080:80"))]
    )
    assert [str(p) for p in findings(tmp_path, files)] == [
        f"{_at(files, 'production.yaml', OTHER)}: PRD004 error: services.vectors.ports.0:"
        " host port 8080 is published on every interface; publish on 127.0.0.1 and let the"
        " proxy in front (write the address, as in `127.0.0.1:8001:8001`, or drop the port)"
    ]


SEG003_EDGE = (
    "network `edge-staging` is also production's on host `vps` ({theirs}) (if `edge` of"
    " production is the edge proxy ({why}), declare it `role: edge-proxy`, the one service"
    " that may join every environment's network; otherwise give the network a name of this"
    " environment's own)"
)


def test_seg003_on_an_edge_without_the_role_names_the_role(tmp_path: Path) -> None:
    edge = EDGE.replace("    role: edge-proxy\n", "")
    files, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    seg003 = [line for line in lines if "SEG003" in line]
    assert seg003 == [
        f"{_at(files, 'staging.yaml', 'edge-staging')}: SEG003 error: networks.proxy.name: "
        + SEG003_EDGE.format(
            theirs=_at(files, "production.yaml", "edge-staging"), why="it publishes 80 or 443"
        )
    ]


def test_seg003_on_an_edge_that_publishes_nothing_names_the_role(tmp_path: Path) -> None:
    """Joining production's and staging's networks to the proxy is the other sign."""
    edge = EDGE.replace("    role: edge-proxy\n", "").replace(
        '    ports:\n      - "80:80"\n      - "443:443"\n      - "443:443/udp"\n', ""
    )
    files, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    assert lines == [
        f"{_at(files, 'staging.yaml', 'edge-staging')}: SEG003 error: networks.proxy.name: "
        + SEG003_EDGE.format(
            theirs=_at(files, "production.yaml", "edge-staging"),
            why="it joins the networks to the proxy of several environments",
        )
    ]


def test_seg003_on_a_routed_service_keeps_its_hint(tmp_path: Path) -> None:
    """The near miss: `api`, which the proxy routes to, is no proxy, whatever it joins
    (tests/test_edge_proxy.py has the exact line)."""
    api = "  api:\n    networks: [default, proxy, staging-edge]\n"
    edge = EDGE.replace("networks:\n  staging-edge:", api + "networks:\n  staging-edge:")
    _, lines = _lines(tmp_path, [("production.yaml", None, edge), *ONE_HOST[1:]])
    assert [line for line in lines if "role: edge-proxy" in line] == []
    assert [line.split(": ", 2)[1] for line in lines] == ["SEG003 error"]


def test_show_origins_names_the_variable_of_a_secret(run: Run) -> None:
    result = run("--root", ONE_HOST_EXAMPLE, "show", "production", "--origins")
    assert result.exit_code == 0
    where = spec_position(ONE_HOST_EXAMPLE, "production.yaml", "secret_key: PROD_STRIPE_SECRET_KEY")
    lines = result.stdout.splitlines()
    assert [
        (line.split()[0], line.split(None, 1)[1])
        for line in lines
        if " integrations.stripe.secrets" in line
    ] == [(where, 'integrations.stripe.secrets.secret_key = "PROD_STRIPE_SECRET_KEY"')]
    # A value stays hidden: a secret is shown as the variable it comes from, no more.
    assert any(
        line.endswith('services.api.environment.SECRET_KEY_BASE = "${PROD_SECRET_KEY_BASE}"')
        for line in lines
    )
    assert "(secret)" not in result.stdout


def test_show_origins_still_hides_a_default_password(run: Run) -> None:
    """The near miss: `password_default` holds a value, which stays hidden."""
    result = run("--root", ONE_HOST_EXAMPLE, "show", "dev", "--origins")
    assert any(
        line.endswith('database.password_default = "(secret)"')
        for line in result.stdout.splitlines()
    )
    assert any(
        line.endswith('database.password_variable = "DEV_DB_PASSWORD"')
        for line in result.stdout.splitlines()
    )


def test_prd004_on_80_of_a_routed_service_does_not_name_the_role(tmp_path: Path) -> None:
    """The near miss: `api`, which the proxy routes to, is the proxy's target."""
    files = patched([("production.yaml", None, 'services:\n  api:\n    ports: ["80:80"]\n')])
    assert [str(p) for p in findings(tmp_path, files) if p.rule == "PRD004"] == [
        f"{_at(files, 'production.yaml', WEB)}: PRD004 error: services.api.ports.0:"
        " host port 80 is published on every interface; publish on 127.0.0.1 and let the"
        " proxy in front (write the address, as in `127.0.0.1:8001:8001`, or drop the port)"
    ]
