"""A plain scalar means in a spec what it means to Compose (go-yaml v3), and envgen's
rendering means to Compose what the plain text meant: numbers, labels, variable names."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from envgen.outputs.schema import spec_schema
from envgen.reading.scalars import compose_text, plain_kind
from envgen.reading.source import load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compose_cli import compose
from tests.conftest import Run, write_tree

# (plain text, what Compose gives a container for it): measured with docker-compose config.
VALUES = [
    ("0777", "511"),  # a leading 0 is octal
    ("010", "8"),
    ("00", "0"),
    ("08", "8"),  # no octal: a float
    ("0o17", "15"),
    ("0O17", "15"),
    ("0x1F", "31"),
    ("0X1F", "31"),
    ("+0x1F", "31"),
    ("0b101", "5"),
    ("0B11", "3"),
    ("-0b101", "-5"),
    ("-0o17", "-15"),
    ("1_000", "1000"),
    ("1__0", "10"),
    ("1_", "1"),
    ("0x_1F", "31"),
    ("0_1", "1"),
    ("+12", "12"),
    ("-0", "-0"),  # go-yaml's minus zero, a float
    ("-0_", "0"),  # near miss: a whole zero
    ("-00", "0"),
    ("1.0", "1"),
    ("1.", "1"),
    ("0.", "0"),
    ("-0.0", "-0"),
    ("1e3", "1000"),
    ("1E3", "1000"),
    ("1e6", "1e+06"),
    ("100000", "100000"),
    ("1e20", "1e+20"),
    ("1e-7", "1e-07"),
    ("0.0001", "0.0001"),
    ("0.00001", "1e-05"),
    ("123456789.0", "1.23456789e+08"),
    ("1.25", "1.25"),
    (".5", "0.5"),
    ("-.5", "-0.5"),
    ("+.5e1", "5"),
    (".5_0", "0.5"),
    ("1_0.5", "10.5"),
    ("9223372036854775807", "9223372036854775807"),  # the largest int64
    ("9223372036854775808", "9223372036854775808"),  # past it: unsigned
    ("18446744073709551615", "18446744073709551615"),  # the largest uint64
    ("18446744073709551616", "1.8446744073709552e+19"),  # past it: a float
    ("-9223372036854775808", "-9223372036854775808"),
    ("-9223372036854775809", "-9.223372036854776e+18"),
    ("0x10000000000000000", "0x10000000000000000"),  # too large, not a float: text
    ("12e", "12e"),
    ("0x", "0x"),
    ("._5", "._5"),
    ("2024-01-01", "2024-01-01 00:00:00 +0000 UTC"),  # a date: Go's spelling of the time
    ("2024-1-2", "2024-01-02 00:00:00 +0000 UTC"),
    ("2024-02-29", "2024-02-29 00:00:00 +0000 UTC"),
    ("2023-02-29", "2023-02-29"),  # no such day: text
    ("2024-13-01", "2024-13-01"),
    ("2024-01-01  1:2:3.000", "2024-01-01 01:02:03 +0000 UTC"),
    ("2024-01-01T10:00:00.1234567891Z", "2024-01-01 10:00:00.123456789 +0000 UTC"),
    ("2024-01-01t10:00:00,25Z", "2024-01-01 10:00:00.25 +0000 UTC"),
    ("2024-01-01T10:00:00-00:00", "2024-01-01 10:00:00 +0000 UTC"),
    ("2024-01-01T10:00:00+23:59", "2024-01-01 10:00:00 +2359 +2359"),
    ("2024-01-01T10:00:00+12:60", "2024-01-01 10:00:00 +1300 +1300"),
    ("2024-01-01T10:00:00+2:00", "2024-01-01T10:00:00+2:00"),
    ("2024-01-01T10:00:00", "2024-01-01T10:00:00"),  # a `T` needs a zone
    ("2024-01-01T24:00:00Z", "2024-01-01T24:00:00Z"),
    ("2024-01-01T10:00:60Z", "2024-01-01T10:00:60Z"),
    ("20240-01-01", "20240-01-01"),
    ("yes", "yes"),
    ("on", "on"),
    ("true", "true"),
    ("False", "false"),
]


@pytest.mark.parametrize(("text", "expected"), VALUES, ids=[text for text, _ in VALUES])
def test_a_plain_scalar_means_what_compose_reads(text: str, expected: str) -> None:
    document, problems = load(f"v: {text}\n", "x.yaml")
    assert problems == []
    assert compose_text(document.data["v"]) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("0777", "int"),
        ("08", "float"),
        ("-0", "float"),
        ("0x", "str"),
        ("", "null"),
        ("~", "null"),
        ("2024-01-01", "timestamp"),
        ("2024-01-32", "str"),
    ],
)
def test_the_kind_of_a_plain_scalar(text: str, kind: str) -> None:
    assert plain_kind(text) == kind


def _compose_view(folder: Path, text: str) -> Any:
    path = folder / "docker-compose.yml"
    path.write_text(text, encoding="utf-8")
    result = compose(path, "config", "--format", "json")  # interpolated: strings as given
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_table_is_what_the_binary_gives(tmp_path: Path) -> None:
    lines = "".join(f"      V{i}: {text}\n" for i, (text, _) in enumerate(VALUES))
    view = _compose_view(tmp_path, f"services:\n  a:\n    image: x\n    environment:\n{lines}")
    given_values = view["services"]["a"]["environment"]
    assert given_values == {f"V{i}": expected for i, (_, expected) in enumerate(VALUES)}


# Texts made of what numbers are made of, so most are near misses of one rule or another.
_NUMBERISH = st.text(alphabet="0123456789_.eE+-xXoObB:tTZ ", min_size=1, max_size=20).filter(
    lambda text: text[0] not in "-" or len(text) > 1  # `- ` alone would be a list
)

# Dates and near misses (Compose cannot write a zone offset of a day or more: kept below).
_DATEISH = st.from_regex(
    r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:[.,][0-9]{1,10})?"
    r"(?:Z|[-+](?:[01][0-9]|2[0-3]):[0-9]{2})?| +[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})?\Z",
    fullmatch=True,
).filter(lambda text: not text.endswith("23:60"))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_NUMBERISH, _DATEISH), min_size=1, max_size=40, unique=True))
def test_numbers_read_as_go_yaml_reads_them(tmp_path_factory: Any, texts: list[str]) -> None:
    texts = [
        text
        for text in texts
        if text == text.strip()
        and ": " not in text
        and not text.endswith(":")
        and not text.startswith("- ")
    ]
    lines = "".join(f"      V{i}: {text}\n" for i, text in enumerate(texts))
    if not texts:
        return
    document, problems = load("e:\n" + "".join(f"  V{i}: {t}\n" for i, t in enumerate(texts)), "x")
    if problems:  # a number envgen refuses (too long, not finite) is not compared
        return
    folder = tmp_path_factory.mktemp("numbers")
    view = _compose_view(folder, f"services:\n  a:\n    image: x\n    environment:\n{lines}")
    ours = {key: compose_text(value) for key, value in document.data["e"].items()}
    assert view["services"]["a"]["environment"] == ours


SERVICE = """\
    image: example/a:1
    environment:
      A: 0777
      B: 1.0
      C: -0
      D: 1e3
      E: 1_000
      spring.profiles.active: dev
      MY-VAR: x
      my.shell-var:
    labels:
      n: 1
      b: true
      f: 1.50
      o: 0777
      e:
    secrets:
      - source: token
        mode: 0440
    configs:
      - source: settings
        mode: 0o640
    volumes:
      - type: tmpfs
        target: /tmp
        tmpfs:
          mode: 01777
