"""GitHub Actions workflows: checks on pull requests, and one deploy workflow per deployed
environment with a `delivery`: images built by Compose from the spec's own `build` (or
promoted) and pushed under the environment's tag and a timestamp, the compose file and
every project file it reads copied to the host over SSH (those git-ignored checked there
instead), Compose started with `--wait` until every health check passes, then a notice.

Every spec string reaches a step through `env:` (workflow_text.py); the scripts below are
constant, so no spec value can change a command.
"""

from __future__ import annotations

import re
from typing import Any

from envgen.gitignore import read_gitignore
from envgen.model.delivery import Delivery
from envgen.model.environment import Environment
from envgen.model.tiers import Tier
from envgen.outputs.compose import COMPOSE
from envgen.outputs.deploy_payload import build_file, host_files
from envgen.outputs.languages.workflow_text import (
    read_workflow,
    secret,
    workflow_value,
    workflow_yaml,
)
from envgen.outputs.makefile import compose_options
from envgen.outputs.output import Output
from envgen.project.load import Project
from envgen.settings import Settings
from envgen.version import __version__

CHECKOUT = {"uses": "actions/checkout@v4"}
PYTHON = {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}}
STAMP_SCRIPT = 'echo "tag=$(date -u +%Y%m%d-%H%M%S)" >> "$GITHUB_OUTPUT"\n'
# Compose builds the image from the spec's own `build` (BUILD_FILE), so that every build
# key means what it means on a laptop; it tags it with the environment's tag and the stamp.
BUILD_SCRIPT = """\
set -euo pipefail
build_file=$(mktemp)
printf '%s\\n' "$BUILD_FILE" > "$build_file"
docker compose -f "$build_file" --project-directory . build
docker push "$IMAGE:$TAG"
docker push "$IMAGE:$STAMP"
"""
PROMOTE_SCRIPT = """\
set -euo pipefail
docker pull "$IMAGE:$FROM_TAG"
docker tag "$IMAGE:$FROM_TAG" "$IMAGE:$TAG"
docker tag "$IMAGE:$FROM_TAG" "$IMAGE:$STAMP"
docker push "$IMAGE:$TAG"
docker push "$IMAGE:$STAMP"
"""
DEPLOY_SCRIPT = """\
set -euo pipefail
install -m 700 -d ~/.ssh
printf '%s\\n' "$SSH_KEY" > ~/.ssh/deploy_key
chmod 600 ~/.ssh/deploy_key
ssh-keyscan -H "$SSH_HOST" >> ~/.ssh/known_hosts
target="$SSH_USER@$SSH_HOST"
folder=$(dirname "$COMPOSE_FILE")
ssh -i ~/.ssh/deploy_key "$target" "mkdir -p $(printf '%q' "$DIRECTORY/$folder")"
scp -i ~/.ssh/deploy_key "$COMPOSE_FILE" "$target:$DIRECTORY/$COMPOSE_FILE"
if [ -n "$SHIPPED_FILES" ]; then
  mapfile -t shipped <<< "$SHIPPED_FILES"
  tar -cf - -- "${shipped[@]}" |
    ssh -i ~/.ssh/deploy_key "$target" "tar -xf - -C $(printf '%q' "$DIRECTORY")"
fi
if [ -n "$HOST_FILES" ]; then  # HOST_CHECK is set with it
  mapfile -t needed <<< "$HOST_FILES"
  remote="cd $(printf '%q' "$DIRECTORY") && sh -c $(printf '%q' "$HOST_CHECK") sh"
  ssh -i ~/.ssh/deploy_key "$target" "$remote $(printf '%q ' "${needed[@]}")"
fi
mapfile -t options <<< "$COMPOSE_OPTIONS"
remote="cd $(printf '%q' "$DIRECTORY") && IMAGE_TAG=$(printf '%q' "$STAMP")"
remote+=" docker compose $(printf '%q ' "${options[@]}")up -d --pull always --wait"
ssh -i ~/.ssh/deploy_key "$target" "$remote"
"""
# Run on the host by `sh -c CHECK sh FILE...`: every git-ignored file the compose file reads
# must be there before anything starts.
HOST_CHECK = (
    'status=0; for file in "$@"; do [ -e "$file" ] || { echo "missing on the host: $file '
    '(git-ignored, so the deploy does not copy it: put it there)" >&2; status=1; }; done; '
    "exit $status"
)
# Before Compose starts a routed environment: its own network to the proxy exists (it is
# external, so Compose does not create it), and the proxy, when it runs outside the stack,
# is attached to it (once: a second `connect` would fail).
PROXY_NETWORK_SCRIPT = """\
network=$(printf '%q' "$PROXY_NETWORK")
ssh -i ~/.ssh/deploy_key "$target" \\
  "docker network inspect $network > /dev/null 2>&1 || docker network create $network"
"""
PROXY_ATTACH_SCRIPT = """\
proxy=$(printf '%q' "$PROXY_CONTAINER")
attached="docker network inspect --format '{{range .Containers}}[{{.Name}}]{{end}}' $network"
ssh -i ~/.ssh/deploy_key "$target" \\
  "$attached | grep -qF '[$proxy]' || docker network connect $network $proxy"
"""


