"""GitHub Actions workflows: actionlint (with shellcheck on PATH for the run: scripts) and
GitHub's workflow schema accept them; secrets appear only as ${{ secrets.NAME }}; spec
strings reach steps only through env:; the scripts run against fake ssh and curl."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import envgen
import pytest
import yaml
from envgen.outputs.languages.workflow_text import read_workflow, secret, workflow_value

from tests.compose_cli import BINARY
from tests.conftest import REPO, Run, edit_spec
from tests.tools import BIN, run_tool

FOLDER = REPO / "rendered" / "github"
WORKFLOWS = sorted(FOLDER.glob("*.yml"))
SCHEMA = "vendor.github-workflows"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONTEXTS = re.compile(
    r"^(secrets\.[A-Z_][A-Z0-9_]*|steps\.stamp\.outputs\.tag|job\.status|github\.actor)$"
)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps(path: Path) -> list[dict[str, Any]]:
    return [step for job in load(path)["jobs"].values() for step in job["steps"]]


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}  # shellcheck too
    return run_tool("actionlint", "-no-color", *map(str, paths), env=environment)


def test_the_workflows_are_rendered() -> None:
    assert [path.name for path in WORKFLOWS] == [
        "deploy-prod.yml",
        "deploy-staging.yml",
        "pull-request.yml",
    ]


def test_actionlint_and_shellcheck_accept_the_workflows() -> None:
    result = actionlint(*WORKFLOWS)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_runs_shellcheck_on_the_scripts(tmp_path: Path) -> None:
    text = (FOLDER / "deploy-staging.yml").read_text(encoding="utf-8")
    broken = tmp_path / "deploy.yml"
    broken.write_text(text.replace('docker push "$IMAGE:$TAG"', "docker push $IMAGE:$TAG", 1))
    result = actionlint(broken)
    assert result.returncode == 1
    assert "SC2086" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_github_workflow_schema_accepts_the_workflows(path: Path) -> None:
    result = run_tool("check-jsonschema", "--builtin-schema", SCHEMA, str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_workflow_schema_rejects_a_job_without_a_runner(tmp_path: Path) -> None:
    text = (FOLDER / "deploy-prod.yml").read_text(encoding="utf-8")
    broken = tmp_path / "deploy.yml"
    broken.write_text(text.replace("    runs-on: ubuntu-latest\n", "", 1), encoding="utf-8")
    result = run_tool(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)
    )
    assert result.returncode == 1


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_expressions_are_only_secrets_and_github_values(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert [e for e in EXPRESSION.findall(text) if not CONTEXTS.fullmatch(e)] == []
    for step in steps(path):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_secrets_each_workflow_needs() -> None:
    found = {
        path.name: sorted(set(re.findall(r"secrets\.([A-Z_0-9]+)", path.read_text("utf-8"))))
        for path in WORKFLOWS
    }
    assert found == {
        "deploy-prod.yml": [
            "DEPLOY_CHAT_ID",
            "GITHUB_TOKEN",
            "PROD_TELEGRAM_BOT_TOKEN",
            "VPS_HOST",
            "VPS_SSH_KEY",
            "VPS_USER",
        ],
        "deploy-staging.yml": [
            "DEPLOY_CHAT_ID",
            "GITHUB_TOKEN",
            "STAGING_TELEGRAM_BOT_TOKEN",
            "VPS_HOST",
            "VPS_SSH_KEY",
            "VPS_USER",
        ],
        "pull-request.yml": [],
    }


def test_staging_deploys_on_push_and_production_through_the_approval_gate() -> None:
    staging, production = load(FOLDER / "deploy-staging.yml"), load(FOLDER / "deploy-prod.yml")
    assert staging["on"] == {"push": {"branches": ["main"]}}
    assert "environment" not in staging["jobs"]["deploy"]
    assert production["on"] == {"workflow_dispatch": {}}
    assert production["jobs"]["deploy"]["environment"] == "production"


def test_images_are_tagged_with_the_environment_tag_and_a_timestamp() -> None:
    built = [s["env"] for s in steps(FOLDER / "deploy-staging.yml") if "IMAGE" in s.get("env", {})]
    contexts = [
        build["context"]
        for e in built
        for build in [
            service["build"] for service in json.loads(e["BUILD_FILE"])["services"].values()
        ]
    ]
    assert [
        (e["IMAGE"], e["TAG"], context) for e, context in zip(built, contexts, strict=True)
    ] == [
        ("ghcr.io/vpatrin/coupette-backend", "staging", "./backend"),
        ("ghcr.io/vpatrin/coupette-bot", "staging", "./bot"),
        ("ghcr.io/vpatrin/coupette-scraper", "staging", "./scraper"),
    ]
    promoted = [s["env"] for s in steps(FOLDER / "deploy-prod.yml") if "IMAGE" in s.get("env", {})]
    assert {(e["TAG"], e["FROM_TAG"], e["STAMP"]) for e in promoted} == {
        ("latest", "staging", "${{ steps.stamp.outputs.tag }}")
    }


def _fake(folder: Path, name: str) -> None:
    path = folder / name
    path.write_text(
        "#!/usr/bin/env bash\nprintf '%s\\x1f' \"" + name + '" "$@" >> "$FAKE_LOG"\n'
        "printf '\\n' >> \"$FAKE_LOG\"\n",
        encoding="utf-8",
    )
    path.chmod(0o755)


def _run_step(tmp_path: Path, step: dict[str, Any], values: dict[str, str]) -> list[list[str]]:
    """Run a step's script with its env (expressions replaced by `values`), with fake ssh,
    scp, ssh-keyscan and curl first on PATH; the calls they recorded."""
    fakes = tmp_path / "bin"
    fakes.mkdir(exist_ok=True)
    for name in ("ssh", "scp", "ssh-keyscan", "curl"):
        _fake(fakes, name)
    log = tmp_path / "calls.log"
    log.write_text("", encoding="utf-8")
    environment = {
        name: EXPRESSION.sub(lambda m: values[m.group(1)], value)
        for name, value in step["env"].items()
    }
    environment |= {"PATH": f"{fakes}:/usr/bin:/bin", "HOME": str(tmp_path), "FAKE_LOG": str(log)}
    subprocess.run(["bash", "-c", step["run"]], env=environment, check=True, cwd=REPO, timeout=30)
    return [line.split("\x1f")[:-1] for line in log.read_text(encoding="utf-8").splitlines()]


VALUES = {
    "secrets.VPS_HOST": "vps.example",
    "secrets.VPS_USER": "deploy",
    "secrets.VPS_SSH_KEY": "KEY",
    "secrets.STAGING_TELEGRAM_BOT_TOKEN": "123:abc",
    "secrets.DEPLOY_CHAT_ID": "-100",
    "steps.stamp.outputs.tag": "20260101-000000",
    "job.status": "success",
}


def bash_quoted(text: str) -> str:
    """`text` as bash's `printf %q` writes it, for a command run over ssh."""
    quoted = subprocess.run(
        ["bash", "-c", 'printf %q "$0"', text], capture_output=True, text=True, check=True
    )
    return quoted.stdout


