"""Silences: for a whole environment, scoped to a service or a field path, and inline on a
spec line; each with a reason, each reported when it matches nothing."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pydantic
import pytest
from envgen.model.declared.silences import Silence, path_matches
from envgen.outputs.schema import spec_schema
from envgen.reading.inline_silences import inline_silences
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from tests.conftest import Run, write_tree
from tests.policy_project import Patch, findings, patched

Q = '"'
EMPTY_REASON = 'reason: " "'


def _at(files: dict[str, str], name: str, needle: str, column_at: str) -> str:
    """`environments/NAME:LINE:COLUMN` of `column_at` on the one line holding `needle`."""
    lines = files[f"environments/{name}"].split("\n")
    found = [n for n, line in enumerate(lines, start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return f"environments/{name}:{found[0]}:{lines[found[0] - 1].index(column_at) + 1}"


def _lines(tmp_path: Path, patches: list[Patch]) -> tuple[dict[str, str], list[str]]:
    files = patched(patches)
    return files, [str(p) for p in findings(tmp_path, files)]


# Production's api publishes 443 and 80 on every interface (an edge), postgres 5432 too.
PUBLISHED = (
    "services:\n"
    "  api:\n"
    "    ports:\n"
    '      - "0.0.0.0:443:443"\n'
    '      - "0.0.0.0:80:80"\n'
    "  postgres:\n"
    "    ports:\n"
    '      - "0.0.0.0:5432:5432"\n'
)
POSTGRES = (
    "services.postgres.ports.0: host port 5432 is published on 0.0.0.0; publish on "
    "127.0.0.1 and let the proxy in front (write the address, as in `127.0.0.1:8001:8001`, "
    "or drop the port)"
)


def _scoped(*scope: str) -> str:
    return "silence:\n  PRD004:\n" + "".join(scope)


def test_a_scoped_silence_covers_its_service_and_path_only(tmp_path: Path) -> None:
    scope = (
        "    - service: api\n"
        "      path: services.api.ports\n"
        "      reason: the edge publishes 80 and 443\n"
    )
    files, lines = _lines(tmp_path, [("production.yaml", None, _scoped(scope) + PUBLISHED)])
    port_443 = _at(files, "production.yaml", '"0.0.0.0:443', '"')
    port_80 = _at(files, "production.yaml", '"0.0.0.0:80:', '"')
    assert lines == [
        f"{_at(files, 'production.yaml', '- service: api', 'service')}: PRD004 silenced: "
        "silence.PRD004.0: the edge publishes 80 and 443 (silences services.api.ports.0 at "
        f"{port_443}; services.api.ports.1 at {port_80})",
        f"{_at(files, 'production.yaml', '0.0.0.0:5432', Q)}: PRD004 error: {POSTGRES}",
    ]


@pytest.mark.parametrize(
    ("scope", "covers_443", "unused"),
    [
        ("    - service: api\n      reason: r\n", True, False),  # the whole service
        ("    - path: services.api\n      reason: r\n", True, False),  # a prefix at a dot
        ("    - path: services.api.ports.1\n      reason: r\n", False, False),  # 80 only
        ("    - path: services.ap\n      reason: r\n", False, True),  # not at a dot
        ("    - path: services.api.port\n      reason: r\n", False, True),  # near miss
        ("    - service: postgres\n      path: services.api.ports\n      reason: r\n", False, True),
    ],
)
def test_scope_boundaries(tmp_path: Path, scope: str, covers_443: bool, unused: bool) -> None:
    files, lines = _lines(tmp_path, [("production.yaml", None, _scoped(scope) + PUBLISHED)])
    errors = [line for line in lines if " PRD004 error: services.api.ports.0:" in line]
    assert bool(errors) is not covers_443
    # A scope that covers nothing is itself reported, at its own line.
    reported = [line for line in lines if "finds nothing" in line]
    first = scope.split("\n", maxsplit=1)[0]
    assert bool(reported) is unused
    assert all(
        line.startswith(_at(files, "production.yaml", first, first.strip().removeprefix("- ")))
        for line in reported
    )


def test_path_prefix_stops_at_dots() -> None:
    assert path_matches("services.proxy.ports", "services.proxy.ports")
    assert path_matches("services.proxy.ports", "services.proxy.ports.0")
    assert path_matches("services.proxy.ports", "services.proxy.ports.0.published")
    assert not path_matches("services.proxy.ports", "services.proxy.ports_extra")
    assert not path_matches("services.proxy.ports", "services.proxy.port")
    assert not path_matches("services.proxy.ports.0", "services.proxy.ports.01")


def test_an_unused_scope_is_reported_with_a_did_you_mean(tmp_path: Path) -> None:
    scope = "    - service: apx\n      reason: the edge\n"
    files, lines = _lines(tmp_path, [("production.yaml", None, _scoped(scope))])
    assert lines == [
        f"{_at(files, 'production.yaml', '- service: apx', 'service')}: silence.PRD004.0: "
        "`PRD004` finds nothing in production for service `apx` (production has no service "
        "`apx`; did you mean `api`?)"
    ]


def test_a_scope_needs_a_reason(tmp_path: Path) -> None:
    scope = '    - service: api\n      reason: " "\n'
    files, lines = _lines(tmp_path, [("production.yaml", None, _scoped(scope) + PUBLISHED)])
    assert lines == [
        f"{_at(files, 'production.yaml', EMPTY_REASON, Q)}: silence.PRD004.0.reason: "
        "write why the rule does not apply here; a reviewer reads it"
    ]


def test_a_silence_of_another_form_is_one_problem(tmp_path: Path) -> None:
    files, lines = _lines(tmp_path, [("production.yaml", None, "silence:\n  PRD004: 5\n")])
    assert lines == [
        f"{_at(files, 'production.yaml', 'PRD004: 5', '5')}: silence.PRD004: expected a "
        "string, got `5`"
    ]


INLINE = (
    "services:\n"
    "  api:\n"
    "    ports:\n"
    '      - "0.0.0.0:443:443"  # envgen: silence PRD004 the edge proxy publishes 443\n'
    '      - "0.0.0.0:80:80"\n'
)


def test_an_inline_silence_covers_its_line_only(tmp_path: Path) -> None:
    files, lines = _lines(tmp_path, [("production.yaml", None, INLINE)])
    port_443 = _at(files, "production.yaml", '"0.0.0.0:443', '"')
    assert lines == [
        f"{_at(files, 'production.yaml', '0.0.0.0:443', '#')}: PRD004 silenced: the edge proxy "
        f"publishes 443 (silences services.api.ports.0 at {port_443})",
        f"{_at(files, 'production.yaml', '0.0.0.0:80:', Q)}: PRD004 error: "
        "services.api.ports.1: host port 80 is published on 0.0.0.0; publish on 127.0.0.1 "
        "and let the proxy in front (write the address, as in `127.0.0.1:8001:8001`, or drop "
        "the port)",
    ]


def test_an_inline_silence_on_the_wrong_line_is_reported(tmp_path: Path) -> None:
    text = INLINE.replace("    ports:\n", "    ports:  # envgen: silence PRD004 too high\n")
    text = text.replace("  # envgen: silence PRD004 the edge proxy publishes 443", "")
    files, lines = _lines(tmp_path, [("production.yaml", None, text)])
    assert f"{_at(files, 'production.yaml', 'ports:', '#')}: silence PRD004 " not in lines
    assert lines[0] == (
        f"{_at(files, 'production.yaml', 'ports:', '#')}: `PRD004` finds nothing on this line "
        "(remove the silence)"
    )
    assert sum(" PRD004 error: " in line for line in lines) == 2


def test_an_inline_silence_of_several_rules_and_an_unknown_one(tmp_path: Path) -> None:
    text = INLINE.replace("silence PRD004 the", "silence PRD004,PRD04 the")
    files, lines = _lines(tmp_path, [("production.yaml", None, text)])
    assert lines[1] == (
        f"{_at(files, 'production.yaml', '0.0.0.0:443', '#')}: unknown rule `PRD04` "
        "(did you mean `PRD004`?)"
    )


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        (
            "# envgen: silence PRD004",
            "the inline silence of PRD004 gives no reason (write why the rule does not apply "
            "here; a reviewer reads it)",
        ),
        (
            "# envgen: silence",
            "an inline silence names no rule (write `# envgen: silence RULE reason`, e.g. "
            "`# envgen: silence PRD004 the proxy`)",
        ),
        (
            "# envgen: silense PRD004 the edge",
            "unknown envgen directive `silense` (did you mean `silence`?)",
        ),
        (
            "#envgen:silence PRD004:the edge",
            "an inline silence names no rule (write `# envgen: silence RULE reason`, e.g. "
            "`# envgen: silence PRD004 the proxy`)",
        ),
    ],
)
def test_a_malformed_inline_silence_is_an_error_at_its_line(
    tmp_path: Path, comment: str, message: str
) -> None:
    text = INLINE.replace("# envgen: silence PRD004 the edge proxy publishes 443", comment)
    files, lines = _lines(tmp_path, [("production.yaml", None, text)])
    assert lines == [f"{_at(files, 'production.yaml', '0.0.0.0:443', '#')}: {message}"]


def test_a_hash_inside_a_value_is_no_comment() -> None:
    text = (
        'command: ["sh", "-c", "echo # envgen: silence PRD004 x"]\n'
        "note: a#envgen:silence-PRD004-glued\n"
        "block: |\n  # envgen: silence PRD004 inside a block\n"
        "real: 1  # envgen: silence SEG001 shared on purpose\n"
    )
    silences, problems = inline_silences(text, "f.yaml")
    assert problems == []
    assert [(str(s.position), s.rules, s.reason) for s in silences] == [
        ("f.yaml:5:10", ("SEG001",), "shared on purpose")
    ]


def test_base_yaml_may_hold_an_inline_silence_not_a_mapping_one(tmp_path: Path) -> None:
    # Inherited by staging and production: the line is silenced in both, one line.
    port = '    ports:\n      - "0.0.0.0:9000:9000"  # envgen: silence PRD004 metrics scraper\n'
    files, lines = _lines(
        tmp_path,
        [
            (
                "base.yaml",
                "    memory: 256m\n  postgres:",
                "    memory: 256m\n" + port + "  postgres:",
            ),
            ("local.yaml", "      - 8001:8001\n", '      - "127.0.0.1:9000:9000"\n'),
        ],
    )
    where = _at(files, "base.yaml", "0.0.0.0:9000", '"')
    assert lines == [
        f"{_at(files, 'base.yaml', '0.0.0.0:9000', '#')}: PRD004 silenced: metrics scraper "
        f"(silences services.api.ports.0 at {where} in staging, production)"
    ]
    files, lines = _lines(tmp_path, [("base.yaml", None, _scoped("    - reason: all\n"))])
    assert lines[0] == (
        f"{_at(files, 'base.yaml', '- reason: all', 'reason')}: silence.PRD004.0: a silence in "
        "base.yaml would apply to every environment (move it to the spec of the environment "
        "it is meant for)"
    )


def test_silences_appear_once_in_the_parity_table_and_validate(tmp_path: Path, run: Run) -> None:
    scope = (
        "    - service: api\n"
        "      path: services.api.ports\n"
        "      reason: the edge publishes 80 and 443\n"
        "  PRD007: the QA team reviews the API here\n"
    )
    text = _scoped(scope) + PUBLISHED.replace(
        '"0.0.0.0:5432:5432"', '"0.0.0.0:5432:5432"  # envgen: silence PRD004 a replica reads it'
    )
    text += "features:\n  explorer:\n    enabled: true\n"
    files = patched([("production.yaml", None, text)])
    root = write_tree(tmp_path, files)
    validated = run("--root", root, "validate", "production")
    assert validated.exit_code == 0, validated.output
    assert validated.output.count("the edge publishes 80 and 443") == 1
    assert validated.output.count("the QA team reviews the API here") == 1
    assert validated.output.count("a replica reads it") == 1
    assert validated.output.endswith("3 silenced\n1 environment(s) valid: production\n")
    rendered = run("--root", root, "render")
    assert rendered.exit_code == 0, rendered.output
    doc = (root / "docs/ENVIRONMENTS.md").read_text(encoding="utf-8")
    table = doc[doc.index("## Silenced rules") :].split("\n\n")[2]
    postgres = _at(files, "production.yaml", "0.0.0.0:5432", "#").rsplit(":", 1)[0]
    assert table.splitlines() == [
        "| Environment | Rule | Where | Why |",
        "| --- | --- | --- | --- |",
        "| production | `PRD004` | service `api`, path `services.api.ports` | the edge "
        "publishes 80 and 443 |",
        "| production | `PRD007` | the whole environment | the QA team reviews the API here |",
        f"| production | `PRD004` | the line `{postgres}` | a replica reads it |",
    ]


@pytest.mark.parametrize(
    ("silence", "accepted"),
    [
        ({"PRD007": "the QA team reviews the API here"}, True),
        (
            {"PRD004": [{"service": "proxy", "path": "services.proxy.ports", "reason": "edge"}]},
            True,
        ),
        ({"PRD004": [{"reason": "the whole environment, as a scope"}]}, True),
        # No reason: the schema leaves every field optional (a spec merges over base.yaml),
        # so only the model refuses it.
        ({"PRD004": [{"service": "proxy"}]}, None),
        ({"PRD004": [{"path": "services..ports", "reason": "r"}]}, False),  # an empty step
        ({"PRD004": [{"service": "proxy", "reason": "r", "port": 443}]}, False),  # unknown key
        ({"PRD004": []}, False),  # no scope
        ({"PRD004": 5}, False),
    ],
)
def test_the_spec_schema_takes_the_forms_the_models_take(
    silence: dict[str, object], accepted: bool | None
) -> None:
    validator = jsonschema.Draft202012Validator(spec_schema())
    errors = list(validator.iter_errors({"silence": silence}))
    assert (errors == []) is (accepted is not False)
    try:
        TypeAdapter(dict[str, Silence]).validate_python(silence)
    except pydantic.ValidationError:
        assert not accepted
    else:
        assert accepted is True


_STEP = st.text(alphabet="abc_-0", min_size=1, max_size=3)


@given(st.lists(_STEP, min_size=1, max_size=4), st.lists(_STEP, min_size=1, max_size=4))
def test_a_path_covers_exactly_the_fields_whose_steps_start_with_its_own(
    prefix: list[str], field: list[str]
) -> None:
    covered = path_matches(".".join(prefix), ".".join(field))
    assert covered is (field[: len(prefix)] == prefix)
