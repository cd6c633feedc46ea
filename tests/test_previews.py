"""Preview environments: rendered previews that Compose accepts, nothing repeated between
any two of them or with the shipped environments, ids and slugs, and `gc`'s exact
commands on fixtures of what Docker and GitHub print."""

from __future__ import annotations

import copy
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from envgen.model.environment import Environment
from envgen.model.previews.names import ID, branch_id, family, parse_id, slug
from envgen.policies.check import check_policies
from envgen.previews.render import instance, render_preview, template_of
from envgen.project.load import load_project
from envgen.project.validate import validate
from envgen.reading.source import Document
from envgen.settings import load_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose, required_variables
from tests.conftest import REPO, Run, edit_spec

EXAMPLE = REPO / "examples" / "previews"  # the shipped project with a preview template


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A writable copy of examples/previews."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "project"))


NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
COMPOSE_PROJECT = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # Compose's rule for project names


def _previews(count: int) -> list[tuple[Environment, dict[str, str]]]:
    project = load_project(load_settings(EXAMPLE))
    template = template_of(project)
    made = []
    for number in range(1, count + 1):
        preview = instance(project, template, f"pr-{number}", NOW)
        made.append((preview.environments[0], render_preview(preview)))
    return made


def _identities(env: Environment) -> dict[str, set[str]]:
    """What must not repeat between two environments on one host, by kind."""
    assert env.database is not None
    return {
        "project": {env.project_name},
        "domain": {env.domain} if env.domain else set(),
        "database": {env.database.name or "", env.database.user or ""},
        "volume": {env.volume_name(key) for key in env.volumes},
        "network": {env.network_name(key) for key, net in env.networks.items() if not net.external}
        | {f"{env.project_name}_default"},
        "port": {
            f"{env.host.name}:{number}"
            for _, port in env.published_ports()
            for number in port.host_ports or ()
        },
        "variable": {v for v, path in env.secret_variables() if path[0] != "proxy"},
        "variables file": {env.variables_file or ""},
    }


def test_twenty_previews_and_the_four_environments_pass_compose_config(tmp_path: Path) -> None:
    files = [
        REPO / "rendered" / f"docker-compose.{s}.yml" for s in ("dev", "test", "staging", "prod")
    ]
    for env, rendered in _previews(20):
        path = tmp_path / f"docker-compose.{env.name}.yml"
        path.write_text(rendered[path.name], encoding="utf-8")
        files.append(path)
    assert len(files) == 24
    for path in files:
        text = path.read_text(encoding="utf-8")
        variables = dict.fromkeys(required_variables(text), "x")
        result = compose(path, "config", "-q", variables=variables)
        assert (path.name, result.returncode, result.stderr) == (path.name, 0, "")


def test_nothing_repeats_between_twenty_previews_and_the_shipped_environments() -> None:
    project = load_project(load_settings(EXAMPLE))
    shipped = [env for env in project.environments if env.preview is None]
    envs = shipped + [env for env, _ in _previews(20)]
    seen: dict[tuple[str, str], str] = {}
    repeated = []
    for env in envs:
        assert COMPOSE_PROJECT.fullmatch(env.project_name)
        for kind, values in _identities(env).items():
            for value in values - {""}:
                if (kind, value) in seen:
                    repeated.append((kind, value, seen[(kind, value)], env.name))
                seen[(kind, value)] = env.name
    assert repeated == []
    assert len({k for k in seen if k[0] == "project"}) == 24


def test_the_segregation_rules_hold_across_twenty_previews() -> None:
    """Every rule finds nothing among twenty previews and the four environments (the
    previews share the proxy's one basic-auth login, which SEG008 counts once, as the
    template's). PRX002 knows that the proxy joins each preview's own network (failed
    before: its `networks.proxy.external` error named pr-1 to pr-20)."""
    project = load_project(load_settings(EXAMPLE))
    previews = [env for env, _ in _previews(20)]
    documents = dict(project.documents)
    template = project.documents["preview"]
    documents.update({env.name: template for env in previews})
    deployed = [env for env in project.environments if env.preview is None]
    envs = sorted([*deployed, *previews], key=lambda env: env.tier.rank)
    found = check_policies(envs, documents, "environments/base.yaml")
    assert sorted({(p.rule, p.field) for p in found if p.severity == "error"}) == []