CREATE = (
    "docker network inspect caddy-staging > /dev/null 2>&1 || docker network create caddy-staging"
)
CONNECT = (
    "docker network inspect --format '{{range .Containers}}[{{.Name}}]{{end}}' caddy-staging"
    " | grep -qF '[caddy]' || docker network connect caddy-staging caddy"
)


@pytest.mark.parametrize(
    ("networks", "containers", "docker_calls"),
    [
        # No network yet: created, then Caddy attached.
        ("", "", ["network inspect caddy-staging", "network create caddy-staging"]),
        # The network, without Caddy (another container named like it does not count).
        ("caddy-staging", "[caddy-old]", ["network inspect caddy-staging"]),
        # Both there: nothing to do (a second connect would fail).
        ("caddy-staging", "[caddy]", ["network inspect caddy-staging"]),
    ],
)
def test_the_remote_commands_attach_the_proxy_once(
    tmp_path: Path, networks: str, containers: str, docker_calls: list[str]
) -> None:
    """The two remote commands, run by a real shell against a fake `docker` that knows
    which networks exist and which containers are on them."""
    docker = tmp_path / "docker"
    docker.write_text(
        "#!/usr/bin/env bash\n"
        'printf "%s\\n" "$*" >> "$FAKE_LOG"\n'
        'if [ "$1 $2" = "network inspect" ]; then\n'
        '  if [ "$3" = --format ]; then printf "%s\\n" "$FAKE_CONTAINERS"; exit 0; fi\n'
        '  [ "$3" = "$FAKE_NETWORKS" ]; exit\n'
        "fi\n",
        encoding="utf-8",
    )
    docker.chmod(0o755)
    log = tmp_path / "docker.log"
    log.write_text("", encoding="utf-8")
    environment = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "FAKE_LOG": str(log),
        "FAKE_NETWORKS": networks,
        "FAKE_CONTAINERS": containers,
    }
    for command in (CREATE, CONNECT):
        subprocess.run(["bash", "-c", command], env=environment, check=True, cwd=tmp_path)
    calls = log.read_text(encoding="utf-8").splitlines()
    inspect = "network inspect --format {{range .Containers}}[{{.Name}}]{{end}} caddy-staging"
    connect = [] if containers == "[caddy]" else ["network connect caddy-staging caddy"]
    assert calls == [*docker_calls, inspect, *connect]


