"""examples/reference-app re-expresses the reference application's own compose files
(tests/import_corpus/saq-sommelier): Compose reads each rendered file as it reads the real
files of that environment, except at the spec lines that say why they differ.

The form of such a line's comment (docs/reference/compose-vocabulary.md):
`# differs from the real files: <ID>, <why>`, where ID is a rule id that `envgen rules`
lists, or MODEL for what envgen's model itself does. It claims every key of Compose's
model under the line's key, in the environment of its file (every environment for
`base.yaml`). An uncommented difference fails; so does a comment where Compose finds none.

Nothing is normalized: the real files are copied to the root of a copy of the example,
where the real project keeps them beside its code, so absolute paths (build contexts, bind
sources, env files) name the same folders; the example keeps the real project name,
`coupette`. Both sides are read without interpolation, so `${DB_PASSWORD}` and
`${IMAGE_TAG:?...}` compare as written rather than as whatever values a test gives them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.policies import RULES

from tests.compose_cli import BINARY, compose, required_variables
from tests.conftest import REPO, Run

EXAMPLE = REPO / "examples" / "reference-app"
REAL = REPO / "tests" / "import_corpus" / "saq-sommelier"
DOCS = REPO / "docs" / "reference" / "compose-vocabulary.md"
# Each environment as the real project starts it: `-f` files, in Compose's order.
ENVIRONMENTS = {
    "dev": ("docker-compose.yml", "docker-compose.dev.yml"),
    "prod": ("docker-compose.yml", "docker-compose.prod.yml"),
}
PHRASE = "differs from the real files"
MARK = re.compile(rf"#\s*{PHRASE}: (?P<id>[A-Z]+[0-9]*), (?P<why>\S.*)$")
MODEL = "MODEL"  # a difference envgen's model makes, not a rule's
ABSENT = "(absent)"


@dataclass(frozen=True)
class Claim:
    """One commented spec line: where, which key of Compose's model, in which
    environments, by which rule, and why."""

    where: str
    path: str
    environments: tuple[str, ...]
    rule: str
    why: str

    def covers(self, environment: str, path: str) -> bool:
        return environment in self.environments and (
            path == self.path or path.startswith(self.path + ".")
        )


def _model(folder: Path, *files: str) -> Any:
    """Compose's model of `files` (read from `folder`), before interpolation."""
    command = [BINARY]
    for file in files:
        command += ["-f", file]
    command += ["config", "--format", "json", "--no-interpolate"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder)},
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _leaves(real: Any, rendered: Any, path: str, found: dict[str, tuple[Any, Any]]) -> None:
    """Every leaf key where the two models differ, mappings and lists walked down (a
    missing side walked as absent), so a difference has the narrowest path Compose gives."""
    if isinstance(real, dict | list) or isinstance(rendered, dict | list):
        shape = real if isinstance(real, dict | list) else rendered
        if (real is ABSENT or type(real) is type(shape)) and (
            rendered is ABSENT or type(rendered) is type(shape)
        ):
            if isinstance(shape, dict):
                keys: list[Any] = sorted(set(_keys(real)) | set(_keys(rendered)))
            else:
                keys = list(range(max(len(_items(real)), len(_items(rendered)))))
            for key in keys:
                child = f"{path}.{key}" if path else str(key)
                _leaves(_at(real, key), _at(rendered, key), child, found)
            return
    if real != rendered:
        found[path] = (real, rendered)


