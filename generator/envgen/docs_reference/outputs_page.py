"""docs/reference/outputs.md: every generated file from the output registry: where it goes,
which setting moves it, its template, who reads it, and which program judges it in the
tests."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import Any, NamedTuple

from envgen.outputs.output import Output
from envgen.outputs.registry import OUTPUTS
from envgen.settings import DEFAULTS, Settings


class Consumer(NamedTuple):
    """Who reads an output in real use, and the real program that judges it in the tests."""

    read_by: str
    judged_by: str


CONSUMERS: dict[str, Consumer] = {
    "compose": Consumer(
        "Docker Compose",
        "`docker-compose config` (every file, and what each means), `compose-lint` on the "
        "deployed ones",
    ),
    "docs": Consumer("people, on GitHub", "`pymarkdown`"),
    "caddy": Consumer("Caddy, on the host", "`caddy validate`, `caddy adapt`"),
    "variables-example": Consumer(
        "a person filling in a variables file",
        "Compose's `config --variables` of every compose file, `dotenv-linter`",
    ),
    "variables-file": Consumer(
        "Docker Compose (`--env-file`)",
        "Compose with an empty process environment, `dotenv-linter`",
    ),
    "makefile": Consumer(
        "make, through the project's `Makefile`",
        "`make -n` of every target, each command through `docker-compose config -q`",
    ),
    "rollback-script": Consumer(
        "bash, on the host", "`shellcheck`; run with a fake `docker` that records its calls"
    ),
    "rollback-migration-script": Consumer(
        "bash, on the host", "`shellcheck`; run with a fake `docker` that records its calls"
    ),
    "pull-request-workflow": Consumer(
        "GitHub Actions", "`actionlint` with `shellcheck`, `check-jsonschema`"
    ),
    "deploy-workflow": Consumer(
        "GitHub Actions",
        "`actionlint` with `shellcheck`, `check-jsonschema`; its scripts run with fake "
        "`ssh`, `scp` and `curl`",
    ),
    "preview-workflow": Consumer(
        "GitHub Actions",
        "`actionlint` with `shellcheck`, `check-jsonschema`; its scripts run with fake "
        "`ssh`, `scp`, `docker`, `curl` and `openssl`",
    ),
    "kubernetes": Consumer(
        "`kubectl apply -k` (Kustomize), on a cluster",
        "`kubernetes-validate --strict` (a warning fails), a NetworkPolicy graph of who "
        "reaches whom",
    ),
    "schema": Consumer(
        "editors (the YAML language server)",
        "`check-jsonschema` on every spec, and on broken ones it must refuse",
    ),
}

# An environment as a file name sees it: the placeholders the reference shows.
_ENVIRONMENT: Any = SimpleNamespace(
    name="<name>", file_suffix="<suffix>", variables_file="<variables_file>"
)


def _settings(**changed: str) -> Settings:
    paths = {key: PurePosixPath(changed.get(key, value)) for key, value in DEFAULTS.items()}
    return Settings(root=Path("."), **paths)  # type: ignore[arg-type]


def destination(output: Output, settings: Settings) -> str:
    env = _ENVIRONMENT if output.per_environment else None
    return str(output.destination(settings, env))


def setting_of(output: Output) -> str:
    """The `[tool.envgen]` key that moves the output: the one whose change moves it."""
    default = destination(output, _settings())
    moved = [
        key for key in DEFAULTS if destination(output, _settings(**{key: "moved/x"})) != default
    ]
    return ", ".join(f"`{key}`" for key in moved) or "none (the spec's `variables_file`)"


INTRO = """\
# Generated files

Each generated file is one output in envgen's registry (`envgen/outputs/registry.py`),
rendered from the default template shipped in the package or from the project's
`templates/` file of that name, and handed in the tests to the program that reads it in
real use. A name in `disabled` of `[tool.envgen]` switches an output off. Paths are the
defaults; `<suffix>` is an environment's file suffix (`prod` for production).

This page is generated from the output registry (`python -m envgen.docs_reference`); a test
fails when it is out of date.
"""


def page() -> str:
    out = [
        INTRO,
        "| output | file (default) | setting | template | one per | read by "
        "| judged in the tests by |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for output in OUTPUTS:
        consumer = CONSUMERS[output.name]
        template = (
            f"`{output.template}`"
            if output.project_text is None
            else "none: written from the models"
        )
        out.append(
            f"| `{output.name}` | `{destination(output, _settings())}` | {setting_of(output)} "
            f"| {template} | {'environment' if output.per_environment else 'project'} "
            f"| {consumer.read_by} | {consumer.judged_by} |"
        )
    return "\n".join(out) + "\n"
