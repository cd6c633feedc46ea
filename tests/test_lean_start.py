"""Each command imports only what it uses: help, the version and the rule catalogue load
no model, template or YAML library; looking at specs loads no template engine."""

from __future__ import annotations

import subprocess
import sys

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
        (("--root", str(REPO), "list"), {"pydantic", "yaml", "jsonschema"}),
        (("--root", str(REPO), "validate"), {"pydantic", "yaml", "jsonschema"}),
        (("--root", str(REPO), "show", "production"), {"pydantic", "yaml", "jsonschema"}),
        (("--root", str(REPO), "diff", "staging", "production"), set(HEAVY) - {"jinja2"}),
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
        "diff",
    ],
)
def test_a_command_imports_only_what_it_uses(args: tuple[str, ...], allowed: set[str]) -> None:
    assert _loaded(*args) <= allowed
