"""`envgen import` reads what envgen models from the files themselves: one-shot jobs
(`job:`) and a released image tag (`image_tag`, `image_tag_required`), each with its
evidence, a TODO where the signs are few or contradict each other, and Compose's model
unchanged (the comparison still says equal)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from envgen.importing.jobs import infer_jobs
from envgen.importing.read import find_compose
from envgen.importing.tags import released
from envgen.model.environment import Environment
from envgen.outputs.compose import compose_document
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.import_findings import first_report
from tests.conftest import REPO, Run, write_tree


def _import(run: Run, root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(root)
    return run("--root", root, "import", "--dry-run", *args)


def _spec(output: str, name: str) -> str:
    """One spec's text from --dry-run's output."""
    match = re.search(
        rf"^--- environments/{name}\.yaml\n(.*?)(?=^--- |^would write )", output, re.S | re.M
    )
    assert match is not None, output
    return match[1]


def _report(output: str) -> list[str]:
    """The first report's finding lines, without their hints."""
    return [
        line.split(" (", 1)[0]
        for line in output.splitlines()
        if re.match(r"^environments/\S+: [A-Z]{3}\d{3} ", line)
    ]


# --- jobs, end to end ------------------------------------------------------------------

_JOBS = """\
services:
  api:
    image: ghcr.io/example/api:1.0
    depends_on:
      migrate:
        condition: service_completed_successfully
  migrate:
    image: ghcr.io/example/api:1.0
    command: [migrate, up]
  # One-shot: a systemd timer starts it every night.
  scraper:
    image: ghcr.io/example/scraper:1.0
    restart: "no"
  seed:
    image: ghcr.io/example/api:1.0
    command: [python, -m, scripts.seed, --products, "1000"]
    profiles: [seed]
    restart: "no"
"""