def test_the_deploy_step_copies_the_file_and_waits_for_health(tmp_path: Path) -> None:
    (step,) = [s for s in steps(FOLDER / "deploy-staging.yml") if "SSH_KEY" in s.get("env", {})]
    calls = _run_step(tmp_path, step, VALUES)
    assert calls == [
        ["ssh-keyscan", "-H", "vps.example"],
        [
            "ssh",
            "-i",
            f"{tmp_path}/.ssh/deploy_key",
            "deploy@vps.example",
            "mkdir -p /srv/coupette/rendered",
        ],
        [
            "scp",
            "-i",
            f"{tmp_path}/.ssh/deploy_key",
            "rendered/docker-compose.staging.yml",
            "deploy@vps.example:/srv/coupette/rendered/docker-compose.staging.yml",
        ],
        # The git-ignored files the compose file reads are on the host.
        [
            "ssh",
            "-i",
            f"{tmp_path}/.ssh/deploy_key",
            "deploy@vps.example",
            f"cd /srv/coupette && sh -c {bash_quoted(step['env']['HOST_CHECK'])} sh .env.staging ",
        ],
        # staging's own network to Caddy exists, and Caddy is on it, before Compose starts.
        ["ssh", "-i", f"{tmp_path}/.ssh/deploy_key", "deploy@vps.example", CREATE],
        ["ssh", "-i", f"{tmp_path}/.ssh/deploy_key", "deploy@vps.example", CONNECT],
        [
            "ssh",
            "-i",
            f"{tmp_path}/.ssh/deploy_key",
            "deploy@vps.example",
            "cd /srv/coupette && IMAGE_TAG=20260101-000000 docker compose --env-file .env.staging "
            "-f rendered/docker-compose.staging.yml -p coupette-staging up -d --pull always --wait",
        ],
    ]
    assert (tmp_path / ".ssh" / "deploy_key").read_text(encoding="utf-8") == "KEY\n"