def _keys(value: Any) -> list[Any]:
    return list(value) if isinstance(value, dict) else []


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _at(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        return value.get(key, ABSENT)
    if isinstance(value, list) and key < len(value):
        return value[key]
    return ABSENT


def differences(folder: Path) -> dict[str, dict[str, tuple[Any, Any]]]:
    """For each environment: every key of Compose's model where the rendered file and the
    real files differ, with (real, rendered)."""
    found: dict[str, dict[str, tuple[Any, Any]]] = {}
    for environment, files in ENVIRONMENTS.items():
        real = _model(folder, *files)
        rendered = _model(folder, f"rendered/docker-compose.{environment}.yml")
        found[environment] = {}
        _leaves(real, rendered, "", found[environment])
    return found


def _lines(node: yaml.Node, path: str, found: dict[int, str]) -> None:
    """The key path of each line of a spec: a mapping key's line, a list item's line
    (an outer key before the keys inside it)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            found.setdefault(key.start_mark.line + 1, child)
            _lines(value, child, found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}.{index}"
            found.setdefault(item.start_mark.line + 1, child)
            _lines(item, child, found)


# envgen's own words for Compose keys (docs/reference/additions.md): a comment on such a
# line claims the key Compose reads.
_COMPOSE_WORDS = (
    (re.compile(r"^(services\.[^.]+)\.memory$"), r"\1.deploy.resources.limits.memory"),
    (re.compile(r"^(services\.[^.]+)\.cpus$"), r"\1.deploy.resources.limits.cpus"),
    (re.compile(r"^(services\.[^.]+)\.no_new_privileges$"), r"\1.security_opt"),
    (re.compile(r"^(services\.[^.]+\.logging)\.max_size$"), r"\1.options.max-size"),
    (re.compile(r"^(services\.[^.]+\.logging)\.max_file$"), r"\1.options.max-file"),
)


def _compose_path(spec_path: str) -> str:
    for pattern, replacement in _COMPOSE_WORDS:
        if pattern.match(spec_path):
            return pattern.sub(replacement, spec_path)
    return spec_path


def claims(folder: Path) -> tuple[list[Claim], list[str]]:
    """The commented lines of the specs, and a problem for each comment that names the
    phrase but not in the form."""
    found: list[Claim] = []
    problems: list[str] = []
    for spec in sorted((folder / "environments").glob("*.yaml")):
        text = spec.read_text(encoding="utf-8")
        keys: dict[int, str] = {}
        document = yaml.compose(text)
        assert document is not None, spec
        _lines(document, "", keys)
        environment = spec.stem
        scope = tuple(ENVIRONMENTS) if environment == "base" else (environment,)
        for number, line in enumerate(text.splitlines(), 1):
            if PHRASE not in line or line.lstrip().startswith("#"):
                continue
            where = f"environments/{spec.name}:{number}"
            mark = MARK.search(line)
            if mark is None or number not in keys:
                problems.append(f"{where}: not `# {PHRASE}: <RULE or {MODEL}>, <why>` on a key")
                continue
            if mark["id"] != MODEL and mark["id"] not in RULES:
                problems.append(f"{where}: `{mark['id']}` is neither a rule nor {MODEL}")
            path = _compose_path(keys[number])
            found.append(Claim(where, path, scope, mark["id"], mark["why"]))
    return found, problems


def verdict(folder: Path) -> list[str]:
    """Each difference no line claims, and each claim Compose finds no difference for."""
    found = differences(folder)
    claimed, problems = claims(folder)
    for environment, keys in found.items():
        for path, (real, rendered) in keys.items():
            if not any(claim.covers(environment, path) for claim in claimed):
                problems.append(
                    f"{environment}: {path}: {real!r} in the real files, {rendered!r} "
                    "rendered, and no spec line says why"
                )
    for claim in claimed:
        for environment in claim.environments:
            if not any(claim.covers(environment, path) for path in found[environment]):
                problems.append(
                    f"{claim.where}: {environment}: {claim.path}: the comment says it differs "
                    "from the real files; Compose finds it the same"
                )
    return problems


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example with the real files at its root, as in the real project; the
    env files are the example's committed stand-ins (empty: the real ones hold secrets)."""
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE, folder)
    for name in ENVIRONMENTS["dev"] + ENVIRONMENTS["prod"]:
        shutil.copyfile(REAL / name, folder / name)
    for name in (".env", ".env.prod"):
        assert (folder / name).read_text(encoding="utf-8").strip().startswith("#")
    return folder


def _render(run: Run, folder: Path) -> None:
    result = run("--root", folder, "render")
    assert result.exit_code == 0, result.output


def _edit(folder: Path, spec: str, old: str, new: str) -> None:
    path = folder / "environments" / spec
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line(folder: Path, spec: str, words: str) -> int:
    """The number of the one line of `spec` that holds `words`."""
    text = (folder / "environments" / spec).read_text(encoding="utf-8")
    found = [n for n, line in enumerate(text.splitlines(), 1) if words in line]
    assert len(found) == 1, found
    return found[0]


PGDATA = "  pgdata: {}  # differs from the real files: MODEL, "