def _prx002(env: Environment, document: Document) -> list[str]:
    found = check_policies([env], {env.name: document}, "environments/base.yaml")
    return [str(p) for p in found if p.rule == "PRX002"]


def test_prx002_knows_a_previews_own_network_and_no_other() -> None:
    """A preview made from the template joins the proxy through its own network, which
    the preview's deploy connects the proxy to (failed before: PRX002 refused pr-7's
    network as one the proxy cannot share). The same spec with its network no longer
    labelled as the preview's is an environment like any other: refused."""
    project = load_project(load_settings(EXAMPLE))
    preview = instance(project, template_of(project), "pr-7", NOW)
    (env,) = preview.environments
    assert env.preview is None  # an instance is no template: PRX002 cannot go by that
    assert _prx002(env, preview.documents["pr-7"]) == []
    document = preview.documents["pr-7"]
    data = copy.deepcopy(document.data)
    del data["networks"]["proxy"]["labels"]
    plain = Document(data, document.values, document.keys)
    unlabelled, problems = validate(plain, "pr-7")
    assert (problems, unlabelled is not None) == ([], True)
    assert unlabelled is not None
    assert _prx002(unlabelled, plain) == [
        "environments/preview.yaml:41:5: PRX002 error: networks.proxy.external: network "
        "`proxy` is created by this stack; the proxy runs outside compose and shares only "
        "an external network (declare it `external: true`, made once on the host (`docker "
        "network create coupette-pr-7_proxy`), or run the proxy in this stack: a service with "
        "`role: edge-proxy` that joins `proxy`)"
    ]


def test_prx002_still_refuses_a_deployed_environments_own_proxy_network(
    example: Path, run: Run
) -> None:
    edit_spec(example, "staging.yaml", "    external: true\n", "    external: false\n")
    result = run("--root", example, "validate")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "staging:",
        "environments/staging.yaml:39:15: PRX002 error: networks.proxy.external: network "
        "`proxy` is created by this stack; the proxy runs outside compose and shares only an "
        "external network (declare it `external: true`, made once on the host (`docker "
        "network create caddy-staging`), or run the proxy in this stack: a service with "
        "`role: edge-proxy` that joins `proxy`)",
        "1 error",
    ]


def test_a_preview_is_labelled_with_its_id_and_expiry_everywhere() -> None:
    ((env, rendered),) = _previews(1)
    document = yaml.safe_load(rendered["docker-compose.pr-1.yml"])
    labels = {"dev.envgen.preview": "pr-1", "dev.envgen.preview.expires": "2026-12-10T03:00:00Z"}
    for section in ("services", "volumes", "networks"):
        for key, entry in document[section].items():
            assert {k: entry["labels"][k] for k in labels} == labels, (section, key)
    assert document["name"] == "coupette-pr-1"
    assert env.domain == "pr-1.staging-wine.victorpatrin.dev"


def test_the_route_sends_the_preview_domain_to_its_own_alias() -> None:
    ((_, rendered),) = _previews(1)
    assert rendered["pr-1.caddy"].split("\n", 2)[2] == (
        "#\n"
        "# Caddy reaches each environment through that environment's own Docker network, "
        "which no\n"
        "# other environment's services join (rule SEG003), so no environment reaches "
        "another past\n"
        "# Caddy. Caddy joins them all: coupette-pr-1_proxy; on each, the routed\n"
        "# service answers to an alias unique to its environment.\n"
        "# Caddy's own environment must set: PREVIEW_BASIC_AUTH_USER, PREVIEW_BASIC_AUTH_HASH.\n"
        "\n"
        "# pr-1 (staging tier), through network coupette-pr-1_proxy:\n"
        "# on host previews: its compose file creates it, then docker network connect "
        "coupette-pr-1_proxy caddy\n"
        "pr-1.staging-wine.victorpatrin.dev {\n"
        "\tbasic_auth {\n"
        "\t\t{$PREVIEW_BASIC_AUTH_USER} {$PREVIEW_BASIC_AUTH_HASH}\n"
        "\t}\n"
        "\treverse_proxy coupette-pr-1-backend:8001\n"
        "}\n"
    )


# Ids and slugs.


