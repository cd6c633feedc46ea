"""The preview workflow: on a pull request opened or updated, the branch's images built
and its preview rendered from the branch's own specs, deployed over SSH and its address
commented; on close, the preview taken down; on a schedule, `envgen preview gc` takes
down whatever a lost close event left behind.

Every spec string reaches a step through `env:` (workflow_text.py); the scripts below are
constant, so no spec value can change a command.
"""

from __future__ import annotations

import copy
from typing import Any

from envgen.errors import ProjectError
from envgen.model.environment import Environment
from envgen.outputs.languages.workflow_text import (
    read_workflow,
    secret,
    workflow_value,
    workflow_yaml,
)
from envgen.outputs.output import Output
from envgen.outputs.workflows import CHECKOUT, PYTHON
from envgen.project.load import Project
from envgen.version import __version__

INSTALL = f"pip install compose-envgen=={__version__}\n"
# What every script that reaches the host starts with: the key, the host's key, and the
# names of this preview, each the template's with the id in place of the token.
_SSH = """\
set -euo pipefail
install -m 700 -d ~/.ssh
printf '%s\\n' "$SSH_KEY" > ~/.ssh/deploy_key
chmod 600 ~/.ssh/deploy_key
ssh-keyscan -H "$SSH_HOST" >> ~/.ssh/known_hosts
target="$SSH_USER@$SSH_HOST"
remote() { ssh -i ~/.ssh/deploy_key "$target" "$@"; }
"""
_NAMED = """\
named() {
  local value=$1 upper=${id^^}
  value=${value//"$TOKEN"/"$id"}
  printf '%s' "${value//"$TOKEN_UPPER"/"${upper//-/_}"}"
}
"""
_NAMES = (
    _NAMED
    + """\
project=$(named "$PROJECT")
variables=$(named "$VARIABLES_FILE")
network=$(named "$NETWORK")
"""
)
# Takes one preview down on the host: the proxy leaves its network first, so that
# Compose can remove the network with the rest.
_TEARDOWN = """\
teardown() {
  remote "$(printf '%q ' bash -c "$TEARDOWN_REMOTE" teardown \\
    "$DIRECTORY" "$project" "$network" "$PROXY" "$ROUTES/$id.caddy" "$variables" "$id")"
}
"""
TEARDOWN_REMOTE = """\
set -euo pipefail
cd "$1"
docker network disconnect "$3" "$4" 2> /dev/null || true
docker compose -p "$2" down --volumes --remove-orphans
rm -f "$5" "$6" ".env.$7.generated" "rendered/docker-compose.$7.yml"
docker exec "$4" caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile
"""
DEPLOY_REMOTE = """\
set -euo pipefail
cd "$1"
umask 077
if [ ! -f ".env.$7.generated" ]; then
  for name in $8; do
    printf '%s=%s\\n' "$name" "$(openssl rand -hex 32)"
  done > ".env.$7.generated"
fi
cat ".env.$7.generated" ".env.$7.secrets" > "$6"
rm -f ".env.$7.secrets"
docker compose --env-file "$6" -f "rendered/docker-compose.$7.yml" -p "$2" \\
  up -d --pull always --wait
docker network connect "$3" "$4" 2> /dev/null || true
docker exec "$4" caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile
"""
BUILD = """\
set -euo pipefail
docker build --tag "$IMAGE:pr-$NUMBER" "$CONTEXT"
docker push "$IMAGE:pr-$NUMBER"
"""
RENDER = 'envgen preview render "$NUMBER" --out preview\n'
DEPLOY = (
    _SSH
    + 'id="pr-$NUMBER"\n'
    + _NAMES
    + """\
generated=()
for name in $GENERATED; do
  generated+=("$(named "$name")")
done
umask 077
: > secrets.env
for name in $FROM_SECRETS; do
  value=SECRET_$name
  printf '%s=%s\\n' "$(named "$name")" "${!value}" >> secrets.env
done
remote "mkdir -p $(printf '%q' "$DIRECTORY/rendered") $(printf '%q' "$ROUTES")"
scp -i ~/.ssh/deploy_key "preview/docker-compose.$id.yml" \\
  "$target:$DIRECTORY/rendered/docker-compose.$id.yml"
scp -i ~/.ssh/deploy_key secrets.env "$target:$DIRECTORY/.env.$id.secrets"
scp -i ~/.ssh/deploy_key "preview/$id.caddy" "$target:$ROUTES/$id.caddy"
rm -f secrets.env
remote "$(printf '%q ' bash -c "$DEPLOY_REMOTE" deploy "$DIRECTORY" "$project" "$network" \\
  "$PROXY" "$ROUTES/$id.caddy" "$variables" "$id" "${generated[*]}")"
"""
)
COMMENT = (
    'id="pr-$NUMBER"\n'
    + _NAMED
    + """\
address="https://$(named "$DOMAIN")"
printf '{"body": "Preview of #%s: %s"}' "$NUMBER" "$address" > comment.json
curl --fail --silent --show-error --max-time 30 -X POST \\
  -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" \\
  --data @comment.json \\
  "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/issues/$NUMBER/comments" > /dev/null
"""
)
CLOSE = _SSH + 'id="pr-$NUMBER"\n' + _NAMES + _TEARDOWN + "teardown\n"
COLLECT = (
    _SSH
    + """\
remote docker compose ls --all --format json > projects.json
remote docker ps --all --filter label=dev.envgen.preview --format json > containers.json
: > open.json
page=1
while :; do
  curl --fail --silent --show-error --max-time 30 \\
    -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" \\
    "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/pulls?state=open&per_page=100&page=$page" \\
    > page.json
  if [ "$(tr -d '[:space:]' < page.json)" = "[]" ]; then
    break
  fi
  cat page.json >> open.json
  page=$((page + 1))
done
envgen preview gc --projects projects.json --open open.json --containers containers.json \\
  > down.txt
before=${PROJECT%%"$TOKEN"*}
after=${PROJECT#*"$TOKEN"}
while read -r _ _ _ name _; do
  id=${name#"$before"}
  id=${id%"$after"}
"""
    + "".join("  " + line + "\n" for line in _NAMES.splitlines())
    + "".join("  " + line + "\n" for line in _TEARDOWN.splitlines())
    + """\
  teardown < /dev/null
done < down.txt
"""
)


