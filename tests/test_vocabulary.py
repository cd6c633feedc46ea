"""Compose's vocabulary in a spec means what it means in a compose file: Compose's own
normalized model of envgen's rendering equals that of the same text written by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.compose_cli import compose
from tests.conftest import Run, write_tree

ENVGEN_ONLY = """\
app: shop
access: localhost
host:
  name: laptop
compose_project: shop
"""

# Written as a Compose user writes it; every key here is also valid in a compose file.
SERVICES = """\
services:
  worker:
    image: example/worker:1@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
    command: [celery, -A, app, worker, -n, worker@$$HOSTNAME]
    environment:
      - BROKER=redis://cache:6379/0
      - EMPTY
      - HOME_DIR=${HOME_DIR:-${HOME}}
    depends_on:
      cache:
        condition: service_healthy
        restart: true
    restart: on-failure:3
    labels:
      - com.example.role=worker
    networks:
      back:
        aliases: [jobs]
    deploy:
      replicas: 2
      resources:
        reservations:
          memory: 128m
    extra_hosts: ["host.docker.internal:host-gateway"]
    shm_size: 256m
    init: true
    stop_signal: SIGTERM
    expose: ["5555"]
    ulimits:
      nofile: {soft: 1024, hard: 2048}
    sysctls: {net.core.somaxconn: 1024}
    hostname: worker
    dns: [1.1.1.1]
    platform: linux/amd64
    pids_limit: 100
    x-team: jobs
    secrets: [api_key]
    configs:
      - source: settings
        target: /etc/worker.toml
    healthcheck:
      test: [CMD, celery, inspect, ping]
      start_interval: 2s
    logging:
      driver: local
      options: {max-size: 10m}
  cache:
    image: redis:7
    networks: [back]
    healthcheck:
      disable: true
networks:
  back:
    name: shop-back
    external: false
    internal: true
secrets:
  api_key:
    environment: API_KEY
configs:
  settings:
    content: "concurrency = 2"
x-owner: platform
"""


def _normalized(path: Path) -> Any:
    result = compose(path, "config", "--format", "json", variables={"HOME": "/h"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_compose_users_spec_means_what_the_same_compose_file_means(
    tmp_path: Path, run: Run
) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": ENVGEN_ONLY + SERVICES,
            "environments/local.yaml": "tier: local\n",
            "plain/compose.yml": "name: shop\n" + SERVICES,
        },
    )
    result = run("--root", tmp_path, "render")
    assert result.exit_code == 0, result.output
    rendered = _normalized(tmp_path / "rendered" / "docker-compose.local.yml")
    assert rendered == _normalized(tmp_path / "plain" / "compose.yml")
    worker = rendered["services"]["worker"]
    assert (worker["command"][-1], worker["environment"]["EMPTY"]) == ("worker@$$HOSTNAME", None)
