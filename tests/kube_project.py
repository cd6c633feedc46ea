"""A small project on Kubernetes that uses every row of the mapping table, the way to
render it, and the real consumer (kubernetes-validate) that judges the manifests."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from envgen.outputs.render import render_project
from envgen.project.load import load_project
from envgen.settings import load_settings
from kubernetes_validate import utils

from tests.conftest import write_tree

# The Kubernetes release the manifests are judged against (kubernetes-validate's schemas).
KUBERNETES_VERSION = "1.33.0"
VALIDATE = Path(sys.executable).parent / "kubernetes-validate"

BASE = """\
app: shop
access: localhost
target: kubernetes
integrations:
  llm:
    mode: real
database:
  name: shop
  user: shop
  service: db
  password_variable: DB_PASSWORD
  password_url_safe: true
volumes:
  dbdata: {}
  shared:
    name: shop-shared-claim
    external: true
services:
  api:
    description: the API
    image: example/api
    build: ./api
    entrypoint: [/bin/serve]
    command: [--price, "$$5", --key, "${API_SIGNING_KEY}"]
    working_dir: /srv
    user: "1000:2000"
    facts:
      DATABASE_URL: database.url
      LLM_KEY: integrations.llm.secrets.key
    environment:
      CACHE_HOST: cache
      GREETING: "hello $$USER"
      LEVEL: ${LOG_LEVEL:-info}
    depends_on:
      db: service_healthy
      migrate: service_completed_successfully
    ports: ["127.0.0.1:8080:8001"]
    healthcheck:
      test: [CMD, curl, -f, "http://localhost:8001/health"]
      interval: 15s
      timeout: 4s
      retries: 5
      start_period: 1m30s
    read_only: true
    no_new_privileges: true
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    memory: 256m
    cpus: 0.5
    tmpfs:
      - target: /tmp
        size: 64m
    volumes:
      - ./config/app.toml:/etc/app/app.toml:ro
      - shared:/shared
    labels:
      team: core
    stop_grace_period: 45s
    restart: unless-stopped
  worker:
    image: example/worker
    build: ./worker
    environment:
      API: http://api:8001/v1
    healthcheck:
      test: [CMD-SHELL, "pgrep worker || exit 1"]
    pull_policy: always
    deploy:
      replicas: 3
    shm_size: 32m
    volumes:
      - /var/cache/worker
      - ./config/app.toml:/etc/worker/app.toml
      - ./other/app.toml:/etc/worker/other.toml
    memory: 128m
    cpus: 0.25
    restart: unless-stopped
  cache:
    image: redis:7.4
    expose: ["6379"]
    healthcheck:
      test: [CMD-SHELL, "bash -c ':> /dev/tcp/127.0.0.1/6379'"]
    memory: 64m
    cpus: 0.1
    restart: unless-stopped
  db:
    image: postgres:16.4
    facts:
      POSTGRES_PASSWORD: database.password
    volumes:
      - dbdata:/var/lib/postgresql/data
    tmpfs:
      - /var/run/postgresql:size=8m
    healthcheck:
      test: [CMD-SHELL, pg_isready]
    memory: 256m
    cpus: 0.5
    restart: unless-stopped
  migrate:
    image: example/api
    build: ./api
    command: [migrate]
    facts:
      DATABASE_URL: database.url
    depends_on:
      db: service_healthy
    restart: "no"
    memory: 64m
    cpus: 0.25
  seed:
    image: example/api
    build: ./api
    seed: true
    command: [seed]
    profiles: [seed]
    restart: on-failure:2
    memory: 64m
    cpus: 0.25
  spare:
    image: example/api
    build: ./api
    profiles: [debug]
    memory: 64m
    cpus: 0.25
    restart: unless-stopped
"""

STAGING = """\
tier: staging
host:
  name: cluster
  memory: 3g