def test_jobs_are_inferred_with_their_evidence(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service waited on to complete and whose command migrates, one whose restart is
    "no" and whose comment says one-shot, one whose command seeds in a profile."""
    write_tree(tmp_path / "shop", {"compose.yaml": _JOBS})
    result = _import(run, tmp_path / "shop", monkeypatch, "--env", "prod", "-f", "compose.yaml")
    assert result.exit_code == 0, result.output
    assert _spec(result.stdout, "base") == (
        "# Shared definitions, imported by `envgen import`: every environment spec merges"
        " over this file.\n"
        "# yaml-language-server: $schema=envgen.schema.json\n"
        "app: shop  # Compose's project name (`name:`, or the folder's name)\n"
        "services:\n"
        "  api:\n"
        "    image: ghcr.io/example/api:1.0\n"
        "    depends_on:\n"
        "      migrate:\n"
        "        condition: service_completed_successfully\n"
        "  migrate:\n"
        "    job: migration  # `migrate up` migrates, `api` waits for it to complete\n"
        "    image: ghcr.io/example/api:1.0\n"
        "    command:\n"
        "      - migrate\n"
        "      - up\n"
        "  scraper:\n"
        '    description: "One-shot: a systemd timer starts it every night."\n'
        '    job: task  # `restart: "no"`, a comment says "One-shot"\n'
        "    image: ghcr.io/example/scraper:1.0\n"
        '    restart: "no"\n'
        "  seed:\n"
        "    job: seed  # `python -m scripts.seed --products 1000` seeds,"
        ' `restart: "no"`, in the profile `seed`\n'
        "    image: ghcr.io/example/api:1.0\n"
        "    command:\n"
        "      - python\n"
        '      - "-m"\n'
        "      - scripts.seed\n"
        '      - "--products"\n'
        '      - "1000"\n'
        "    profiles:\n"
        "      - seed\n"
        '    restart: "no"\n'
    )
    # The jobs answer to the job rules (a seed job in production: JOB001), not to the
    # long-running ones: `api` alone has PRD002 and PRD003.
    assert _report(result.stdout) == [
        "environments/base.yaml:6:5: PRD001 error: services.api: `api` runs without a memory limit",
        "environments/base.yaml:6:5: PRD003 error: services.api.healthcheck: `api` has no"
        " health check",
        "environments/base.yaml:6:5: PRD002 error: services.api.restart: `api` has no restart"
        " policy; it stays down after a crash",
        "environments/base.yaml:11:5: PRD001 error: services.migrate: `migrate` runs without a"
        " memory limit",
        "environments/base.yaml:17:5: PRD001 error: services.scraper: `scraper` runs without a"
        " memory limit",
        "environments/base.yaml:22:5: PRD001 error: services.seed: `seed` runs without a memory"
        " limit",
        "environments/base.yaml:22:10: JOB001 error: services.seed.job: `seed` is a seed job:"
        " one run would load its data over production's",
        "environments/prod.yaml:3:1: SEC003 error: variables_file: no `variables_file`: secrets"
        " would come from the shell of whoever deploys",
    ]
    assert "prod: equal, by `docker compose config`\n" in result.stdout


_NEAR_MISSES = """\
services:
  api:
    image: ghcr.io/example/api:1.0
    restart: "no"
    ports: ["8000:8000"]
  cron:
    image: busybox:1.36
    restart: "no"
  web:
    image: python:3.12
    command: [sh, -c, "python manage.py migrate && gunicorn app"]
  check:
    image: ghcr.io/example/api:1.0
    command: [alembic, upgrade, head]
    healthcheck:
      test: [CMD, "true"]
  debug:
    image: busybox:1.36
    profiles: [debug]
  sim:
    image: busybox:1.36
    command: [simulate, --seed, "42"]
"""


def test_near_misses_stay_long_running_with_a_todo_where_unsure(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`restart: "no"` beside a published port is a long-running service that stays down
    after a crash (no TODO: PRD002 says it); `restart: "no"` alone, a migration chained
    before a server, a migration with a health check are TODOs; a profile alone and a
    `--seed` flag say nothing."""
    write_tree(tmp_path / "shop", {"compose.yaml": _NEAR_MISSES})
    result = _import(run, tmp_path / "shop", monkeypatch, "--env", "prod", "-f", "compose.yaml")
    assert result.exit_code == 0, result.output
    assert "job:" not in _spec(result.stdout, "base")
    prod = _spec(result.stdout, "prod").splitlines()
    assert [line for line in prod if "TODO: job" in line] == [
        "# TODO: job: `check` looks like a one-shot job (`alembic upgrade head` migrates), but"
        " it has a health check; if it runs and ends, declare `job: migration`",
        '# TODO: job: `cron` may be a one-shot job (`restart: "no"`); if it runs and ends,'
        " declare `job: task`, else give it a restart policy",
        "# TODO: job: `web` may be a one-shot job (`sh -c python manage.py migrate && gunicorn"
        " app` migrates, then runs more); if it runs and ends, declare `job: migration`, else"
        " give it a restart policy",
    ]
    assert "prod: equal, by `docker compose config`\n" in result.stdout


# --- jobs, each sign at its boundary ---------------------------------------------------


def _service(**keys: Any) -> dict[str, Any]:
    return {"image": "busybox:1.36", **keys}


@pytest.mark.parametrize(
    ("services", "kind", "evidence"),
    [
        (
            {"once": _service(profiles=["ops"], deploy={"restart_policy": {"condition": "none"}})},
            "task",
            '`restart: "no"`, in the profile `ops`',
        ),
        (
            {"migrate": {"image": "migrate/migrate:v4", "command": ["-path", "/m", "up"]}},
            "migration",
            "the image `migrate/migrate:v4` migrates",
        ),
        (
            {"flyway": {"image": "flyway/flyway:10", "command": ["info"]}},
            "migration",
            "the image `flyway/flyway:10` migrates",
        ),
        (
            {"db": _service(command="bundle exec rails db:migrate db:seed")},
            "migration",
            "`bundle exec rails db:migrate db:seed` migrates",
        ),
        (
            {"fill": _service(command=["npx", "prisma", "db", "seed"])},
            "seed",
            "`npx prisma db seed` seeds",
        ),
        (
            {
                "load": _service(),
                "app": _service(
                    depends_on={"load": {"condition": "service_completed_successfully"}}
                ),
            },
            "task",
            "`app` waits for it to complete",
        ),
    ],
)
def test_a_job_and_its_kind(services: dict[str, Any], kind: str, evidence: str) -> None:
    name = next(iter(services))
    jobs = infer_jobs([{"services": services}], {})
    assert jobs.kinds == {name: kind}
    assert jobs.evidence == {name: evidence}
    assert jobs.todos == {}


@pytest.mark.parametrize(
    "services",
    [
        # A profile alone: a stack started on demand that runs for good.
        {"grafana": _service(profiles=["monitoring"])},
        # `on-failure` and a profile: a worker that is retried as well as a job.
        {"worker": _service(profiles=["workers"], restart="on-failure")},
        # A migration flag on a long-running program.
        {"api": _service(command=["api", "--migrate"])},
        # `restart: "no"` with a published port, or waited on as healthy.
        {"api": _service(restart="no", ports=[{"target": 80, "published": "8080"}])},
        {
            "db": _service(restart="no"),
            "api": _service(depends_on={"db": {"condition": "service_healthy"}}),
        },
    ],
)
def test_not_a_job_and_no_todo(services: dict[str, Any]) -> None:
    jobs = infer_jobs([{"services": services}], {})
    assert (jobs.kinds, jobs.todos) == ({}, {})


def test_a_restart_that_brings_it_back_elsewhere_makes_a_migration_a_todo() -> None:
    """The signs of every environment count together: a migration in a profile in one,
    restarted for good in another, is a question, not a job."""
    dev = {"services": {"migrate": _service(command=["migrate"], profiles=["migrate"])}}
    prod = {"services": {"migrate": _service(command=["migrate"], restart="unless-stopped")}}
    jobs = infer_jobs([dev, prod], {})
    assert jobs.kinds == {}
    assert jobs.todos == {
        "migrate": "TODO: job: `migrate` looks like a one-shot job (`migrate` migrates, in the"
        " profile `migrate`), but it has `restart: unless-stopped`; if it runs and ends, declare"
        " `job: migration`"
    }


def test_a_comment_counts_above_the_service_or_its_keys_only() -> None:
    services = {"scraper": _service(restart="no"), "other": _service(restart="no")}
    comments: dict[tuple[str | int, ...], list[str]] = {
        ("services", "scraper", "restart"): ["runs once a night"],
        ("services", "other", "environment", "MODE"): ["one-shot mode"],
    }
    jobs = infer_jobs([{"services": services}], comments)
    assert jobs.kinds == {"scraper": "task"}
    assert jobs.evidence == {"scraper": '`restart: "no"`, a comment says "runs once"'}
    assert list(jobs.todos) == ["other"]


# --- a released image tag --------------------------------------------------------------

_RELEASED = """\
services:
  api:
    build: ./api
    image: ghcr.io/example/api:${IMAGE_TAG:-v1.2}
  worker:
    build: ./api
    image: ghcr.io/example/worker:${IMAGE_TAG:-v1.2}
  redis:
    image: redis:${REDIS_TAG:-7}
"""


def test_a_default_tag_is_image_tag_and_compose_reads_the_same(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "shop"
    write_tree(root, {"compose.yaml": _RELEASED, "api/Dockerfile": "FROM scratch\n"})
    result = _import(run, root, monkeypatch, "--env", "prod", "-f", "compose.yaml")
    assert result.exit_code == 0, result.output
    assert _spec(result.stdout, "base") == (
        "# Shared definitions, imported by `envgen import`: every environment spec merges"
        " over this file.\n"
        "# yaml-language-server: $schema=envgen.schema.json\n"
        "app: shop  # Compose's project name (`name:`, or the folder's name)\n"
        "services:\n"
        "  api:\n"
        '    build: "./api"\n'
        "    image: ghcr.io/example/api\n"
        "  worker:\n"
        '    build: "./api"\n'
        "    image: ghcr.io/example/worker\n"
        "  redis:\n"
        '    image: "redis:${REDIS_TAG:-7}"\n'
    )
    assert _spec(result.stdout, "prod").endswith(
        "access: localhost  # no port is published\n"
        "image_tag: v1.2  # every image built here is tagged `${IMAGE_TAG:-v1.2}`\n"
        "additions:  # the files keep `build` beside the released images (`docker compose"
        " build` remakes them under their names)\n"
        "  build_left_out: false\n"
    )
    assert not [line for line in _report(result.stdout) if "PRD010" in line]
    assert "prod: equal, by `docker compose config`\n" in result.stdout


def _built(*images: str | None) -> dict[str, Any]:
    services: dict[str, Any] = {}
    for index, image in enumerate(images):
        services[f"s{index}"] = {"build": {"context": "."}}
        if image is not None:
            services[f"s{index}"]["image"] = image
    return {"services": services}


def test_a_required_tag_is_image_tag_required() -> None:
    found, todos = released(_built("app:${IMAGE_TAG:?Set IMAGE_TAG (e.g. v1.3.0)}"))
    assert found is not None
    assert (found.key, found.value, found.images, todos) == (
        "image_tag_required",
        "Set IMAGE_TAG (e.g. v1.3.0)",
        {"s0": "app"},
        [],
    )
    assert (
        found.evidence
        == "every image built here is tagged `${IMAGE_TAG:?Set IMAGE_TAG (e.g. v1.3.0)}`"
    )


_ODD = (
    "TODO: image_tag: `s0` is built here, its image `{}`: envgen says a released image's tag"
    " as `image_tag: TAG` (`${{IMAGE_TAG:-TAG}}`) or `image_tag_required: MESSAGE`"
    " (`${{IMAGE_TAG:?MESSAGE}}`); written so, import sets it"
)
_MIXED = (
    "TODO: image_tag: `s0` run released images (`${IMAGE_TAG...}`), but not every service"
    " built here does, with one and the same tag: envgen's `image_tag` holds for every image"
    " an environment builds"
)


@pytest.mark.parametrize(
    ("images", "todos"),
    [
        # A variable tag in another form than envgen writes: a TODO, nothing inferred.
        (("app:${IMAGE_TAG}",), [_ODD.format("app:${IMAGE_TAG}")]),
        (("app:$IMAGE_TAG",), [_ODD.format("app:$IMAGE_TAG")]),
        (("app:${TAG:?set TAG}",), [_ODD.format("app:${TAG:?set TAG}")]),
        (("app:${IMAGE_TAG-v1}",), [_ODD.format("app:${IMAGE_TAG-v1}")]),
        (("app:${IMAGE_TAG:-}",), [_ODD.format("app:${IMAGE_TAG:-}")]),
        (("app:${IMAGE_TAG:- }",), [_ODD.format("app:${IMAGE_TAG:- }")]),
        (("app:${IMAGE_TAG:?}",), [_ODD.format("app:${IMAGE_TAG:?}")]),
        # The name has a tag of its own, or a digest.
        (("app:1:${IMAGE_TAG:-v1}",), [_ODD.format("app:1:${IMAGE_TAG:-v1}")]),
        # Not every built image is released, or not with one tag.
        (("app:${IMAGE_TAG:-v1}", None), [_MIXED]),
        (("app:${IMAGE_TAG:-v1}", "other:1.0"), [_MIXED]),
        (("app:${IMAGE_TAG:?a}", "other:${IMAGE_TAG:?b}"), [_MIXED.replace("`s0`", "`s0`, `s1`")]),
        # Nothing to say: built from the source, or a fixed tag.
        ((None,), []),
        (("app:1.0",), []),
        (("registry:5000/app",), []),
    ],
)
def test_a_tag_envgen_cannot_write_is_left_as_written(
    images: tuple[str | None, ...], todos: list[str]
) -> None:
    assert released(_built(*images)) == (None, todos)


@given(
    name=st.from_regex(r"\A[a-z0-9]+(?:[./-][a-z0-9]+){0,3}\Z"),
    tag=st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}\Z"),
    message=st.from_regex(r"\A[^}$\n]{1,30}\Z").filter(str.strip),
    required=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_what_is_inferred_renders_the_text_it_was_read_from(
    name: str, tag: str, message: str, required: bool
) -> None:
    """The image envgen renders from the inference (outputs/compose.py's spelling) is the
    original text: Compose reads both before interpolation, so they must be equal."""
    image = f"{name}:${{IMAGE_TAG:?{message}}}" if required else f"{name}:${{IMAGE_TAG:-{tag}}}"
    found, todos = released(_built(image, image))
    assert found is not None, todos
    env = Environment.model_validate(
        {
            "app": "shop",
            "name": "prod",
            "tier": "production",
            "host": {"name": "h"},
            "access": "localhost",
            found.key: found.value,
            "additions": {"build_left_out": False},
            "services": {s: {"image": i, "build": "."} for s, i in found.images.items()},
        }
    )
    services = compose_document(env, PurePosixPath("rendered"))["services"]
    assert [service["image"] for service in services.values()] == [image] * 2


def test_an_image_not_built_here_says_nothing() -> None:
    model = {"services": {"redis": {"image": "redis:${REDIS_TAG:?set it}"}}}
    assert released(model) == (None, [])


# --- the reference application's files ------------------------------------------------


def test_saq_sommelier_scraper_and_migrate_are_jobs_and_prod_runs_released_images(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "saq-sommelier"
    shutil.copytree(REPO / "tests/import_corpus/saq-sommelier", root)
    result = _import(run, root, monkeypatch)
    assert result.exit_code == 0, result.output
    base = _spec(result.stdout, "base").splitlines()
    assert '    job: task  # `restart: "no"`, a comment says "One-shot"' in base
    assert (
        "    job: migration  # `alembic -c core/alembic.ini upgrade head` migrates,"
        " in the profile `migrate`"
    ) in base
    prod = _spec(result.stdout, "prod")
    assert (
        'image_tag_required: "Set IMAGE_TAG (e.g. v1.3.0)"  # every image built here is tagged'
        " `${IMAGE_TAG:?Set IMAGE_TAG (e.g. v1.3.0)}`\n"
        "additions:  # the files keep `build` beside the released images (`docker compose"
        " build` remakes them under their names)\n"
        "  build_left_out: false\n"
    ) in prod
    images = re.findall(r"^    image: (.*)$", prod, re.M)
    assert images == [
        "ghcr.io/vpatrin/coupette-backend",
        "ghcr.io/vpatrin/coupette-bot",
        "ghcr.io/vpatrin/coupette-scraper",
        "ghcr.io/vpatrin/coupette-backend",
    ]
    # What the files already say is no finding: PRD002 and PRD010 are gone, and PRD003
    # holds for the bot alone, which runs for good.
    assert [line for line in _report(result.stdout) if " PRD" in line] == [
        "environments/prod.yaml:20:5: PRD003 error: services.bot.healthcheck: `bot` has no"
        " health check"
    ]
    assert "dev: equal, by `docker compose config`\n" in result.stdout
    assert "prod: equal (with 1 documented difference(s)), by `docker compose config`\n" in (
        result.stdout
    )


def test_the_findings_script_counts_the_first_report_by_rule() -> None:
    """benchmarks/import_findings.py, which measures the corpus, on the reference
    application: what remains are the team's own findings, and Compose says equal."""
    compose = find_compose(os.environ.get("PATH", ""), sys.executable)
    counts, verdict = first_report(REPO / "tests/import_corpus/saq-sommelier", compose)
    assert counts == Counter({"SEG013 error": 6, "PRD003 error": 1})
    assert verdict == "equal"
