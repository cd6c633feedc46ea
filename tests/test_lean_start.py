"""Each command imports only what it uses: help, the version and the rule catalogue load
no model, template or YAML library; looking at specs loads no template engine; Compose's
schema validator (jsonschema) loads only for a spec with a key it checks, and the shipped
specs hold none."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

HEAVY = ("pydantic", "jinja2", "yaml", "deepdiff", "jsonschema")

# Runs `envgen ARGS` in a fresh interpreter, then prints which heavy libraries it loaded.
_PROBE = """
import sys
from envgen.cli.main import main
sys.stdout = sys.stderr
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & set(%r))), file=sys.__stdout__)
""" % (HEAVY,)  # noqa: UP031 (the probe is Python source)


def _loaded(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (("--help",), set()),
        (("--version",), set()),
        (("rules",), set()),
        (("rules", "--format", "json"), set()),
        (("check", "--help"), set()),
        (("--root", str(REPO), "list", "--no-cache"), {"pydantic", "yaml"}),
        (("--root", str(REPO), "validate", "--no-cache"), {"pydantic", "yaml"}),
        (("--root", str(REPO), "show", "production", "--no-cache"), {"pydantic", "yaml"}),
        (
            ("--root", str(REPO), "render", "--dry-run", "--no-cache"),
            {"pydantic", "jinja2", "yaml"},
        ),
        (("--root", str(REPO), "check", "--no-cache"), {"pydantic", "jinja2", "yaml"}),
        (("--root", str(REPO), "diff", "staging", "production"), {"pydantic", "yaml", "deepdiff"}),
    ],
    ids=[
        "help",
        "version",
        "rules",
        "rules-json",
        "command-help",
        "list",
        "validate",
        "show",
        "render",
        "check",
        "diff",
    ],
)
def test_a_command_imports_only_what_it_uses(args: tuple[str, ...], allowed: set[str]) -> None:
    assert _loaded(*args) <= allowed


def test_a_key_for_composes_schema_loads_its_validator(tmp_path: Path) -> None:
    """The other side of the pins above: a spec with a key that Compose's schema checks
    (a volume's `driver_opts`, which envgen does not model) does load jsonschema."""
    shutil.copytree(REPO / "environments", tmp_path / "environments")
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with (tmp_path / "environments" / "test.yaml").open("a", encoding="utf-8") as spec:
        spec.write("volumes:\n  extra:\n    driver_opts: {type: tmpfs}\n")
    assert "jsonschema" in _loaded("--root", str(tmp_path), "validate", "--no-cache")