def deploy_script(env: Environment) -> tuple[str, dict[str, str]]:
    """The deploy step's script and the variables it adds for the proxy's network."""
    proxy = env.proxy
    if proxy is None or env.domain is None:
        return DEPLOY_SCRIPT, {}
    declared = env.networks.get(proxy.network)
    if declared is not None and not declared.external:
        # The stack creates it at `up` (its edge proxy runs in it, PRX002): made before by
        # `docker network create`, it would lack the labels Compose looks for, and Compose
        # would refuse it.
        return DEPLOY_SCRIPT, {}
    head, last = DEPLOY_SCRIPT.rstrip("\n").rsplit("\n", 1)
    variables = {"PROXY_NETWORK": workflow_value(env.network_name(proxy.network))}
    script = f"{head}\n{PROXY_NETWORK_SCRIPT}"
    if proxy.container is not None:
        variables["PROXY_CONTAINER"] = workflow_value(proxy.container)
        script += PROXY_ATTACH_SCRIPT
    return f"{script}{last}\n", variables


NOTICE_SCRIPT = """\
set -euo pipefail
fill() {
  local text=$1 name value
  for name in $NOTICE_PLACEHOLDERS; do
    value=NOTICE_VALUE_${name^^}
    text=${text//"{$name}"/${!value}}
  done
  printf '%s' "$text"
}
fields=()
while IFS= read -r field; do
  if [ -n "$field" ]; then
    fields+=(--data-urlencode "$(fill "$field")")
  fi
done <<< "$NOTICE_FIELDS"
curl --fail --silent --show-error --max-time 30 "${fields[@]}" "$(fill "$NOTICE_URL")" > /dev/null
"""
# The envgen that rendered the files checks them: a newer release may render differently,
# and a pull request must not fail for a release nobody chose.
PULL_REQUEST_CHECK = f"pip install compose-envgen=={__version__}\nenvgen check\n"
TEST_STACK_UP = """\
set -euo pipefail
mapfile -t options <<< "$COMPOSE_OPTIONS"
docker compose "${options[@]}" up -d --wait
"""
TEST_STACK_RUN = """\
set -euo pipefail
mapfile -t command <<< "$TEST_COMMAND"
"${command[@]}"
"""
TEST_STACK_DOWN = """\
set -euo pipefail
mapfile -t options <<< "$COMPOSE_OPTIONS"
docker compose "${options[@]}" down --volumes
"""
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def _lines(words: list[str]) -> str:
    """A list for `mapfile`: one item per line, none of them holding a line break."""
    for word in words:
        if "\n" in word or "\r" in word:
            raise ValueError(f"cannot pass {word!r} as one line of a list")
    return "\n".join(workflow_value(word) for word in words)


def _env_name(name: str) -> str:
    return "NOTICE_VALUE_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _registry(image: str) -> str | None:
    """The registry host of an image (`ghcr.io/org/app` -> `ghcr.io`); None: Docker Hub."""
    first = image.split("/", 1)[0]
    return first if "/" in image and ("." in first or ":" in first) else None


def _need(project: Project, env: Environment, delivery: Delivery, *fields: str) -> list[str]:
    missing = [f for f in fields if getattr(delivery, f) is None]
    if missing:
        raise project.spec_error(
            env.name,
            ("delivery",),
            f"needs {', '.join(f'`{f}`' for f in missing)} to render its deploy workflow",
        )
    return [str(getattr(delivery, f)) for f in fields]