def test_the_example_branch_becomes_the_same_valid_slug_each_time() -> None:
    assert branch_id("Feature/ÜBER_Fix.2") == "br-feature-uber-fix-2-3bdd6d"
    assert branch_id("Feature/ÜBER_Fix.2") == branch_id("Feature/ÜBER_Fix.2")
    assert slug("fix-2") == "fix-2"  # already a slug: kept as it is
    assert slug("Fix-2") != slug("fix-2")  # changed by lowering: a hash keeps them apart


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", "pr-42"),
        ("pr-42", "pr-42"),
        ("br-fix-2", "br-fix-2"),
        ("0", None),
        ("042", None),
        ("pr-042", None),
        ("PR-42", None),
        ("br-", None),
        ("br--x", None),
    ],
)
def test_a_command_line_names_a_preview_by_number_or_id(text: str, expected: str | None) -> None:
    assert parse_id(text) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_branch_name_becomes_a_valid_short_id(branch: str) -> None:
    preview_id = branch_id(branch)
    assert re.fullmatch(ID, preview_id)
    assert COMPOSE_PROJECT.fullmatch(f"coupette-{preview_id}")
    assert len(preview_id) <= 33
    assert branch_id(branch) == preview_id


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_two_branches_keep_two_slugs(first: str, second: str) -> None:
    if first != second:
        assert slug(first) != slug(second)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10**9), st.text(min_size=1, max_size=40))
def test_every_id_fits_the_family_of_each_template_value(number: int, branch: str) -> None:
    for preview_id in (f"pr-{number}", branch_id(branch)):
        for value, form, made in (
            ("coupette-preview", "plain", f"coupette-{preview_id}"),
            ("coupette_preview", "underscore", "coupette_" + preview_id.replace("-", "_")),
            ("PREVIEW_KEY", "upper", preview_id.replace("-", "_").upper() + "_KEY"),
        ):
            pattern = family(value, "preview", form)
            assert pattern is not None
            assert pattern.fullmatch(made)


# gc and list, on fixtures of what `docker compose ls`, `docker ps` and GitHub print.

PROJECTS = [
    {"Name": "coupette-pr-7", "Status": "running(5)", "ConfigFiles": "/srv/c/rendered/a.yml"},
    {"Name": "coupette-pr-42", "Status": "running(5)", "ConfigFiles": "/srv/c/rendered/b.yml"},
    {"Name": "coupette-pr-43", "Status": "running(5)", "ConfigFiles": "/srv/c/rendered/c.yml"},
    {"Name": "coupette-pr-51", "Status": "exited(5)", "ConfigFiles": "/srv/c/rendered/d.yml"},
    {"Name": "coupette-br-spike-9a8b7c", "Status": "running(5)", "ConfigFiles": "/x.yml"},
    {"Name": "coupette-production", "Status": "running(6)", "ConfigFiles": "/x.yml"},
    {"Name": "coupette-staging", "Status": "running(7)", "ConfigFiles": "/x.yml"},
    {"Name": "coupette-pr-42-old", "Status": "exited(1)", "ConfigFiles": "/x.yml"},
    {"Name": "shop-pr-7", "Status": "running(1)", "ConfigFiles": "/x.yml"},
    {"Name": "coupette-preview", "Status": "running(1)", "ConfigFiles": "/x.yml"},
]
OPEN = [
    {"number": 42, "headRefName": "feature/a"},
    {"number": 43, "headRefName": "Spike"},
    {"number": 51, "headRefName": "fix"},
]


def _containers(project: str, expires: str) -> str:
    labels = f"com.docker.compose.project={project},dev.envgen.preview.expires={expires}"
    return json.dumps({"Names": f"{project}-backend-1", "Labels": labels})


CONTAINERS = "\n".join(
    [
        _containers("coupette-pr-42", "2026-12-09T00:00:00Z"),
        _containers("coupette-pr-43", "2026-12-09T00:00:00Z"),
        _containers("coupette-pr-43", "2026-12-07T02:59:59Z"),  # one expired: it goes
        _containers("coupette-production", "2026-01-01T00:00:00Z"),  # not a preview's name
        json.dumps({"Names": "caddy", "Labels": ""}),
    ]
)


