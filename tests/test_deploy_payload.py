"""What a deploy carries: each image built by Compose from the spec's own `build`, and
every project file the compose file reads copied to the host, or, git-ignored, checked
there. A fresh clone, with its git-ignored files absent, passes `envgen check`."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import yaml

from tests.compose_cli import BINARY
from tests.conftest import Run, edit_spec, write_tree
from tests.test_workflows import EXPRESSION, VALUES, _fake

BACKEND_BUILD = """\
    build:
      context: ./backend
      dockerfile: Dockerfile.prod
      target: runtime
      args:
        RELEASE: "2"
        PIP_INDEX: $$HOME/index
      labels:
        team: wine
      network: host
"""
FILES = {
    "backend/Dockerfile.prod": "FROM scratch\n",
    "config/backend.env": "LOG_LEVEL=info\n",
    "config/nginx.conf": "events {}\n",
    ".env.backend": "SECRET=x\n",
}


def _project(shipped: Path) -> Path:
    """The shipped project, its staging backend built with a full `build`, reading a
    committed env file, a git-ignored one and a bind-mounted configuration file."""
    write_tree(shipped, FILES)
    edit_spec(
        shipped,
        "staging.yaml",
        "services:\n  backend:\n",
        "services:\n  backend:\n"
        + BACKEND_BUILD
        + "    env_file: [./config/backend.env, .env.backend]\n"
        + "    volumes:\n      - ./config/nginx.conf:/etc/nginx/nginx.conf:ro\n",
    )
    return shipped


def _steps(root: Path) -> list[dict[str, Any]]:
    text = (root / "rendered" / "github" / "deploy-staging.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["jobs"]["deploy"]["steps"]  # type: ignore[no-any-return]


def test_compose_builds_the_image_with_every_key_of_the_spec_s_build(
    shipped: Path, run: Run
) -> None:
    root = _project(shipped)
    assert run("--root", root, "render").exit_code == 0, run("--root", root, "validate").stdout
    (step,) = [s for s in _steps(root) if s.get("name") == "Build ghcr.io/vpatrin/coupette-backend"]
    (root / "build.json").write_text(step["env"]["BUILD_FILE"], encoding="utf-8")
    variables = {"IMAGE": "ghcr.io/vpatrin/coupette-backend", "TAG": "staging", "STAMP": "s1"}
    result = subprocess.run(
        [BINARY, "-f", "build.json", "--project-directory", ".", "config", "--format", "json"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "HOME": "/home/ci", **variables},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (service,) = json.loads(result.stdout)["services"].values()
    assert service["image"] == "ghcr.io/vpatrin/coupette-backend:staging"
    assert service["build"] == {
        "context": str(root / "backend"),
        "dockerfile": "Dockerfile.prod",
        "target": "runtime",
        "args": {"RELEASE": "2", "PIP_INDEX": "$$HOME/index"},  # `$$`: a literal `$`
        "labels": {"team": "wine"},
        "network": "host",
        "tags": ["ghcr.io/vpatrin/coupette-backend:s1"],
    }
    assert 'docker compose -f "$build_file" --project-directory . build' in step["run"]


def _fake_ssh_keeping_its_input(folder: Path) -> None:
    """A fake ssh that records its arguments and keeps what it is sent (a tar stream)."""
    path = folder / "ssh"
    path.write_text(
        '#!/usr/bin/env bash\nprintf \'%s\\x1f\' ssh "$@" >> "$FAKE_LOG"\n'
        "printf '\\n' >> \"$FAKE_LOG\"\n"
        'case "${*: -1}" in tar\\ -xf*) cat > "$FAKE_LOG.tar";; esac\n',
        encoding="utf-8",
    )
    path.chmod(0o755)


def test_the_deploy_copies_what_the_compose_file_reads_and_checks_the_rest(
    shipped: Path, run: Run, tmp_path: Path
) -> None:
    root = _project(shipped)
    assert run("--root", root, "render").exit_code == 0
    (step,) = [s for s in _steps(root) if "SSH_KEY" in s.get("env", {})]
    assert step["env"]["SHIPPED_FILES"] == "config/backend.env\nconfig/nginx.conf"
    assert step["env"]["HOST_FILES"] == ".env.backend\n.env.staging"
    fakes = tmp_path / "bin"
    fakes.mkdir()
    for name in ("scp", "ssh-keyscan"):
        _fake(fakes, name)
    _fake_ssh_keeping_its_input(fakes)
    log = tmp_path / "calls.log"
    environment = {
        name: EXPRESSION.sub(lambda m: VALUES[m.group(1)], value)
        for name, value in step["env"].items()
    }
    environment |= {"PATH": f"{fakes}:/usr/bin:/bin", "HOME": str(tmp_path), "FAKE_LOG": str(log)}
    subprocess.run(["bash", "-c", step["run"]], env=environment, check=True, cwd=root, timeout=30)
    calls = [line.split("\x1f")[:-1] for line in log.read_text(encoding="utf-8").splitlines()]
    key = f"{tmp_path}/.ssh/deploy_key"
    assert calls[3] == ["ssh", "-i", key, "deploy@vps.example", "tar -xf - -C /srv/coupette"]
    with tarfile.open(fileobj=io.BytesIO((tmp_path / "calls.log.tar").read_bytes())) as archive:
        assert archive.getnames() == ["config/backend.env", "config/nginx.conf"]
    check = calls[4][-1]
    assert check.startswith("cd /srv/coupette && sh -c ")
    assert check.endswith(" sh .env.backend .env.staging ")
    assert calls[-1][-1].startswith("cd /srv/coupette && IMAGE_TAG=20260101-000000 docker compose")


def test_the_host_check_names_each_missing_file_and_fails(shipped: Path, run: Run) -> None:
    root = _project(shipped)
    assert run("--root", root, "render").exit_code == 0
    (step,) = [s for s in _steps(root) if "SSH_KEY" in s.get("env", {})]
    host = root / "host"
    write_tree(host, {".env.staging": "A=1\n"})
    result = subprocess.run(
        ["sh", "-c", step["env"]["HOST_CHECK"], "sh", ".env.backend", ".env.staging"],
        cwd=host,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "missing on the host: .env.backend (git-ignored, so the deploy does not copy it: "
        "put it there)\n"
    )
    (host / ".env.backend").write_text("SECRET=x\n", encoding="utf-8")
    result = subprocess.run(
        ["sh", "-c", step["env"]["HOST_CHECK"], "sh", ".env.backend", ".env.staging"],
        cwd=host,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_a_fresh_clone_without_its_git_ignored_env_file_passes_check(
    shipped: Path, run: Run
) -> None:
    root = _project(shipped)
    assert run("--root", root, "render").exit_code == 0
    (root / ".env.backend").unlink()  # git-ignored: a fresh clone has none
    assert run("--root", root, "check").exit_code == 0
    # A committed file that is missing is still a mistake, at its line.
    (root / "config" / "backend.env").unlink()
    result = run("--root", root, "check")
    assert result.exit_code == 2
    assert "services.backend.env_file.0: `./config/backend.env` does not exist" in result.stderr
