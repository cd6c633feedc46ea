"""The preview workflow's scripts, run as GitHub would run them, against a fake host: ssh
runs the remote command here, scp copies here, docker, curl and openssl are fakes that
record their arguments (docker and curl print what the real ones would be asked for)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO
from tests.tools import BIN, run_tool

EXAMPLE = REPO / "examples" / "previews"
WORKFLOW = EXAMPLE / "rendered" / "github" / "preview.yml"
RECORD = (
    'printf \'%s\\x1f\' "$(basename "$0")" "$@" >> "$FAKE_LOG"; printf \'\\n\' >> "$FAKE_LOG"\n'
)
FAKES = {
    "ssh": RECORD + 'shift 3\nexec bash -c "$*"\n',
    "scp": RECORD + 'cp "$3" "${4#*:}"\n',
    "ssh-keyscan": RECORD,
    "openssl": RECORD + "printf '%064d\\n' 7\n",
    "docker": RECORD
    + 'case "$1 $2" in\n'
    + '  "compose ls") cat "$FAKE_LS" ;;\n'
    + '  "ps --all") cat "$FAKE_PS" ;;\n'
    + "esac\n",
    "curl": RECORD
    + 'case "$*" in\n'
    + '  *"pulls?state=open"*"page=1") cat "$FAKE_PULLS" ;;\n'
    + '  *"pulls?state=open"*) echo "[]" ;;\n'
    + "esac\n",
}
VALUES = {
    "secrets.VPS_HOST": "vps.example",
    "secrets.VPS_USER": "deploy",
    "secrets.VPS_SSH_KEY": "KEY",
    "secrets.PREVIEW_ANTHROPIC_API_KEY": "sk-preview",
    "secrets.GITHUB_TOKEN": "ghs-token",
    "github.event.pull_request.number": "42",
}


def _steps() -> dict[str, dict[str, Any]]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return {
        step["name"]: step
        for job in document["jobs"].values()
        for step in job["steps"]
        if "name" in step
    }


def _run(tmp_path: Path, step: dict[str, Any], cwd: Path) -> list[list[str]]:
    """Run one step's script with its env (expressions filled from VALUES, the host's
    folders under tmp_path), with the fakes first on PATH; the calls they recorded."""
    fakes = tmp_path / "bin"
    fakes.mkdir(exist_ok=True)
    for name, body in FAKES.items():
        (fakes / name).write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
        (fakes / name).chmod(0o755)
    log = tmp_path / "calls.log"
    log.write_text("", encoding="utf-8")
    environment = {
        name: value.replace("${{ ", "").replace(" }}", "") for name, value in step["env"].items()
    }
    environment = {
        name: VALUES.get(value, value) if value in VALUES else value
        for name, value in environment.items()
    }
    host = tmp_path / "host"
    environment |= {
        "DIRECTORY": str(host / "srv"),
        "ROUTES": str(host / "routes"),
        "PATH": f"{fakes}:{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "FAKE_LOG": str(log),
        "FAKE_LS": str(tmp_path / "ls.json"),
        "FAKE_PS": str(tmp_path / "ps.json"),
        "FAKE_PULLS": str(tmp_path / "pulls.json"),
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_REPOSITORY": "team/app",
    }
    subprocess.run(["bash", "-c", step["run"]], env=environment, check=True, cwd=cwd, timeout=60)
    return [line.split("\x1f")[:-1] for line in log.read_text(encoding="utf-8").splitlines()]


def _checkout(tmp_path: Path) -> Path:
    checkout = Path(shutil.copytree(EXAMPLE, tmp_path / "checkout"))
    subprocess.run(
        [
            str(BIN / "envgen"),
            "preview",
            "render",
            "42",
            "--out",
            "preview",
            "--now",
            "2026-12-07T03:00:00Z",
        ],
        cwd=checkout,
        check=True,
        capture_output=True,
        env={**os.environ, "ENVGEN_NO_CACHE": "1"},
    )
    return checkout


def test_the_steps_of_each_job() -> None:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    names = {
        job: [step.get("name", step.get("uses")) for step in spec["steps"]]
        for job, spec in document["jobs"].items()
    }
    assert names == {
        "deploy": [
            "actions/checkout@v4",
            "actions/setup-python@v5",
            "Install envgen",
            "Log in to the registry",
            "Build ghcr.io/vpatrin/coupette-backend",
            "Build ghcr.io/vpatrin/coupette-scraper",
            "Render the branch's preview",
            "Deploy the preview",
            "Comment its address",
        ],
        "close": ["Take the preview down"],
        "gc": [
            "actions/checkout@v4",
            "actions/setup-python@v5",
            "Install envgen",
            "Take down previews of closed pull requests, and expired ones",
        ],
    }
    # The branch's own specs: the pull request's head, not main's.
    assert document["jobs"]["deploy"]["steps"][0]["with"] == {
        "ref": "${{ github.event.pull_request.head.sha }}"
    }
    assert document["on"]["pull_request"] == {
        "types": ["opened", "reopened", "synchronize", "closed"]
    }
    assert document["on"]["schedule"] == [{"cron": "17 * * * *"}]


def test_render_runs_envgen_on_the_branch(tmp_path: Path) -> None:
    checkout = Path(shutil.copytree(EXAMPLE, tmp_path / "checkout"))
    assert _run(tmp_path, _steps()["Render the branch's preview"], checkout) == []
    assert sorted(p.name for p in (checkout / "preview").iterdir()) == [
        "docker-compose.pr-42.yml",
        "pr-42.caddy",
    ]


def test_deploy_copies_the_preview_and_starts_it_with_its_own_variables(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    calls = _run(tmp_path, _steps()["Deploy the preview"], checkout)
    srv, routes, key = (
        tmp_path / "host/srv",
        tmp_path / "host/routes",
        f"{tmp_path}/.ssh/deploy_key",
    )
    assert [call[0] for call in calls] == [
        "ssh-keyscan",
        "ssh",
        "scp",
        "scp",
        "scp",
        "ssh",
        "openssl",
        "docker",
        "docker",
        "docker",
    ]
    assert calls[2:5] == [
        [
            "scp",
            "-i",
            key,
            "preview/docker-compose.pr-42.yml",
            f"deploy@vps.example:{srv}/rendered/docker-compose.pr-42.yml",
        ],
        ["scp", "-i", key, "secrets.env", f"deploy@vps.example:{srv}/.env.pr-42.secrets"],
        ["scp", "-i", key, "preview/pr-42.caddy", f"deploy@vps.example:{routes}/pr-42.caddy"],
    ]
    assert calls[6:] == [
        ["openssl", "rand", "-hex", "32"],
        [
            "docker",
            "compose",
            "--env-file",
            ".env.pr-42",
            "-f",
            "rendered/docker-compose.pr-42.yml",
            "-p",
            "coupette-pr-42",
            "up",
            "-d",
            "--pull",
            "always",
            "--wait",
        ],
        ["docker", "network", "connect", "coupette-pr-42_proxy", "caddy"],
        [
            "docker",
            "exec",
            "caddy",
            "caddy",
            "reload",
            "--config",
            "/etc/caddy/Caddyfile",
            "--adapter",
            "caddyfile",
        ],
    ]
    assert (srv / ".env.pr-42").read_text(encoding="utf-8") == (
        f"PR_42_POSTGRES_PASSWORD={'7':0>64}\nPR_42_ANTHROPIC_API_KEY=sk-preview\n"
    )
    assert not (srv / ".env.pr-42.secrets").exists()
    assert not (checkout / "secrets.env").exists()
    # A second deploy keeps the database password the first one made.
    calls = _run(tmp_path, _steps()["Deploy the preview"], checkout)
    assert "openssl" not in [call[0] for call in calls]
    assert (
        (srv / ".env.pr-42")
        .read_text(encoding="utf-8")
        .startswith(f"PR_42_POSTGRES_PASSWORD={'7':0>64}\n")
    )


def test_the_address_is_commented_on_the_pull_request(tmp_path: Path) -> None:
    calls = _run(tmp_path, _steps()["Comment its address"], tmp_path)
    assert calls == [
        [
            "curl",
            "--fail",
            "--silent",
            "--show-error",
            "--max-time",
            "30",
            "-X",
            "POST",
            "-H",
            "Authorization: Bearer ghs-token",
            "-H",
            "Accept: application/vnd.github+json",
            "--data",
            "@comment.json",
            "https://api.github.com/repos/team/app/issues/42/comments",
        ],
    ]
    assert json.loads((tmp_path / "comment.json").read_text(encoding="utf-8")) == {
        "body": "Preview of #42: https://pr-42.staging-wine.victorpatrin.dev"
    }


def _teardown_calls(project: str) -> list[list[str]]:
    return [
        ["docker", "network", "disconnect", f"{project}_proxy", "caddy"],
        ["docker", "compose", "-p", project, "down", "--volumes", "--remove-orphans"],
        [
            "docker",
            "exec",
            "caddy",
            "caddy",
            "reload",
            "--config",
            "/etc/caddy/Caddyfile",
            "--adapter",
            "caddyfile",
        ],
    ]


def test_close_takes_the_preview_down(tmp_path: Path) -> None:
    srv = tmp_path / "host/srv"
    (srv / "rendered").mkdir(parents=True)
    for leftover in (".env.pr-42", ".env.pr-42.generated", "rendered/docker-compose.pr-42.yml"):
        (srv / leftover).write_text("x", encoding="utf-8")
    calls = _run(tmp_path, _steps()["Take the preview down"], tmp_path)
    assert [c for c in calls if c[0] == "docker"] == _teardown_calls("coupette-pr-42")
    assert sorted(p.name for p in srv.rglob("*")) == ["rendered"]


def test_gc_takes_down_only_what_envgen_preview_gc_names(tmp_path: Path) -> None:
    projects = ["coupette-pr-7", "coupette-pr-42", "coupette-production", "shop-pr-9"]
    (tmp_path / "ls.json").write_text(
        json.dumps([{"Name": name, "Status": "running(1)"} for name in projects]), "utf-8"
    )
    (tmp_path / "ps.json").write_text("", encoding="utf-8")
    (tmp_path / "pulls.json").write_text(
        json.dumps([{"number": 42, "head": {"ref": "feature/a"}}]), "utf-8"
    )
    (tmp_path / "host/srv").mkdir(parents=True)
    checkout = Path(shutil.copytree(EXAMPLE, tmp_path / "checkout"))
    calls = _run(
        tmp_path, _steps()["Take down previews of closed pull requests, and expired ones"], checkout
    )
    api = "https://api.github.com/repos/team/app/pulls?state=open&per_page=100"
    assert [c for c in calls if c[0] in ("docker", "curl")] == [
        ["docker", "compose", "ls", "--all", "--format", "json"],
        ["docker", "ps", "--all", "--filter", "label=dev.envgen.preview", "--format", "json"],
        [
            "curl",
            "--fail",
            "--silent",
            "--show-error",
            "--max-time",
            "30",
            "-H",
            "Authorization: Bearer ghs-token",
            "-H",
            "Accept: application/vnd.github+json",
            f"{api}&page=1",
        ],
        [
            "curl",
            "--fail",
            "--silent",
            "--show-error",
            "--max-time",
            "30",
            "-H",
            "Authorization: Bearer ghs-token",
            "-H",
            "Accept: application/vnd.github+json",
            f"{api}&page=2",
        ],
        *_teardown_calls("coupette-pr-7"),
    ]


def test_actionlint_shellcheck_and_githubs_schema_accept_the_workflow() -> None:
    environment = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}  # shellcheck too
    linted = run_tool("actionlint", "-no-color", str(WORKFLOW), env=environment)
    assert (linted.returncode, linted.stdout + linted.stderr) == (0, "")
    schema = run_tool(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr


def test_no_spec_value_reaches_a_script() -> None:
    """Scripts are constant: values come through env:, secrets only as GitHub secrets."""
    text = WORKFLOW.read_text(encoding="utf-8")
    expressions = set(re.findall(r"\$\{\{\s*(.*?)\s*\}\}", text))
    assert expressions == {
        "secrets.VPS_HOST",
        "secrets.VPS_USER",
        "secrets.VPS_SSH_KEY",
        "secrets.GITHUB_TOKEN",
        "secrets.PREVIEW_ANTHROPIC_API_KEY",
        "github.actor",
        "github.event.pull_request.number",
        "github.event.pull_request.head.sha",
        "github.event.pull_request.number || 'gc'",
    }
    assert all("${{" not in step.get("run", "") for step in _steps().values())