def _gc_files(tmp_path: Path) -> list[str]:
    (tmp_path / "ls.json").write_text(json.dumps(PROJECTS), encoding="utf-8")
    (tmp_path / "open.json").write_text(json.dumps(OPEN), encoding="utf-8")
    (tmp_path / "ps.json").write_text(CONTAINERS + "\n", encoding="utf-8")
    return [
        "--projects",
        str(tmp_path / "ls.json"),
        "--open",
        str(tmp_path / "open.json"),
        "--containers",
        str(tmp_path / "ps.json"),
        "--now",
        "2026-12-07T03:00:00Z",
    ]


def test_gc_prints_exactly_the_down_commands(tmp_path: Path, run: Run) -> None:
    result = run("--root", EXAMPLE, "preview", "gc", *_gc_files(tmp_path))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "docker compose -p coupette-br-spike-9a8b7c down --volumes --remove-orphans\n"
        "docker compose -p coupette-pr-43 down --volumes --remove-orphans\n"
        "docker compose -p coupette-pr-7 down --volumes --remove-orphans\n",
        "",
    )


def test_list_shows_every_preview_and_its_fate(tmp_path: Path, run: Run) -> None:
    result = run("--root", EXAMPLE, "preview", "list", *_gc_files(tmp_path))
    assert (result.exit_code, result.stdout) == (
        0,
        "PROJECT                   PREVIEW          EXPIRES               FATE\n"
        "coupette-br-spike-9a8b7c  br-spike-9a8b7c  -                     closed\n"
        "coupette-pr-42            pr-42            2026-12-09T00:00:00Z  keep\n"
        "coupette-pr-43            pr-43            2026-12-07T02:59:59Z  expired\n"
        "coupette-pr-51            pr-51            -                     keep\n"
        "coupette-pr-7             pr-7             -                     closed\n",
    )


def test_gc_keeps_branch_previews_when_the_list_names_no_branches(tmp_path: Path, run: Run) -> None:
    args = _gc_files(tmp_path)
    (tmp_path / "open.json").write_text("42\n43\n51\n", encoding="utf-8")
    result = run("--root", EXAMPLE, "preview", "gc", *args)
    assert (result.exit_code, result.stdout) == (
        0,
        "docker compose -p coupette-pr-43 down --volumes --remove-orphans\n"
        "docker compose -p coupette-pr-7 down --volumes --remove-orphans\n",
    )


def test_gc_reads_pages_of_githubs_pull_requests(tmp_path: Path, run: Run) -> None:
    args = _gc_files(tmp_path)
    pages = [[{"number": 42, "head": {"ref": "feature/a"}}], [{"number": 43, "head": {"ref": "x"}}]]
    (tmp_path / "open.json").write_text("\n".join(map(json.dumps, pages)), encoding="utf-8")
    result = run("--root", EXAMPLE, "preview", "gc", *args)
    assert (result.exit_code, result.stdout) == (
        0,
        "docker compose -p coupette-br-spike-9a8b7c down --volumes --remove-orphans\n"
        "docker compose -p coupette-pr-43 down --volumes --remove-orphans\n"
        "docker compose -p coupette-pr-51 down --volumes --remove-orphans\n"
        "docker compose -p coupette-pr-7 down --volumes --remove-orphans\n",
    )


def test_gc_run_runs_each_command(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes = tmp_path / "bin"
    fakes.mkdir()
    log = tmp_path / "docker.log"
    docker = fakes / "docker"
    docker.write_text(f'#!/bin/sh\necho "$*" >> {log}\n', encoding="utf-8")
    docker.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fakes}:/usr/bin:/bin")
    result = run("--root", EXAMPLE, "preview", "gc", "--run", *_gc_files(tmp_path))
    assert result.exit_code == 0
    assert log.read_text(encoding="utf-8") == (
        "compose -p coupette-br-spike-9a8b7c down --volumes --remove-orphans\n"
        "compose -p coupette-pr-43 down --volumes --remove-orphans\n"
        "compose -p coupette-pr-7 down --volumes --remove-orphans\n"
    )


def test_gc_refuses_what_is_not_compose_ls_output(tmp_path: Path, run: Run) -> None:
    args = _gc_files(tmp_path)
    (tmp_path / "ls.json").write_text('{"Name": "x"}', encoding="utf-8")
    result = run("--root", EXAMPLE, "preview", "gc", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"envgen: {tmp_path}/ls.json: expected `docker compose ls --all --format json`'s list\n",
    )


# render on the command line, and the template's rules.