def _notice_step(project: Project, env: Environment, delivery: Delivery) -> dict[str, Any] | None:
    notice = delivery.notice
    if notice is None:
        return None
    integration = env.integrations.get(notice.integration)
    if integration is None or integration.mode != "real":
        raise project.spec_error(
            env.name,
            ("delivery", "notice", "integration"),
            f"`{notice.integration}` is not a real integration of this environment",
        )
    secrets = {**integration.secrets, **notice.secrets}
    values = {_env_name(key): secret(variable) for key, variable in sorted(secrets.items())}
    message = f"{env.name}: deploy ${{{{ steps.stamp.outputs.tag }}}} ${{{{ job.status }}}}"
    values[_env_name("message")] = message
    used = set(_PLACEHOLDER.findall(notice.url + "".join(notice.fields.values())))
    unknown = sorted(used - {*secrets, "message"})
    if unknown:
        raise project.spec_error(
            env.name,
            ("delivery", "notice"),
            f"no secret for placeholder {', '.join(unknown)}",
        )
    fields = [f"{name}={value}" for name, value in notice.fields.items()]
    return {
        "name": f"Notice through {workflow_value(notice.integration)}",
        "if": "always()",
        "env": {
            "NOTICE_URL": workflow_value(notice.url),
            "NOTICE_FIELDS": _lines(fields),
            "NOTICE_PLACEHOLDERS": " ".join(sorted({*secrets, "message"})),
            **values,
        },
        "run": NOTICE_SCRIPT,
    }


def _image_steps(project: Project, env: Environment, delivery: Delivery) -> list[dict[str, Any]]:
    apps: dict[str, str] = {}  # each image, built by the first service that names it
    for name, service in env.services.items():
        if service.build is not None and service.image is not None:
            apps.setdefault(service.image, build_file(name, service))
    steps: list[dict[str, Any]] = []
    registries = sorted({r for r in map(_registry, apps) if r is not None})
    for registry in registries:
        steps.append(
            {
                "name": f"Log in to {workflow_value(registry)}",
                "uses": "docker/login-action@v3",
                "with": {
                    "registry": workflow_value(registry),
                    "username": "${{ github.actor }}",
                    "password": secret(delivery.registry_secret),
                },
            }
        )
    source = project.get(delivery.promote_from) if delivery.promote_from else None
    for image, build in apps.items():
        common = {
            "IMAGE": workflow_value(image),
            "TAG": workflow_value(env.image_tag or ""),
            "STAMP": "${{ steps.stamp.outputs.tag }}",
        }
        if source is not None:
            step_env = {**common, "FROM_TAG": workflow_value(source.image_tag or "")}
            name, script = f"Promote {image}", PROMOTE_SCRIPT
        else:
            step_env = {**common, "BUILD_FILE": workflow_value(build)}
            name, script = f"Build {image}", BUILD_SCRIPT
        steps.append({"name": workflow_value(name), "env": step_env, "run": script})
    return steps


def with_tier_defaults(project: Project, env: Environment, delivery: Delivery) -> Delivery:
    """A production-tier environment deploys by hand, gated by the GitHub environment of
    its name, promoting the images of the one staging-tier environment; any other on
    every push to `branch`. What `delivery` states wins."""
    if env.tier is not Tier.PRODUCTION:
        return delivery.model_copy(update={"trigger": delivery.trigger or "push"})
    staging = [e.name for e in project.environments if e.tier is Tier.STAGING and e.preview is None]
    return delivery.model_copy(
        update={
            "trigger": delivery.trigger or "manual",
            "approval": delivery.approval or env.name,
            "promote_from": delivery.promote_from or (staging[0] if len(staging) == 1 else None),
        }
    )


