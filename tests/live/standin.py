"""Stand-in images: per service a busybox image that serves the service's ports and
answers its health check, so a rendered file runs unchanged but for `image`."""

from __future__ import annotations

import hashlib
import io
import re
import shlex
import subprocess
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUSYBOX = Path("/bin/busybox")
STUB_DIR = "usr/local/bin"

# PID 1 serves every port of the service with busybox httpd (GET /health answers 200) and
# ends on TERM, so `docker stop` takes no grace period; a job says it ran and exits 0. Run
# any other way (a health check, a probe through `docker exec`) the same program checks
# that every port answers. Each command and health-check program of the spec (gunicorn,
# python, pg_isready, bash...) is a link to it, so the rendered file runs as written.
STANDIN = """#!/bin/sh
if [ "$$" = 1 ]; then
  if [ "$STANDIN_JOB" = 1 ]; then
    echo "stand-in job: $0 $*: done"
    exit 0
  fi
  trap 'exit 0' TERM INT
  for port in $STANDIN_PORTS; do
    httpd -f -p "$port" -h /www &
  done
  sleep 2147483647 &
  wait
  exit 0
fi
for port in $STANDIN_PORTS; do
  wget -q -O /dev/null "http://127.0.0.1:$port/health" || exit 1
done
exit 0
"""

# Programs a command line may name that busybox itself provides as the real thing: a
# health check written with them runs as written.
REAL = frozenset({"sh", "exit", "true", "false", "test", "[", "echo", "cat", "wget", "nc"})
SHELL_SPLIT = re.compile(r"\|\||&&|[|;()]")


@dataclass(frozen=True)
class Standin:
    """What one service's stand-in image must do."""

    tag: str
    ports: tuple[int, ...]
    job: bool
    # `project/service`, served at /cgi-bin/identity: a probe that reads it knows which
    # container answered (a name resolving to one's own service is no breach; another's is).
    identity: str


def programs(service: Mapping[str, Any]) -> set[str]:
    """The programs a service's command and health check start, which the image links
    to the stand-in (busybox's own programs in REAL excepted)."""
    found: set[str] = set()
    command = service.get("command") or []
    if command:
        found.add(str(command[0]))
    test = (service.get("healthcheck") or {}).get("test") or []
    if test and test[0] == "CMD" and len(test) > 1:
        found.add(str(test[1]))
    elif test and test[0] == "CMD-SHELL":
        for part in SHELL_SPLIT.split(" ".join(test[1:])):
            words = [w for w in shlex.split(part, posix=True) if "=" not in w[:1]]
            words = [w for w in words if not w.startswith((">", "<", ":>"))]
            if words:
                found.add(words[0])
    return {Path(name).name for name in found if Path(name).name not in REAL}


def is_job(service: Mapping[str, Any]) -> bool:
    """A one-shot job: told never to restart, with nothing to check its health (a server
    may leave `restart` unset, as a cache often does)."""
    return service.get("restart") == "no" and not service.get("healthcheck")


def container_ports(configs: Iterable[Mapping[str, Any]], service: str) -> tuple[int, ...]:
    """The ports a service listens on inside its container: every target port any
    environment publishes or exposes for it (Compose's resolved models)."""
    ports: set[int] = set()
    for config in configs:
        found = config.get("services", {}).get(service)
        if not found:
            continue
        ports.update(int(p["target"]) for p in found.get("ports") or [])
        ports.update(int(str(e).split("/")[0]) for e in found.get("expose") or [])
    return tuple(sorted(ports))


IDENTITY = """#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' "$STANDIN_IDENTITY"
"""
BASE = "envgen-standin/base:live"


def root_tar(links: Iterable[str]) -> bytes:
    """The base image's root folder as a tar: busybox and its programs, the stand-in
    program and its links, /www/health and the identity script."""
    applets = subprocess.run(
        [str(BUSYBOX), "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:

        def add(name: str, *, data: bytes | None = None, link: str = "", mode: int = 0o755) -> None:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.mode = mode
            if link:
                info.type = tarfile.SYMTYPE
                info.linkname = link
                tar.addfile(info)
            elif data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))

        for folder in ("bin", "etc", "tmp", "usr", "usr/local", STUB_DIR, "www", "www/cgi-bin"):
            add(folder, mode=0o1777 if folder == "tmp" else 0o755)
        add("bin/busybox", data=BUSYBOX.read_bytes())
        for applet in applets:
            if applet != "busybox":
                add(f"bin/{applet}", link="busybox")
        add(f"{STUB_DIR}/standin", data=STANDIN.encode())
        for name in sorted(set(links)):
            add(f"{STUB_DIR}/{name}", link="standin")
        add("www/health", data=b"ok\n", mode=0o644)
        add("www/cgi-bin/identity", data=IDENTITY.encode())
        add("etc/passwd", data=b"root:x:0:0:root:/:/bin/sh\n", mode=0o644)
        add("etc/group", data=b"root:x:0:\n", mode=0o644)
    return buffer.getvalue()


def _docker(
    docker: list[str], env: Mapping[str, str], *args: str, data: bytes | None = None
) -> str:
    done = subprocess.run(
        [*docker, *args], input=data, capture_output=True, check=True, env=dict(env), timeout=120
    )
    return done.stdout.decode()


def _label(docker: list[str], env: Mapping[str, str], tag: str) -> str:
    """The `envgen.standin` label of an image already built, else ""."""
    done = subprocess.run(
        [*docker, "image", "inspect", "--format", '{{index .Config.Labels "envgen.standin"}}', tag],
        capture_output=True,
        text=True,
        env=dict(env),
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def build_base(docker: list[str], env: Mapping[str, str], links: Iterable[str]) -> None:
    """Imports the one base image (`docker import`, no registry), every program that any
    service starts linked to the stand-in; kept when an equal one is there already, so
    a second run recreates no container."""
    tar = root_tar(links)
    digest = hashlib.sha256(tar).hexdigest()
    if _label(docker, env, BASE) != digest:
        _docker(
            docker, env, "import", "--change", f"LABEL envgen.standin={digest}", "-", BASE, data=tar
        )


def build(docker: list[str], env: Mapping[str, str], standin: Standin) -> None:
    """One service's image: the base with its ports, role and identity (a commit of a
    container never started: no layer to copy, a fraction of a second)."""
    changes = [
        f"ENV PATH=/{STUB_DIR}:/bin",
        f"ENV STANDIN_PORTS={' '.join(map(str, standin.ports))}",
        f"ENV STANDIN_JOB={int(standin.job)}",
        f"ENV STANDIN_IDENTITY={standin.identity}",
        f'CMD ["/{STUB_DIR}/standin"]',
    ]
    digest = hashlib.sha256("\n".join([_label(docker, env, BASE), *changes]).encode()).hexdigest()
    if _label(docker, env, standin.tag) == digest:
        return
    container = _docker(docker, env, "create", BASE, "/bin/true").strip()
    try:
        args = ["commit"]
        for change in [*changes, f"LABEL envgen.standin={digest}"]:
            args += ["--change", change]
        _docker(docker, env, *args, container, standin.tag)
    finally:
        _docker(docker, env, "rm", container)