def test_render_prints_the_compose_file_or_writes_both(tmp_path: Path, run: Run) -> None:
    printed = run("--root", EXAMPLE, "preview", "render", "42", "--now", "2026-12-07T03:00:00Z")
    assert printed.exit_code == 0
    assert printed.stdout.startswith(
        "# Generated by envgen from environments/base.yaml + environments/preview.yaml.\n"
        "# Do not edit: change the specs, then run `envgen preview render pr-42`.\n"
    )
    assert "\nname: coupette-pr-42\n" in printed.stdout
    out = tmp_path / "out"
    written = run(
        "--root", EXAMPLE, "preview", "render", "42", "--out", out, "--now", "2026-12-07T03:00:00Z"
    )
    assert written.stdout == f"wrote {out}/docker-compose.pr-42.yml\nwrote {out}/pr-42.caddy\n"
    assert (out / "docker-compose.pr-42.yml").read_text(encoding="utf-8") == printed.stdout


def test_render_refuses_a_preview_that_is_no_number(run: Run) -> None:
    result = run("--root", EXAMPLE, "preview", "render", "0")
    assert (result.exit_code, result.stderr) == (
        2,
        "envgen: `0` is not a preview: give a pull request's number (42) or an id "
        "(pr-42, br-<slug>)\n",
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "name: coupette_preview",
            "name: coupette_review",
            "environments/preview.yaml:25:9: PRV001 error: database.name: database name "
            "`coupette_review` holds no `preview`, so every preview would share it (write "
            "`preview` in it, for each preview's id to replace)",
        ),
        (
            "    memory: 256m  # staging's sizes: one reviewer's traffic",
            "    memory: 256m\n    ports: ['127.0.0.1:9000:8001']",
            "environments/preview.yaml:47:13: PRV002 error: services.backend.ports.0: host "
            "port 9000 would be published by every preview on host `previews` (the proxy "
            "routes each preview by its domain: remove the host port)",
        ),
    ],
)
def test_the_template_rules_name_the_line(
    example: Path, run: Run, old: str, new: str, expected: str
) -> None:
    edit_spec(example, "preview.yaml", old, new)
    result = run("--root", example, "validate")
    assert result.exit_code == 2
    assert expected in result.stderr


def test_no_environment_may_hold_a_name_some_preview_takes(example: Path, run: Run) -> None:
    edit_spec(example, "staging.yaml", "  name: coupette_staging", "  name: coupette_pr_7")
    result = run("--root", example, "validate")
    assert result.exit_code == 2
    assert (
        "PRV003 error: database.name: database name `coupette_preview` becomes staging's "
        "`coupette_pr_7` in one preview"
    ) in result.stderr


def test_diff_staging_preview_shows_how_the_template_differs(run: Run) -> None:
    result = run("--root", EXAMPLE, "diff", "staging", "preview")
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "staging -> preview: what runs (- only in staging, + only in preview, ~ changed)"
    )
    assert (
        "  ~ domain                                    staging-wine.victorpatrin.dev -> "
        "preview.staging-wine.victorpatrin.dev [2]" in lines
    )
    assert lines[-1] == (
        "26 differences (20 changed, 1 added, 5 removed): 26 declared, 0 undeclared"
    )
    undeclared = run("--root", EXAMPLE, "diff", "staging", "preview", "--undeclared-only")
    assert undeclared.stdout.endswith("no differences; 26 left out by the options\n")


def test_the_parity_table_shows_the_template_as_a_column() -> None:
    table = (EXAMPLE / "docs" / "ENVIRONMENTS.md").read_text(encoding="utf-8")
    header = next(
        line for line in table.splitlines() if line.startswith("| ") and "preview" in line
    )
    assert [cell.strip() for cell in header.strip("|").split("|")][1:] == [
        "local",
        "test",
        "preview",
        "staging",
        "production",
    ]


def test_now_must_be_a_utc_time(run: Run) -> None:
    result = run("--root", EXAMPLE, "preview", "render", "42", "--now", "2026-12-07 03:00")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for --now: write a UTC time as 2026-12-07T03:00:00Z\n"
    )


def test_the_example_is_in_sync_with_its_specs(run: Run) -> None:
    result = run("--root", EXAMPLE, "check")
    assert (result.exit_code, result.stdout) == (0, "all 17 generated files are up to date\n")
