"""Each rule judges what Compose resolves, in every spelling Compose takes: one case per
row of the rules-by-spelling page, generated from what the rules say they read
(`Rule.reads`) and the spellings of each concept (envgen.policies.meaning.catalogue). A
new rule, concept or spelling without an expected verdict here fails; so does a stale
page (ENVGEN_UPDATE_GOLDEN=1 rewrites it)."""

from __future__ import annotations

import json
import os
import shlex
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.policies import RULES
from envgen.policies.meaning import modes
from envgen.policies.meaning.catalogue import CONCEPTS
from envgen.policies.meaning.spelling import Concept
from envgen.problems import Problem

from tests.conftest import lint_markdown
from tests.policy_project import Patch, findings, patched

PAGE = Path(__file__).parent.parent / "docs" / "reference" / "rules-by-spelling.md"

# base.yaml's api and postgres without one key each, for the rules that want it set.
_API_TAIL = (
    "    healthcheck:\n      test: [CMD, check]\n    restart: unless-stopped\n    memory: 256m\n"
    "  postgres:"
)
NO_MEMORY: Patch = ("base.yaml", _API_TAIL, _API_TAIL.replace("    memory: 256m\n", ""))
NO_RESTART: Patch = ("base.yaml", _API_TAIL, _API_TAIL.replace("    restart: unless-stopped\n", ""))
NO_HEALTHCHECK: Patch = (
    "base.yaml",
    _API_TAIL,
    _API_TAIL.replace("    healthcheck:\n      test: [CMD, check]\n", ""),
)
_DATA = (
    "  postgres:\n    image: postgres:16\n    volumes:\n      - dbdata:/var/lib/postgresql/data\n"
)
NO_DATA_VOLUME: Patch = ("base.yaml", _DATA, "  postgres:\n    image: postgres:16\n")
_TEST_DATA = (
    "    volumes: []\n    tmpfs:\n      - target: /var/lib/postgresql/data\n        size: 64m\n"
)
NO_TEST_DATA: Patch = ("test.yaml", _TEST_DATA, "")
STAGING_PORT: Patch = (
    "staging.yaml",
    None,
    "services:\n  api:\n    ports: ['127.0.0.1:8001:8001']\n",
)
BOUND_VOLUME: Patch = (
    "production.yaml",
    None,
    "volumes:\n  code:\n    driver: local\n    driver_opts: {type: none, o: bind, device: ./api}\n",
)
LOADER: Patch = (
    "staging.yaml",
    None,
    "services:\n  loader:\n    image: example/api:1\n    seed: true\n    profiles: [seed]\n",
)
MIGRATOR: Patch = (
    "production.yaml",
    None,
    "services:\n  migrator:\n    image: example/api:1\n    job: migration\n    memory: 64m\n",
)
NO_TEST_PORTS: Patch = ("test.yaml", "    ports:\n      - 15432:5432\n", "")


def _by_mode(mode: modes.Mode) -> Callable[[int], bool]:
    return lambda index: modes.MARKERS[index].mode == mode


Expected = bool | Callable[[int], bool]


class Case:
    """Where a rule's concept is planted (spec file, service), what is set up first,
    which environment's findings are judged, the words that fill the placeholders of
    a generic concept, and the verdict: with the spelling, and without it."""

    def __init__(
        self,
        spec: str,
        service: str,
        expected: Expected,
        baseline: bool,
        *,
        setup: tuple[Patch, ...] = (),
        judged: str | None = None,
        name: str = "SITE_URL",
        value: str = "https://shop.example.com",
        command: str = "curl https://shop.example.com",
    ) -> None:
        self.spec, self.service, self.expected, self.baseline = spec, service, expected, baseline
        self.setup, self.judged = list(setup), judged or spec.removesuffix(".yaml")
        self.words = {"$NAME": name, "$VALUE": value, "$COMMAND": command}