def test_the_notice_goes_through_the_integration(tmp_path: Path) -> None:
    (step,) = [s for s in steps(FOLDER / "deploy-staging.yml") if "NOTICE_URL" in s.get("env", {})]
    assert step["if"] == "always()"
    calls = _run_step(tmp_path, step, VALUES)
    assert calls == [
        [
            "curl",
            "--fail",
            "--silent",
            "--show-error",
            "--max-time",
            "30",
            "--data-urlencode",
            "chat_id=-100",
            "--data-urlencode",
            "text=staging: deploy 20260101-000000 success",
            "https://api.telegram.org/bot123:abc/sendMessage",
        ]
    ]


def test_the_compose_options_of_a_deploy_are_what_compose_accepts(tmp_path: Path) -> None:
    (step,) = [s for s in steps(FOLDER / "deploy-prod.yml") if "SSH_KEY" in s.get("env", {})]
    options = step["env"]["COMPOSE_OPTIONS"].split("\n")
    names = re.findall(r"^([A-Z_0-9]+)=", (REPO / ".env.example").read_text("utf-8"), re.M)
    (tmp_path / ".env.production").write_text("".join(f"{n}=x\n" for n in names), "utf-8")
    (tmp_path / "rendered").symlink_to(REPO / "rendered")
    result = subprocess.run(
        [BINARY, *options, "config", "-q"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_a_spec_string_that_github_would_evaluate_is_refused(shipped: Path, run: Run) -> None:
    edit_spec(shipped, "base.yaml", "  branch: main\n", "  branch: ${{ github.token }}\n")
    result = run("--root", shipped, "render")
    assert result.exit_code == 2
    assert "GitHub would evaluate" in result.stderr
    with pytest.raises(ValueError, match="GitHub would evaluate"):
        workflow_value("x ${{ secrets.A }}")
    assert secret("VPS_HOST") == "${{ secrets.VPS_HOST }}"


@pytest.mark.parametrize("name", ["deploy-staging.yml", "pull-request.yml"])
def test_check_names_a_hand_edited_workflow(shipped: Path, run: Run, name: str) -> None:
    path = shipped / "rendered" / "github" / name
    path.write_text(path.read_text(encoding="utf-8").replace("ubuntu-latest", "ubuntu-22.04"))
    result = run("--root", shipped, "check")
    assert result.exit_code == 1
    assert f"rendered/github/{name}: differs from its specs\n" in result.output


def test_the_workflows_folder_is_configurable(shipped: Path, run: Run) -> None:
    pyproject = shipped / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('workflows = "rendered/github"', 'workflows = ".github/workflows"'), "utf-8"
    )
    assert run("--root", shipped, "render").exit_code == 0
    assert (shipped / ".github/workflows/deploy-prod.yml").is_file()
    # The old folder is no longer envgen's: it is left as it is.
    assert (shipped / "rendered/github/deploy-prod.yml").is_file()


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_a_workflow_reads_back_as_its_document(path: Path) -> None:
    """The read-back (libyaml's parser) takes a rendered workflow as the data it means, and
    names the first wrong value of one that differs."""
    text = path.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    assert read_workflow(text, document) is None
    assert read_workflow(text, {**document, "name": "other"}) == (
        "the YAML does not read back as the workflow"
    )


def test_a_workflow_that_is_not_yaml_is_named_in_pyyamls_own_words() -> None:
    assert read_workflow("on: [push\n", {}) == (
        "invalid YAML: while parsing a flow sequence\n"
        '  in "<unicode string>", line 1, column 5:\n'
        "    on: [push\n"
        "        ^\n"
        "expected ',' or ']', but got '<stream end>'\n"
        '  in "<unicode string>", line 2, column 1:\n'
        "    \n"
        "    ^"
    )


def test_the_pull_request_check_installs_the_envgen_that_rendered_it() -> None:
    found = steps(FOLDER / "pull-request.yml")
    runs = [step["run"] for step in found if "envgen check" in step.get("run", "")]
    assert runs == [f"pip install compose-envgen=={envgen.__version__}\nenvgen check\n"]