"""
TOP = """\
secrets:
  token:
    file: ./token.txt
configs:
  settings:
    file: ./settings.txt
"""


def test_the_rendering_means_to_compose_what_the_plain_text_meant(tmp_path: Path, run: Run) -> None:
    spec = f"app: shop\naccess: localhost\nhost:\n  name: laptop\nservices:\n  a:\n{SERVICE}{TOP}"
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": spec,
            "environments/local.yaml": "tier: local\n",
            "token.txt": "",
            "settings.txt": "",
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = tmp_path / "rendered/docker-compose.local.yml"
    ours = _compose_view(tmp_path / "rendered", rendered.read_text(encoding="utf-8"))
    plain = _compose_view(tmp_path, f"services:\n  a:\n{SERVICE}{TOP}")
    service, expected = ours["services"]["a"], plain["services"]["a"]
    for key in ("environment", "labels", "secrets", "configs", "volumes"):
        assert service[key] == expected[key], key
    # What Compose made of them, so a change on both sides is seen too.
    assert expected["secrets"][0]["mode"] == "0440"  # Compose spells a file mode in octal
    assert expected["configs"][0]["mode"] == "0640"
    assert expected["volumes"][0]["tmpfs"]["mode"] == 0o1777
    assert expected["labels"] == {"n": "1", "b": "true", "f": "1.5", "o": "511", "e": ""}
    assert expected["environment"]["A"] == "511"
    assert expected["environment"]["spring.profiles.active"] == "dev"
    assert expected["environment"]["my.shell-var"] is None  # from Compose's environment


BAD_NAMES_AND_LABELS = """\
app: shop
access: localhost
host:
  name: laptop
services:
  a:
    image: example/a:1
    environment:
      "A=B": x
      "A\\tB": x
      "": y
      ok.name-1: z
      "A B": z
    labels:
      l: [1]
      m: {a: 1}
      n: 1e999
      o: 1e308
"""


def test_names_and_labels_compose_refuses_are_refused(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": BAD_NAMES_AND_LABELS,
            "environments/local.yaml": "tier: local\n",
        },
    )
    result = run("--root", tmp_path, "validate")
    assert result.exit_code == 2
    name_rule = "use a name without `=` or control characters"
    assert result.output.splitlines() == [
        "local:",
        f"environments/base.yaml:9:7: services.a.environment.A=B: invalid value `A=B`: {name_rule}",
        "environments/base.yaml:10:7: services.a.environment.A\\tB: invalid value `A\\tB`: "
        + name_rule,
        f"environments/base.yaml:11:7: services.a.environment.: invalid value ``: {name_rule}",
        "environments/base.yaml:15:10: services.a.labels.l: "
        "expected a string, number or boolean, got a list",
        "environments/base.yaml:16:10: services.a.labels.m: "
        "expected a string, number or boolean, got a mapping",
        "environments/base.yaml:17:10: services.a.labels.n: "
        "a number too large to be represented (quote it if it is text)",
        "6 errors",
    ]


def test_the_editor_schema_takes_a_label_with_no_value_and_a_variable_name_with_dots() -> None:
    service = spec_schema()["$defs"]["Service"]["properties"]
    label_values = service["labels"]["anyOf"][0]["additionalProperties"]["anyOf"]
    assert {"type": "null"} in label_values
    assert {"type": "integer"} in label_values
    names = service["environment"]["anyOf"][0]["propertyNames"]["pattern"]
    assert re.match(names, "spring.profiles.active")
    assert not re.match(names, "A=B")  # near miss: `=` ends a name in the list form