PRODUCTION_API = ("production.yaml", "api")
CASES: dict[tuple[str, str], Case] = {
    ("PRD001", "memory limit"): Case(*PRODUCTION_API, False, True, setup=(NO_MEMORY,)),
    ("BUD001", "memory limit"): Case(*PRODUCTION_API, True, False, setup=(NO_MEMORY,)),
    ("BUD001", "memory reservation"): Case(*PRODUCTION_API, True, False),
    ("BUD001", "RAM disk"): Case(*PRODUCTION_API, True, False),
    # Without a limit, PRD001 speaks for the service in production (the narrower rule).
    ("BUD002", "memory limit"): Case(*PRODUCTION_API, False, False, setup=(NO_MEMORY,)),
    ("BUD002", "RAM disk"): Case(*PRODUCTION_API, False, False),
    ("PRD002", "restart policy"): Case(*PRODUCTION_API, False, True, setup=(NO_RESTART,)),
    ("PRD002", "no restart policy"): Case(*PRODUCTION_API, True, False),
    ("PRD003", "health check"): Case(*PRODUCTION_API, False, True, setup=(NO_HEALTHCHECK,)),
    ("PRD003", "health check turned off"): Case(*PRODUCTION_API, True, False),
    ("PRD004", "published port"): Case(*PRODUCTION_API, True, False),
    ("SEG011", "published port"): Case(
        *PRODUCTION_API, True, False, setup=(STAGING_PORT,), judged="staging"
    ),
    ("TST004", "published port"): Case(
        "test.yaml", "postgres", True, False, setup=(NO_TEST_PORTS,)
    ),
    ("PRD005", "bind mount"): Case(*PRODUCTION_API, True, False, setup=(BOUND_VOLUME,)),
    ("PRD009", "volume mount"): Case(
        "production.yaml", "postgres", False, True, setup=(NO_DATA_VOLUME,)
    ),
    ("PRD009", "RAM disk"): Case(
        "production.yaml", "postgres", True, True, setup=(NO_DATA_VOLUME,)
    ),
    ("TST001", "volume mount"): Case(
        "test.yaml", "postgres", True, True, setup=(NO_DATA_VOLUME, NO_TEST_DATA)
    ),
    ("TST001", "RAM disk"): Case(
        "test.yaml", "postgres", False, True, setup=(NO_DATA_VOLUME, NO_TEST_DATA)
    ),
    ("SEG013", "env file"): Case("staging.yaml", "api", True, False),
    ("SEG012", "environment variable"): Case("local.yaml", "api", True, False),
    ("SEG012", "command"): Case("local.yaml", "api", True, False),
    ("PRD006", "command"): Case(*PRODUCTION_API, True, False, command="uvicorn app:app --reload"),
    ("PRD006", "development command"): Case(*PRODUCTION_API, _by_mode("reload"), False),
    ("PRD008", "environment variable"): Case(*PRODUCTION_API, True, False, name="DEBUG", value="1"),
    ("PRD008", "development switch"): Case(*PRODUCTION_API, True, False),
    ("PRD008", "command"): Case(*PRODUCTION_API, True, False, command="node --inspect server.js"),
    ("PRD008", "development command"): Case(*PRODUCTION_API, _by_mode("debug"), False),
    ("JOB002", "restart policy"): Case("staging.yaml", "loader", True, False, setup=(LOADER,)),
    ("JOB003", "restart policy"): Case(
        "production.yaml", "migrator", True, False, setup=(MIGRATOR,)
    ),
}

ROWS = [
    (rule.id, concept, index)
    for rule in RULES.values()
    for concept in rule.reads
    for index in range(len(CONCEPTS[concept].spellings))
]


def _filled(value: Any, words: dict[str, str]) -> Any:
    """The example with its placeholders filled: `$WORDS` in a list is the command's words."""
    if isinstance(value, dict):
        return {_filled(k, words): _filled(v, words) for k, v in value.items()}
    if isinstance(value, list):
        if value == ["$WORDS"]:
            return shlex.split(words["$COMMAND"])
        return [_filled(item, words) for item in value]
    if isinstance(value, str):
        for placeholder, text in words.items():
            value = value.replace(placeholder, text)
    return value


def _planted(case: Case, fragment: dict[str, Any] | None) -> dict[str, str]:
    files = patched(case.setup)
    files[".env.production"] = ""  # an env_file that must exist
    if fragment is None:
        return files
    text = yaml.safe_dump(_filled(fragment, case.words), sort_keys=False, width=1000)
    block = "".join(f"    {line}\n" for line in text.splitlines())
    path = f"environments/{case.spec}"
    key = f"  {case.service}:\n"
    if key in files[path]:
        files[path] = files[path].replace(key, key + block, 1)
    else:
        files[path] += f"services:\n{key}{block}"
    return files


def _verdict(problems: list[Problem], rule: str, case: Case) -> bool:
    """Whether the rule finds something on the service (or, for a rule on the whole
    environment, anywhere in it) in the judged environment."""
    own = f"services.{case.service}"
    return any(
        p.rule == rule
        and case.judged in p.environment.split(", ")
        and p.severity != "silenced"
        and (not p.field.startswith("services.") or p.field == own or p.field.startswith(f"{own}."))
        for p in problems
    )


