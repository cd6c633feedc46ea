"""Every project of tests/import_corpus imports, renders and compares equal by Compose,
and the documentation's table of findings says what each import found."""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from envgen.importing.compare import differences
from envgen.importing.lift import lift, open_values, restored
from envgen.importing.read import clean_environment, config, find_compose

from tests.conftest import REPO, Run, lint_markdown

CORPUS = REPO / "tests/import_corpus"
DOCS = REPO / "docs/tutorials/adopt-existing-compose-files.md"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())
COMPOSE = find_compose(os.environ.get("PATH", ""), sys.executable)
_ROW = re.compile(r"^\| \[(?P<case>[^\]]+)\]")


@dataclass(frozen=True)
class Case:
    """A corpus project: where it comes from and how it is imported."""

    name: str
    repo: str
    path: str
    commit: str
    args: tuple[str, ...]

    @classmethod
    def read(cls, name: str) -> Case:
        fields = dict(
            line.split(": ", 1)
            for line in (CORPUS / name / "SOURCE").read_text(encoding="utf-8").splitlines()
        )
        return cls(
            name,
            fields["repo"],
            fields["path"],
            fields["commit"],
            tuple(fields.get("args", "").split()),
        )


def _import(case: Case, root: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> Result:
    shutil.copytree(CORPUS / case.name, root)
    monkeypatch.chdir(root)  # -f paths are the shell's, as Compose's are
    return run("--root", root, "import", "--baseline", *case.args)


def _counts(output: str) -> tuple[int, int]:
    """Errors (each silenced by the baseline) and warnings, from the first report."""
    return output.count(" silenced: "), output.count(" warning: ")


def _table_row(case: Case, output: str, environments: list[str]) -> str:
    errors, warnings = _counts(output)
    link = f"https://github.com/{case.repo}/blob/{case.commit[:12]}/{case.path.split()[0]}"
    return f"| [{case.name}]({link}) | {len(environments)} | {errors} | {warnings} | equal |"


def _documented_rows() -> dict[str, str]:
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            rows[match["case"]] = line
    return rows


def test_the_page_is_clean_markdown() -> None:
    assert lint_markdown(DOCS.read_text(encoding="utf-8")) == []


def test_the_table_lists_every_case() -> None:
    assert sorted(_documented_rows()) == CASES


@pytest.mark.parametrize("name", CASES)
def test_a_corpus_project_imports_renders_and_compares_equal(
    name: str, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = Case.read(name)
    root = tmp_path / name
    imported = _import(case, root, run, monkeypatch)
    assert imported.exit_code == 0, imported.output
    verdicts = re.findall(r"^(\S+): (equal|\d+ difference)", imported.output, re.MULTILINE)
    environments = [env for env, _ in verdicts]
    assert verdicts, imported.output
    assert all(verdict == "equal" for _, verdict in verdicts), imported.output
    assert (root / "environments/base.yaml").is_file()

    rendered = run("--root", root, "render")
    assert rendered.exit_code == 0, rendered.output
    # The files render wrote, read by Compose beside the originals: the proof on disk.
    for env in environments:
        spec = (root / f"environments/{env}.yaml").read_text(encoding="utf-8")
        suffix = re.search(r"^suffix: (\S+)", spec, re.MULTILINE)
        written = root / f"rendered/docker-compose.{suffix[1] if suffix else env}.yml"
        files = re.search(r"^# Imported by `envgen import` from: docker compose (.*)$", spec, re.M)
        assert files is not None
        originals = [root / word for word in files[1].split() if word != "-f"]
        environ = clean_environment(os.environ)
        theirs = config(COMPOSE, originals, environ, resolve_paths=True)
        ours = config(
            COMPOSE, [written], environ, resolve_paths=True, project_directory=written.parent
        )
        # Each literal secret of the originals is a variable of the specs now, which the
        # TODO lines ask the team to set: read back as the value the originals wrote.
        lifted, lifting = lift(env, config(COMPOSE, originals, environ, resolve_paths=False))
        ours = restored(ours, lifting.values)
        assert [str(d) for d in differences(theirs, ours) if not d.reason] == []
        # None of them is written or printed, but one the files also show openly (a
        # throw-away password that is also the database's name reveals nothing).
        secrets = set(lifting.values.values()) - open_values(lifted)
        assert [v for v in secrets if v in imported.output or v in rendered.output] == []
        written_files = [*root.glob("environments/*.yaml"), *root.glob("rendered/**/*.*")]
        assert [
            (path.name, value)
            for path in written_files
            for value in secrets
            if value in path.read_text(encoding="utf-8")
        ] == []

    row = _table_row(case, imported.output, environments)
    assert _documented_rows()[name] == row, f"update the table's row:\n{row}"