def preview_template(project: Project) -> Environment | None:
    """The project's one preview template with a `delivery`, or None."""
    templates = [env for env in project.environments if env.preview is not None]
    if len(templates) != 1 or templates[0].delivery is None:
        return None
    return templates[0]


def _host(env: Environment) -> dict[str, str]:
    assert env.delivery is not None
    assert env.preview is not None
    delivery = env.delivery
    missing = [
        field
        for field in ("host_secret", "user_secret", "key_secret", "directory")
        if getattr(delivery, field) is None
    ]
    if missing:
        raise ProjectError(
            f"{env.name}: `delivery` needs {', '.join(missing)} to render its preview workflow"
        )
    return {
        "SSH_HOST": secret(str(delivery.host_secret)),
        "SSH_USER": secret(str(delivery.user_secret)),
        "SSH_KEY": secret(str(delivery.key_secret)),
        "DIRECTORY": workflow_value(delivery.directory),
        "ROUTES": workflow_value(env.preview.routes),
        "PROXY": workflow_value(env.preview.proxy_container),
    }


def _names(env: Environment) -> dict[str, str]:
    """The template's names, which each script turns into the preview's."""
    if env.proxy is None or env.domain is None:
        raise ProjectError(f"{env.name}: a preview template needs `domain` and `proxy`")
    return {
        "TOKEN": workflow_value(env.name),
        "TOKEN_UPPER": workflow_value(env.name.replace("-", "_").upper()),
        "PROJECT": workflow_value(env.project_name),
        "VARIABLES_FILE": workflow_value(env.variables_file or f".env.{env.name}"),
        "NETWORK": workflow_value(env.network_name(env.proxy.network)),
    }


def _secrets(env: Environment) -> tuple[list[str], list[str]]:
    """The template's secret variables: made afresh on the host for each preview (its
    database password), or taken from the GitHub secret of the template's name."""
    generated, given = [], []
    for variable, path in env.secret_variables():
        if path[0] == "proxy":
            continue  # the proxy's own, set in its environment once
        if path == ("database", "password_variable"):
            generated.append(variable)
        else:
            given.append(variable)
    return generated, given