@pytest.mark.parametrize(
    ("rule", "concept", "index"), ROWS, ids=[f"{r}-{c}-{i}" for r, c, i in ROWS]
)
def test_every_spelling_gets_the_same_verdict(
    tmp_path: Path, rule: str, concept: str, index: int
) -> None:
    case = CASES[(rule, concept)]
    spelling = CONCEPTS[concept].spellings[index]
    expected = case.expected(index) if callable(case.expected) else case.expected
    problems = findings(tmp_path, _planted(case, dict(spelling.example)))
    shown = [str(p) for p in problems]
    assert _verdict(problems, rule, case) is expected, (spelling.key, shown)


@pytest.mark.parametrize(("rule", "concept"), list(CASES), ids=[f"{r}-{c}" for r, c in CASES])
def test_the_verdict_without_the_concept(tmp_path: Path, rule: str, concept: str) -> None:
    """The setup alone: what the spellings change (or, for a concept that means none,
    what they agree with)."""
    case = CASES[(rule, concept)]
    problems = findings(tmp_path, _planted(case, None))
    assert _verdict(problems, rule, case) is case.baseline, [str(p) for p in problems]


def test_every_case_is_a_row() -> None:
    """No case here for a concept a rule no longer reads."""
    assert set(CASES) == {(rule, concept) for rule, concept, _ in ROWS}


@pytest.mark.parametrize(
    "switch", modes.SWITCHES, ids=[f"{s.stack}-{s.example[0]}" for s in modes.SWITCHES]
)
def test_a_switch_and_its_near_miss(tmp_path: Path, switch: modes.Switch) -> None:
    for (name, value), flagged in ((switch.example, True), (switch.near_miss, False)):
        case = Case(*PRODUCTION_API, flagged, False)
        problems = findings(tmp_path, _planted(case, {"environment": {name: value}}))
        assert _verdict(problems, "PRD008", case) is flagged, (
            name,
            value,
            [str(p) for p in problems],
        )


@pytest.mark.parametrize("marker", modes.MARKERS, ids=[m.example for m in modes.MARKERS])
def test_a_command_and_its_near_miss(tmp_path: Path, marker: modes.Marker) -> None:
    rule = {"reload": "PRD006", "debug": "PRD008"}[marker.mode]
    for command, flagged in ((marker.example, True), (marker.near_miss, False)):
        case = Case(*PRODUCTION_API, flagged, False)
        problems = findings(tmp_path, _planted(case, {"command": command}))
        assert _verdict(problems, rule, case) is flagged, (command, [str(p) for p in problems])


def _example(concept: Concept, index: int) -> str:
    return json.dumps(concept.spellings[index].example, ensure_ascii=False)


def page() -> str:
    """The rules-by-spelling page, from the rules and the concepts they read."""
    lines = [
        "# Rules by spelling",
        "",
        "<!-- Generated from the rules (`Rule.reads`) and envgen.policies.meaning: do not edit;",
        "ENVGEN_UPDATE_GOLDEN=1 pytest tests/test_rules_by_spelling.py rewrites it. -->",
        "",
        "A rule judges what Compose will run, whichever key the spec writes it under: a",
        "memory limit is a memory limit as `memory`, `mem_limit` or",
        "`deploy.resources.limits.memory`. Each rule below reads the concepts listed beside",
        "it, and each concept is read in every spelling listed under it. Every row is a test",
        "(tests/test_rules_by_spelling.py) that writes the value in that spelling and",
        "expects the same verdict.",
        "",
        "## Rules",
        "",
        "| rule | what it demands | concepts it reads |",
        "| --- | --- | --- |",
    ]
    for rule in RULES.values():
        if rule.reads:
            reads = ", ".join(f"[{c}](#{c.lower().replace(' ', '-')})" for c in rule.reads)
            lines.append(f"| {rule.id} | {rule.title} | {reads} |")
    for concept in CONCEPTS.values():
        readers = [rule.id for rule in RULES.values() if concept.name in rule.reads]
        lines += ["", f"## {concept.name}", ""]
        lines.append(f"Read by: {', '.join(readers) if readers else 'no rule yet'}.")
        if concept.note:
            lines += ["", textwrap.fill(concept.note, 88, break_on_hyphens=False)]
        lines += ["", "| spelling | meaning | example (a service's keys) |", "| --- | --- | --- |"]
        for index, spelling in enumerate(concept.spellings):
            example = _example(concept, index).replace("|", "\\|")
            lines.append(f"| `{spelling.key}` | {spelling.meaning} | `{example}` |")
    return "\n".join(lines) + "\n"


def test_the_page_is_current() -> None:
    text = page()
    if os.environ.get("ENVGEN_UPDATE_GOLDEN") == "1":
        PAGE.parent.mkdir(parents=True, exist_ok=True)
        PAGE.write_text(text, encoding="utf-8")
    assert lint_markdown(text) == []
    assert PAGE.read_text(encoding="utf-8") == text, (
        "run ENVGEN_UPDATE_GOLDEN=1 pytest on this file"
    )
