"""The specs' JSON Schema, judged by check-jsonschema as an editor's YAML language server would
use it: every spec envgen accepts passes, and broken specs that envgen refuses fail."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

from envgen.outputs.output import is_generated
from envgen.outputs.schema import CUSTOM_TAGS, generated_schema_text, modeline, schema_text
from envgen.settings import load_settings

from tests.conftest import REPO, Run, edit_spec, write_tree

SCHEMA = REPO / "environments/envgen.schema.json"
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]


def as_an_editor_reads(text: str) -> str:
    """A spec as the YAML language server reads it with the schema's `yaml.customTags`:
    `!remove` is an empty scalar, `!reset` and `!override` keep the value they tag
    (check-jsonschema knows no custom tag, so the test spells them out)."""
    text = re.sub(r"!remove\b", "''", text)
    return re.sub(r"!(?:reset|override)\s", "", text)


def check_jsonschema(schema: Path, specs: list[Path], folder: Path) -> tuple[int, str]:
    """check-jsonschema's exit code and report for `specs`, read as an editor reads them."""
    copies = []
    for index, spec in enumerate(specs):
        copy = folder / f"{index}-{spec.parent.parent.name}-{spec.name}"
        copy.write_text(as_an_editor_reads(spec.read_text(encoding="utf-8")), encoding="utf-8")
        copies.append(str(copy))
    result = subprocess.run(
        [*CHECK_JSONSCHEMA, "--schemafile", str(schema), *copies],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def spec_files() -> list[Path]:
    """Every spec this repository holds: shipped, test cases and examples."""
    patterns = ("environments/*.yaml", "tests/cases/*/environments/*.yaml", "examples/**/*.yaml")
    found = sorted({path for pattern in patterns for path in REPO.glob(pattern)})
    return [path for path in found if "environments" in path.parts]


def test_the_committed_schema_is_made_from_the_models() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text()


def test_the_shipped_schema_is_what_the_models_make_now() -> None:
    """A render reads the schema shipped in the package; it can never drift from the
    models, since this fails as soon as they make another one."""
    assert schema_text() == generated_schema_text(), (
        "envgen/outputs/spec.schema.json is not what the models make: run"
        " `python -m envgen.outputs.schema`, then `envgen render`"
    )


def test_the_schema_is_a_valid_draft_2020_12_schema(tmp_path: Path) -> None:
    document = json.loads(schema_text())
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    result = subprocess.run(
        [*CHECK_JSONSCHEMA, "--check-metaschema", str(SCHEMA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_spec_envgen_accepts_passes(tmp_path: Path) -> None:
    specs = spec_files()
    assert len(specs) >= 5
    code, report = check_jsonschema(SCHEMA, specs, tmp_path)
    assert code == 0, report


# Broken specs, each one edit of a shipped spec: (file, old, new). envgen refuses each one,
# and so does the schema, which is what an editor underlines.
BROKEN = {
    "unknown top-level key": ("test.yaml", "tier: test\n", "tier: test\ntierr: test\n"),
    "unknown service key": ("test.yaml", "    memory: 768m", "    memroy: 768m"),
    "misspelt size": ("test.yaml", "    memory: 768m", "    memory: 768mb2"),
    "size that is a word": ("test.yaml", "size: 512m", "size: lots"),
    "unknown tier": ("test.yaml", "tier: test\n", "tier: testing\n"),
    "port out of range": (
        "test.yaml",
        "- 127.0.0.1:15432:5432",
        "- {host: 70000, container: 5432}",
    ),
    "unknown key in a port": (
        "test.yaml",
        "- 127.0.0.1:15432:5432",
        "- {host: 15432, contianer: 5432}",
    ),
    "mapping as a variable": (
        "test.yaml",
        '    restart: "no"\n  chromadb',
        '    restart: "no"\n    environment:\n      A: {x: 1}\n  chromadb',
    ),
    "unknown restart policy": (
        "test.yaml",
        '    restart: "no"\n  chromadb',
        "    restart: sometimes\n  chromadb",
    ),
    "service name in capitals": ("test.yaml", "  chromadb:\n", "  ChromaDB:\n"),
    "name set by the file": ("test.yaml", "tier: test\n", "tier: test\nname: test\n"),
    "mapping as a string": ("test.yaml", "host:\n  name: laptop\n", "host: laptop\n"),
    "boolean as a word": (
        "staging.yaml",
        "access: basic_auth\n",
        "access: basic_auth\nfeatures:\n  debug: maybe\n",
    ),
    "relative tmpfs target": (
        "test.yaml",
        "- target: /var/run/postgresql",
        "- target: var/run/postgresql",
    ),
}


def test_broken_specs_are_refused_by_envgen_and_by_the_schema(
    shipped: Path, run: Run, tmp_path: Path
) -> None:
    broken = []
    for case, (name, old, new) in BROKEN.items():
        root = tmp_path / re.sub(r"\W+", "-", case)
        write_tree(root, {})
        for source in (shipped / "environments").iterdir():
            write_tree(root, {f"environments/{source.name}": source.read_text(encoding="utf-8")})
        write_tree(root, {"pyproject.toml": "[tool.envgen]\n"})
        edit_spec(root, name, old, new)
        validated = run("--root", root, "validate")
        assert validated.exit_code == 2, f"{case}: envgen accepts it\n{validated.output}"
        broken.append(root / "environments" / name)
    code, report = check_jsonschema(SCHEMA, broken, tmp_path)
    assert code == 1
    refused = set(re.findall(r"/(\d+)-[\w.-]+::", report))
    missed = [case for index, case in enumerate(BROKEN) if str(index) not in refused]
    assert missed == [], report


def test_every_field_is_optional_and_removable() -> None:
    document = json.loads(schema_text())
    assert '"required": [' not in schema_text()  # the keyword; fields named so stay
    assert "required" in document["$defs"]["EnvFile"]["properties"]
    assert "required" in document["$defs"]["Dependency"]["properties"]
    tier = document["properties"]["tier"]
    assert tier["description"] == "local, test, staging or production"
    assert {"$ref": "#/$defs/remove"} in tier["anyOf"]
    assert document["$defs"]["remove"]["enum"] == [None, ""]
    assert "!remove scalar" in CUSTOM_TAGS
    assert all(tag.split()[0] in document["description"] for tag in CUSTOM_TAGS)


def test_short_forms_and_sizes_are_described() -> None:
    document = json.loads(schema_text())
    service = document["$defs"]["Service"]["properties"]
    memory = service["memory"]["anyOf"]
    assert {"type": "integer"} in [
        {k: v for k, v in choice.items() if k == "type"} for choice in memory
    ]
    assert any(choice.get("type") == "string" and "pattern" in choice for choice in memory)
    # A port mapping's keys apply to mappings; a "HOST:CONTAINER" string is envgen's to judge.
    ports = document["$defs"]["PortMapping"]
    assert "type" not in ports
    assert ports["additionalProperties"] is False


def test_every_shipped_spec_points_editors_at_the_schema() -> None:
    settings = load_settings(REPO)
    for spec in sorted((REPO / "environments").glob("*.yaml")):
        line = modeline(settings, PurePosixPath("environments", spec.name))
        assert line == "# yaml-language-server: $schema=envgen.schema.json"
        assert line in spec.read_text(encoding="utf-8").splitlines()[:3], spec.name


def test_the_modeline_follows_the_schema_path(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[tool.envgen]\nschema = "schemas/spec.json"\n'})
    settings = load_settings(tmp_path)
    assert modeline(settings, PurePosixPath("environments/staging.yaml")) == (
        "# yaml-language-server: $schema=../schemas/spec.json"
    )


def test_the_schema_file_carries_envgens_header() -> None:
    assert is_generated(schema_text())
    assert not is_generated('{\n  "$comment": "made by hand"\n}\n')
    assert json.loads(schema_text())["$comment"].startswith("Generated by envgen from")


def test_check_gates_the_schema(shipped: Path, run: Run) -> None:
    path = shipped / "environments/envgen.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace("512m", "512M", 1))
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("environments/envgen.schema.json: differs from its specs\n")
    assert run("--root", shipped, "render").exit_code == 0
    assert run("--root", shipped, "check").exit_code == 0


def test_render_never_removes_a_file_among_the_specs(shipped: Path, run: Run) -> None:
    # The specs' folder is the user's: a file there that looks generated stays.
    lookalike = shipped / "environments/notes.md"
    lookalike.write_text("<!-- Generated by envgen from somewhere.\n", encoding="utf-8")
    assert run("--root", shipped, "render").exit_code == 0
    assert lookalike.exists()


def test_envgen_schema_writes_it_even_while_a_spec_is_invalid(shipped: Path, run: Run) -> None:
    (shipped / "environments/envgen.schema.json").unlink()
    edit_spec(shipped, "test.yaml", "tier: test\n", "tier: testing\n")
    result = run("--root", shipped, "schema")
    assert (result.exit_code, result.stdout) == (
        0,
        "  created  environments/envgen.schema.json\n1 file written, 0 unchanged\n",
    )
    assert (shipped / "environments/envgen.schema.json").read_text(
        encoding="utf-8"
    ) == schema_text()


def test_envgen_schema_stdout(run: Run) -> None:
    result = run("schema", "--stdout")
    assert (result.exit_code, result.stdout) == (0, schema_text())


def test_scaffolded_specs_point_at_the_schema_and_pass_it(tmp_path: Path, run: Run) -> None:
    project = tmp_path / "shop"
    assert run("init", project).exit_code == 0
    assert run("--root", project, "render").exit_code == 0
    specs = sorted((project / "environments").glob("*.yaml"))
    assert len(specs) == 5
    for spec in specs:
        first = spec.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=envgen.schema.json", spec.name
    schema = project / "environments/envgen.schema.json"
    assert schema.read_text(encoding="utf-8") == schema_text()
    code, report = check_jsonschema(schema, specs, tmp_path)
    assert code == 0, report