def preview_document(project: Project, env: Environment) -> dict[str, Any]:
    """The preview workflow, as data."""
    host, names = _host(env), _names(env)
    generated, given = _secrets(env)
    number = {"NUMBER": "${{ github.event.pull_request.number }}"}
    apps: dict[str, str] = {}
    for service in env.services.values():
        if service.build is not None and service.image is not None:
            apps.setdefault(service.image, service.build.context)
    login = {
        "name": "Log in to the registry",
        "uses": "docker/login-action@v3",
        "with": {
            "registry": workflow_value(
                next((image.split("/")[0] for image in apps if "/" in image), "docker.io")
            ),
            "username": "${{ github.actor }}",
            "password": secret(env.delivery.registry_secret if env.delivery else "GITHUB_TOKEN"),
        },
    }
    builds = [
        {
            "name": workflow_value(f"Build {image}"),
            "env": {**number, "IMAGE": workflow_value(image), "CONTEXT": workflow_value(ctx)},
            "run": BUILD,
        }
        for image, ctx in apps.items()
    ]
    deploy_env = {
        **number,
        **host,
        **names,
        "GENERATED": " ".join(workflow_value(v) for v in generated),
        "FROM_SECRETS": " ".join(workflow_value(v) for v in given),
        **{f"SECRET_{v}": secret(v) for v in given},
        "DEPLOY_REMOTE": DEPLOY_REMOTE,
    }
    head = {**CHECKOUT, "with": {"ref": "${{ github.event.pull_request.head.sha }}"}}
    github = {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    deploy_job = {
        "if": "github.event_name == 'pull_request' && github.event.action != 'closed'",
        "runs-on": "ubuntu-latest",
        "steps": [
            head,
            PYTHON,
            {"name": "Install envgen", "run": INSTALL},
            *([login] if apps else []),
            *builds,
            {"name": "Render the branch's preview", "env": number, "run": RENDER},
            {"name": "Deploy the preview", "env": deploy_env, "run": DEPLOY},
            {
                "name": "Comment its address",
                "env": {**number, **names, **github, "DOMAIN": workflow_value(env.domain)},
                "run": COMMENT,
            },
        ],
    }
    teardown_env = {**host, **names, "TEARDOWN_REMOTE": TEARDOWN_REMOTE}
    close_job = {
        "if": "github.event_name == 'pull_request' && github.event.action == 'closed'",
        "runs-on": "ubuntu-latest",
        "steps": [
            {"name": "Take the preview down", "env": {**number, **teardown_env}, "run": CLOSE}
        ],
    }
    gc_job = {
        "if": "github.event_name != 'pull_request'",
        "runs-on": "ubuntu-latest",
        "steps": [
            dict(CHECKOUT),
            copy.deepcopy(PYTHON),  # a copy: one object twice would be a YAML alias
            {"name": "Install envgen", "run": INSTALL},
            {
                "name": "Take down previews of closed pull requests, and expired ones",
                "env": {**teardown_env, **github},
                "run": COLLECT,
            },
        ],
    }
    return {
        "name": "Previews",
        "on": {
            "pull_request": {"types": ["opened", "reopened", "synchronize", "closed"]},
            "schedule": [{"cron": "17 * * * *"}],
            "workflow_dispatch": {},
        },
        "concurrency": {
            "group": "preview-${{ github.event.pull_request.number || 'gc' }}",
            "cancel-in-progress": False,
        },
        "permissions": {"contents": "read", "packages": "write", "pull-requests": "write"},
        "jobs": {"deploy": deploy_job, "close": close_job, "gc": gc_job},
    }


def preview_context(project: Project) -> dict[str, Any] | None:
    env = preview_template(project)
    if env is None:
        return None
    document = preview_document(project, env)
    return {
        "sources": project.sources[env.name],
        "text": workflow_yaml(document),
        "document": document,
    }


def verify_workflow(text: str, context: dict[str, Any]) -> str | None:
    return read_workflow(text, context["document"])


PREVIEW_WORKFLOW = Output(
    "preview-workflow",
    "workflow.yml.j2",
    comment="#",
    folder=lambda settings: settings.workflows,
    filename=lambda _settings, _env: "preview.yml",
    project_context=preview_context,
    verify=verify_workflow,
)
