"""The projects the benchmarks time: a copy of the shipped one, and generated ones of any size."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED_PARTS = ("pyproject.toml", "environments", "templates", "rendered", "docs", ".gitignore")


def shipped(destination: Path) -> Path:
    """A copy of this repository's project: specs, settings and committed output."""
    destination.mkdir(parents=True)
    for part in SHIPPED_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        elif source.is_file():
            shutil.copy2(source, destination / part)
    for extra in (".env.example", ".env.test"):
        if (REPO / extra).is_file():
            shutil.copy2(REPO / extra, destination / extra)
    return destination


def generated(destination: Path, environments: int, services: int) -> Path:
    """`environments` local-tier environments of `services` services each, all on one host,
    that pass every policy: each publishes its own host ports and names its own volume."""
    specs = destination / "environments"
    specs.mkdir(parents=True)
    base = ["app: bench", "access: localhost", "host:", "  name: box", "services:"]
    for index in range(services):
        base += [
            f"  svc{index}:",
            f"    description: service number {index}",
            "    image: nginx:1.27",
            "    restart: unless-stopped",
            "    memory: 64m",
            "    environment:",
            f'      SERVICE_INDEX: "{index}"',
            "      MODE: bench",
            "    healthcheck:",
            '      test: [CMD, "true"]',
            "      interval: 30s",
        ]
    (specs / "base.yaml").write_text("\n".join(base) + "\n", encoding="utf-8")
    for env in range(environments):
        spec = ["tier: local", f"suffix: e{env}x", "services:"]
        for index in range(services):
            port = 10000 + env * services + index
            spec += [f"  svc{index}:", "    ports:", f"      - 127.0.0.1:{port}:80"]
        (specs / f"env{env}.yaml").write_text("\n".join(spec) + "\n", encoding="utf-8")
    return destination


def compose_project(destination: Path, services: int) -> Path:
    """A team's compose project before envgen: one `compose.yaml` of `services` services
    (images, ports, variables, volumes, health checks, dependencies) and a production
    overlay, `compose.prod.yaml`, that changes a third of them."""
    destination.mkdir(parents=True)
    lines = ["services:"]
    overlay = ["services:"]
    for index in range(services):
        lines += [
            f"  svc{index}:",
            f"    image: registry.example.com/team/svc{index}:1.{index}",
            "    restart: unless-stopped",
            "    environment:",
            f"      SERVICE_NAME: svc{index}",
            "      API_TOKEN: ${API_TOKEN}",
            "    ports:",
            f'      - "127.0.0.1:{20000 + index}:8080"',
            "    volumes:",
            f"      - data{index}:/var/lib/svc",
            "    healthcheck:",
            '      test: ["CMD", "wget", "-q", "--spider", "http://localhost:8080/health"]',
            "      interval: 30s",
        ]
        if index:
            lines += ["    depends_on:", f"      - svc{index - 1}"]
        if index % 3 == 0:
            overlay += [f"  svc{index}:", "    mem_limit: 256m", "    restart: always"]
    lines += ["volumes:", *(f"  data{index}:" for index in range(services))]
    (destination / "compose.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (destination / "compose.prod.yaml").write_text("\n".join(overlay) + "\n", encoding="utf-8")
    return destination