def test_the_committed_output_matches_the_specs(run: Run) -> None:
    result = run("--root", EXAMPLE, "check")
    assert (result.exit_code, result.output) == (0, "all 8 generated files are up to date\n")


def test_the_example_differs_from_the_real_files_only_where_a_line_says_why(
    project: Path, run: Run
) -> None:
    _render(run, project)
    assert verdict(project) == []
    claimed, _ = claims(project)
    assert [(c.environments, c.path, c.rule) for c in claimed] == [
        (("prod",), "volumes.pgdata", MODEL)
    ]


def test_the_docs_list_each_difference_with_its_rule(project: Path) -> None:
    claimed, _ = claims(project)
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("| environment | Compose key | rule | why |\n| --- | --- | --- | --- |\n")[1]
    rows = re.findall(
        r"^\| (\w+) \| `([^`]+)` \| `([^`]+)` \| [^|]+ \|$", table.split("\n\n")[0], re.M
    )
    assert rows == [(", ".join(c.environments), c.path, c.rule) for c in claimed]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            ("prod.yaml", 'mem_limit: "512m"\n  bot:', 'mem_limit: "1g"\n  bot:'),
            ["prod: services.backend.mem_limit: '512m' in the real files, '1g' rendered"],
            id="a production value changed",
        ),
        pytest.param(
            ("dev.yaml", '      - "--reload"\n', ""),
            [
                "dev: services.backend.command.2: '--reload' in the real files, '--host' rendered",
                "dev: services.backend.command.3: '--host' in the real files, '0.0.0.0' rendered",
                "dev: services.backend.command.4: '0.0.0.0' in the real files, '--port' rendered",
                "dev: services.backend.command.5: '--port' in the real files, '8001' rendered",
                "dev: services.backend.command.6: '8001' in the real files, '(absent)' rendered",
            ],
            id="the dev hot reload lost",
        ),
        pytest.param(
            ("base.yaml", '      - "/tmp:noexec,nosuid,size=64m"', '      - "/tmp:size=64m"'),
            [
                f"{env}: services.backend.tmpfs.0: '/tmp:noexec,nosuid,size=64m' in the real "
                "files, '/tmp:size=64m' rendered"
                for env in ("dev", "prod")
            ],
            id="a tmpfs option lost, in both environments",
        ),
        pytest.param(
            ("dev.yaml", "    image: redis:8-bookworm", "    image: redis:7.4"),
            [
                "dev: services.redis.image: 'redis:8-bookworm' in the real files, "
                "'redis:7.4' rendered"
            ],
            id="an invented image",
        ),
        pytest.param(
            (
                "prod.yaml",
                '    restart: unless-stopped\n    mem_limit: "256m"',
                "    restart: unless-stopped\n    environment:\n      TELEGRAM_BOT_TOKEN: "
                '${TELEGRAM_BOT_TOKEN}\n    mem_limit: "256m"',
            ),
            [
                "prod: services.bot.environment.TELEGRAM_BOT_TOKEN: '(absent)' in the real "
                "files, '${{TELEGRAM_BOT_TOKEN}}' rendered"
            ],
            id="an invented variable",
        ),
        pytest.param(
            (
                "prod.yaml",
                "    image: ghcr.io/vpatrin/coupette-backend\n    restart:",
                "    image: ghcr.io/vpatrin/coupette-backend\n    shm_size: 256m\n    restart:",
            ),
            ["prod: services.backend.shm_size: '(absent)' in the real files, '256m' rendered"],
            id="an invented key",
        ),
        pytest.param(
            (
                "prod.yaml",
                '      - ".env.prod"\n    image: ghcr.io/vpatrin/coupette-bot',
                '      - ".env.example"\n    image: ghcr.io/vpatrin/coupette-bot',
            ),
            [
                "prod: services.bot.env_file.0.path: '{folder}/.env.prod' in the real files, "
                "'{folder}/.env.example' rendered"
            ],
            id="an env file renamed",
        ),
        pytest.param(
            ("dev.yaml", "      - SETUID\n      - SETGID\n", "      - SETGID\n      - SETUID\n"),
            [
                "dev: services.postgres.cap_add.0: 'SETUID' in the real files, 'SETGID' rendered",
                "dev: services.postgres.cap_add.1: 'SETGID' in the real files, 'SETUID' rendered",
            ],
            id="the capabilities reordered",
        ),
    ],
)
def test_an_uncommented_change_is_caught(
    project: Path, run: Run, change: tuple[str, str, str], expected: list[str]
) -> None:
    _edit(project, *change)
    _render(run, project)
    assert verdict(project) == [
        f"{line.format(folder=project)}, and no spec line says why" for line in expected
    ]