domain: staging.shop.example
access: basic_auth
image_tag: staging
kubernetes:
  variables_from: shop-vault
  basic_auth_from: shop-staging-auth
  certificate_from: staging-tls
  storage:
    dbdata: 5Gi
integrations:
  llm:
    mode: real
    secrets:
      key: STAGING_LLM_KEY
database:
  name: shop_staging
  user: shop_staging
  password_variable: STAGING_DB_PASSWORD
proxy:
  network: proxy
  service: api
  port: 8001
networks:
  proxy: {}
services:
  seed:
    restart: on-failure:2
"""

PRODUCTION = """\
tier: production
host:
  name: cluster
  memory: 3g
domain: shop.example
access: public
image_tag: v2.0.1
integrations:
  llm:
    mode: real
    secrets:
      key: PROD_LLM_KEY
database:
  name: shop_production
  user: shop_production
  password_variable: PROD_DB_PASSWORD
proxy:
  network: proxy
  service: api
  port: 8001
networks:
  proxy: {}
services:
  seed: !remove
"""

CONFIG = 'listen = "0.0.0.0:8001"\n'


def kube_project(root: Path, **specs: str) -> Path:
    """The project under `root`; `specs` replaces or adds files of environments/."""
    files = {
        "pyproject.toml": '[tool.envgen]\ndisabled = ["caddy", "makefile", "rollback-script",'
        ' "rollback-migration-script", "pull-request-workflow", "deploy-workflow",'
        ' "variables-file", "variables-example"]\n',
        "environments/base.yaml": BASE,
        "environments/staging.yaml": STAGING,
        "environments/production.yaml": PRODUCTION,
        "config/app.toml": CONFIG,
        "other/app.toml": "other = true\n",
    }
    files.update({f"environments/{name}.yaml": text for name, text in specs.items()})
    return write_tree(root, files)


def manifests(root: Path, names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """The rendered objects by `environment/kind/name`, through load and render (no
    policies: a test of what would be rendered)."""
    project = load_project(load_settings(root))
    files = render_project(project, names)
    found: dict[str, dict[str, Any]] = {}
    for path, text in files.items():
        if "kubernetes" not in path.parts or path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(text):
            key = f"{path.parent.name}/{document['kind']}/{document['metadata']['name']}"
            assert key not in found, key
            found[key] = document
    return found


def files_of(root: Path) -> dict[str, str]:
    """Every rendered Kubernetes file, by its path under rendered/kubernetes/."""
    project = load_project(load_settings(root))
    return {
        str(path.relative_to("rendered/kubernetes")): text
        for path, text in render_project(project).items()
        if "kubernetes" in path.parts
    }


def kubernetes_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    """kubernetes-validate --strict over every manifest under `folder` (not the
    Kustomization, a kind it has no schema for), reporting only warnings and failures."""
    paths = sorted(
        str(path) for path in folder.rglob("*.yaml") if path.name != "kustomization.yaml"
    )
    assert paths, f"no manifests under {folder}"
    return subprocess.run(
        [str(VALIDATE), "--strict", "--quiet", "-k", KUBERNETES_VERSION, *paths],
        capture_output=True,
        text=True,
        check=False,
    )


# The schemas, parsed once per run rather than once per object (they are read-only).
_SCHEMAS = functools.lru_cache(maxsize=None)(utils.schema_contents)


def validation_errors(objects: list[dict[str, Any]]) -> list[str]:
    """What kubernetes-validate --strict says of each object, called in-process (the
    function its command calls for each resource): an error, or a missing schema, which
    the command only warns of and which counts as a failure here."""
    utils.schema_contents = _SCHEMAS
    found = []
    for document in objects:
        try:
            utils.validate(document, KUBERNETES_VERSION, strict=True)
        except utils.ValidationError as error:
            found.append(f"{document['kind']}/{document['metadata']['name']}: {error}")
        except (utils.SchemaNotFoundError, utils.InvalidSchemaError) as error:
            found.append(f"{document['kind']}: {error.message}")
    return found