def deploy_document(project: Project, env: Environment) -> dict[str, Any]:
    """The deploy workflow of one deployed environment, as data."""
    assert env.delivery is not None
    delivery = with_tier_defaults(project, env, env.delivery)
    host, user, key, directory = _need(
        project, env, delivery, "host_secret", "user_secret", "key_secret", "directory"
    )
    if delivery.trigger == "push":
        trigger: dict[str, Any] = {"push": {"branches": [workflow_value(delivery.branch)]}}
    else:
        trigger = {"workflow_dispatch": {}}
    job: dict[str, Any] = {"runs-on": "ubuntu-latest"}
    files = host_files(env, read_gitignore(project.settings.root))
    if delivery.approval is not None:
        job["environment"] = workflow_value(delivery.approval)
    script, proxy_variables = deploy_script(env)
    deploy = {
        "name": f"Deploy {workflow_value(env.name)} and wait until it is healthy",
        "env": {
            "SSH_HOST": secret(host),
            "SSH_USER": secret(user),
            "SSH_KEY": secret(key),
            "DIRECTORY": workflow_value(directory),
            "COMPOSE_FILE": workflow_value(COMPOSE.destination(project.settings, env)),
            "COMPOSE_OPTIONS": _lines(compose_options(project.settings, env)),
            "SHIPPED_FILES": _lines(list(files.shipped)),
            "HOST_FILES": _lines(list(files.on_host)),
            **({"HOST_CHECK": HOST_CHECK} if files.on_host else {}),
            "STAMP": "${{ steps.stamp.outputs.tag }}",
            **proxy_variables,
        },
        "run": script,
    }
    notice = _notice_step(project, env, delivery)
    job["steps"] = [
        CHECKOUT,
        {"name": "Timestamp tag", "id": "stamp", "run": STAMP_SCRIPT},
        *_image_steps(project, env, delivery),
        deploy,
        *([notice] if notice else []),
    ]
    return {
        "name": f"Deploy {workflow_value(env.name)}",
        "on": trigger,
        "concurrency": {"group": f"deploy-{workflow_value(env.name)}", "cancel-in-progress": False},
        "permissions": {"contents": "read", "packages": "write"},
        "jobs": {"deploy": job},
    }


def tested_on_pull_requests(project: Project) -> list[Environment]:
    """The test-tier environments whose `delivery` names a test command: on each pull
    request, their stack is started and the command run against it."""
    return [
        env
        for env in project.environments
        if env.tier is Tier.TEST and env.delivery is not None and env.delivery.test_command
    ]


def pull_request_document(project: Project) -> dict[str, Any]:
    """Checks on every pull request: the drift gate, and the tests against each test stack
    whose `delivery` names a test command."""
    steps: list[dict[str, Any]] = [
        CHECKOUT,
        PYTHON,
        {"name": "Generated files match their specs", "run": PULL_REQUEST_CHECK},
    ]
    for env in tested_on_pull_requests(project):
        assert env.delivery is not None  # tested_on_pull_requests says so
        options = {"COMPOSE_OPTIONS": _lines(compose_options(project.settings, env))}
        name = workflow_value(env.name)
        steps += [
            {"name": f"Start {name}", "env": options, "run": TEST_STACK_UP},
            {
                "name": f"Tests against {name}",
                "env": {"TEST_COMMAND": _lines(list(env.delivery.test_command or []))},
                "run": TEST_STACK_RUN,
            },
            {"name": f"Stop {name}", "if": "always()", "env": options, "run": TEST_STACK_DOWN},
        ]
    return {
        "name": "Pull request",
        "on": {"pull_request": {}},
        "permissions": {"contents": "read"},
        "jobs": {"checks": {"runs-on": "ubuntu-latest", "steps": steps}},
    }


def _sources(project: Project, envs: list[Environment]) -> list[str]:
    return list(dict.fromkeys(p for env in envs for p in project.sources[env.name]))


def deploy_context(project: Project, env: Environment) -> dict[str, Any] | None:
    if not env.tier.deployed or env.delivery is None or env.preview is not None:
        return None  # a preview template deploys through the preview workflow instead
    document = deploy_document(project, env)
    return {
        "sources": project.sources[env.name],
        "text": workflow_yaml(document),
        "document": document,
    }


def pull_request_context(project: Project) -> dict[str, Any]:
    document = pull_request_document(project)
    return {
        "sources": _sources(project, list(project.environments)),
        "text": workflow_yaml(document),
        "document": document,
    }


def verify_workflow(text: str, context: dict[str, Any]) -> str | None:
    return read_workflow(text, context["document"])


def _deploy_filename(_: Settings, env: Environment | None) -> str:
    assert env is not None, "a deploy workflow belongs to one environment"
    return f"deploy-{env.file_suffix}.yml"


PULL_REQUEST_WORKFLOW = Output(
    "pull-request-workflow",
    "workflow.yml.j2",
    comment="#",
    folder=lambda settings: settings.workflows,
    filename=lambda _settings, _env: "pull-request.yml",
    project_context=pull_request_context,
    verify=verify_workflow,
)
DEPLOY_WORKFLOW = Output(
    "deploy-workflow",
    "workflow.yml.j2",
    comment="#",
    folder=lambda settings: settings.workflows,
    filename=_deploy_filename,
    environment_context=deploy_context,
    verify=verify_workflow,
)