def test_the_same_change_with_its_comment_passes(project: Path, run: Run) -> None:
    _edit(
        project,
        "prod.yaml",
        'mem_limit: "512m"\n  bot:',
        'mem_limit: "1g"  # differs from the real files: BUD001, a test\n  bot:',
    )
    _render(run, project)
    assert verdict(project) == []


def test_a_comment_where_nothing_differs_is_caught(project: Path, run: Run) -> None:
    _edit(
        project,
        "prod.yaml",
        'mem_limit: "256m"\n  scraper:',
        'mem_limit: "256m"  # differs from the real files: PRD001, stale\n  scraper:',
    )
    _render(run, project)
    line = _line(project, "prod.yaml", "PRD001, stale")
    assert verdict(project) == [
        f"environments/prod.yaml:{line}: prod: services.bot.mem_limit: the comment says it "
        "differs from the real files; Compose finds it the same"
    ]


def test_a_comment_in_base_yaml_claims_every_environment(project: Path, run: Run) -> None:
    """A prod-only difference claimed in base.yaml is stale in dev: the comment belongs in
    prod.yaml."""
    _edit(project, "prod.yaml", PGDATA, "  pgdata: {}  # ")
    _edit(
        project,
        "base.yaml",
        "networks:\n  internal:\n",
        "volumes:  # differs from the real files: MODEL, a test\n"
        "  pgdata: {}\nnetworks:\n  internal:\n",
    )
    _render(run, project)
    line = _line(project, "base.yaml", "MODEL, a test")
    assert verdict(project) == [
        f"environments/base.yaml:{line}: dev: volumes: the comment says it differs from the "
        "real files; Compose finds it the same"
    ]


@pytest.mark.parametrize(
    ("comment", "problem"),
    [
        ("# differs from the real files: XYZ999, a test", "`XYZ999` is neither a rule nor MODEL"),
        (
            "# differs from the real files PRD001 no comma",
            "not `# differs from the real files: <RULE or MODEL>, <why>` on a key",
        ),
        (
            "# differs from the real files: PRD001,",
            "not `# differs from the real files: <RULE or MODEL>, <why>` on a key",
        ),
    ],
)
def test_a_comment_not_in_the_form_is_caught(project: Path, comment: str, problem: str) -> None:
    _edit(project, "prod.yaml", PGDATA, f"  pgdata: {{}}  {comment}  # ")
    _, problems = claims(project)
    assert problems == [
        f"environments/prod.yaml:{_line(project, 'prod.yaml', 'pgdata')}: {problem}"
    ]


def test_prod_refuses_to_start_without_an_image_tag() -> None:
    """As the real prod file does: `${IMAGE_TAG:?Set IMAGE_TAG (e.g. v1.3.0)}`."""
    path = EXAMPLE / "rendered" / "docker-compose.prod.yml"
    needed = dict.fromkeys(required_variables(path.read_text(encoding="utf-8")), "x")
    assert needed == {"IMAGE_TAG": "x"}
    del needed["IMAGE_TAG"]
    result = compose(path, "config", "-q", variables=needed)
    assert result.returncode != 0
    assert "Set IMAGE_TAG (e.g. v1.3.0)" in result.stderr


def test_a_comment_on_envgens_own_word_claims_the_key_compose_reads(
    project: Path, run: Run
) -> None:
    """`memory` is rendered as `deploy.resources.limits.memory`: its comment claims that
    key, and not the real files' `mem_limit`, which the spelling drops."""
    _edit(
        project,
        "prod.yaml",
        'mem_limit: "512m"\n  migrate:',
        "memory: 512m  # differs from the real files: PRD001, a test\n  migrate:",
    )
    _render(run, project)
    assert verdict(project) == [
        "prod: services.scraper.mem_limit: '512m' in the real files, '(absent)' rendered, "
        "and no spec line says why"
    ]
