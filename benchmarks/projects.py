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
    """`environments` environments of `services` services each, their tiers drawn in turn
    (local, test, staging, production), that pass every policy: each publishes its own
    host ports, names its own volume, domain, identity and secret variables. Production
    values give SEG012 something to look for in every other environment's services."""
    specs = destination / "environments"
    specs.mkdir(parents=True)
    base = [
        "app: bench",
        "access: localhost",
        "host:",
        "  name: box",
        "integrations:",
        "  chat:",
        "    mode: mocked",
        "services:",
    ]
    for index in range(services):
        base += [
            f"  svc{index}:",
            f"    description: service number {index}",
            "    image: nginx:1.27",
            "    restart: unless-stopped",
            "    read_only: true",
            "    no_new_privileges: true",
            "    cap_drop: [ALL]",
            "    memory: 64m",
            "    logging:",
            "      driver: json-file",
            "      max_size: 10m",
            "      max_file: 3",
            "    environment:",
            f'      SERVICE_INDEX: "{index}"',
            "      MODE: bench",
            f"      PEER_URL: http://svc{(index + 1) % services}:80/api",
            "    healthcheck:",
            '      test: [CMD, "true"]',
            "      interval: 30s",
        ]
    (specs / "base.yaml").write_text("\n".join(base) + "\n", encoding="utf-8")
    for env in range(environments):
        tier = TIERS[env % len(TIERS)]
        spec = [f"tier: {tier}", f"suffix: e{env}x", *_deployed(env, tier), "services:"]
        for index in range(services):
            port = 10000 + env * services + index
            spec += [f"  svc{index}:", "    ports:", f"      - 127.0.0.1:{port}:80"]
            if index == 0 and tier in ("staging", "production"):
                spec.append("    networks: [default, edge]")
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


TIERS = ("local", "test", "staging", "production")


def _deployed(env: int, tier: str) -> list[str]:
    """What a staging or production environment adds: a domain, the proxy's basic auth
    for staging, a real integration with an identity and a secret variable of its own."""
    if tier not in ("staging", "production"):
        return []
    lines = [
        f"domain: e{env}.bench.example.org",
        f"access: {'basic_auth' if tier == 'staging' else 'public'}",
        f"variables_file: .env.e{env}",
        "integrations:",
        "  chat:",
        "    mode: real",
        f"    identity: bench-bot-{env}",
        "    secrets:",
        f"      token: E{env}_CHAT_TOKEN",
        # The proxy joins each environment's own network: none is shared.
        "networks:",
        "  edge:",
        f"    name: bench-e{env}-edge",
        "    external: true",
        "    description: the network the proxy joins to reach this environment",
        "proxy:",
        "  network: edge",
        "  service: svc0",
        "  port: 80",
    ]
    if tier == "staging":
        lines += [
            "  basic_auth:",
            f"    user_variable: E{env}_AUTH_USER",
            f"    hash_variable: E{env}_AUTH_HASH",
        ]
    return lines


def with_preview_template(destination: Path, services: int) -> Path:
    """Four environments, one of each tier, and a preview template of staging's tier,
    `services` services each: the project whose previews the benchmark multiplies."""
    root = generated(destination, 4, services)
    template = [
        "tier: staging",
        "preview:",
        "  ttl: 72h",
        "host:",
        "  name: previews",
        "domain: preview.bench.example.org",
        "access: basic_auth",
        "variables_file: .env.preview",
        "integrations:",
        "  chat:",
        "    mode: real",
        "    identity: bench-bot-preview",
        "    secrets:",
        "      token: PREVIEW_CHAT_TOKEN",
        "networks:",
        "  edge:",
        "    description: each preview's own network, which the proxy joins",
        "proxy:",
        "  network: edge",
        "  service: svc0",
        "  port: 80",
        "  basic_auth:",
        "    user_variable: PREVIEW_AUTH_USER",
        "    hash_variable: PREVIEW_AUTH_HASH",
        "services:",
        "  svc0:",
        "    networks: [default, edge]",
    ]
    (root / "environments" / "preview.yaml").write_text("\n".join(template) + "\n", "utf-8")
    return root
