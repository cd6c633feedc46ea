"""A service's mounts as Compose makes them: which host paths it binds, in the short and
long forms of `volumes` and through a local volume that binds a folder (`driver_opts`
with `o: bind`), and which of those binds are source code."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envgen.policies.meaning.spelling import Concept, Spelling, at
from envgen.policies.resolved import resolved, resolved_path

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service
    from envgen.reading.source import Path

BIND = Concept(
    "bind mount",
    (
        Spelling("volumes (short form)", "`./host:/target[:ro]`", {"volumes": ["./api:/app"]}),
        Spelling(
            "volumes (long form)",
            "`type: bind`, or no type and a path `source`",
            {"volumes": [{"type": "bind", "source": "./api", "target": "/app"}]},
        ),
        Spelling(
            "volumes (long form, no type)",
            "a `source` that is a path is a bind, as Compose infers it",
            {"volumes": [{"source": "./api", "target": "/app"}]},
        ),
        Spelling(
            "volumes.<key>.driver_opts",
            "a named volume of the local driver with `o: bind` and a `device`",
            {"volumes": ["code:/app"]},
        ),
    ),
    "A host path is compared as the file it names: defaults expanded, `./` and `a/..` "
    "folded (`${SRC:-./api}/../api` is `api`). PRD005 calls a bind source code when its "
    "host path is the project itself (`.`), a build context or a path inside it "
    "(`./backend/app`), a folder that holds a build context (`./services` for "
    "`./services/api`), a path outside the project that ends in a build context "
    "(`/srv/shop/api`, `../main/api/src`), a file with a code extension (`./src/app.py`, "
    "`./entrypoint.sh`), or a folder mounted on the service's `working_dir` or on a folder "
    "images keep their application in (`/app`, `/usr/src/app`, `/var/www/html`...). A file "
    "of another kind (`./config/nginx.conf:/etc/nginx/nginx.conf:ro`) is configuration, and "
    "a folder mounted elsewhere (`./data`, `./certs`, `./backups/api:/backups`) is data: "
    "neither is source. HST001 reads the same binds for the Docker socket.",
)

# Extensions of files that a program runs or loads as code: a bind of one replaces what
# the image was built with.
SOURCE_EXTENSIONS = frozenset(
    [
        ".py",
        ".pyc",
        ".js",
        ".mjs",
        ".cjs",
        ".jsx",
        ".ts",
        ".tsx",
        ".vue",
        ".svelte",
        ".rb",
        ".erb",
        ".php",
        ".go",
        ".java",
        ".jar",
        ".class",
        ".kt",
        ".scala",
        ".clj",
        ".rs",
        ".ex",
        ".exs",
        ".erl",
        ".cs",
        ".fs",
        ".lua",
        ".pl",
        ".pm",
        ".r",
        ".swift",
        ".dart",
        ".sh",
        ".bash",
    ]
)
# Folders that images conventionally keep their application in (Dockerfile WORKDIRs).
APP_FOLDERS = (
    "/app",
    "/usr/src/app",
    "/usr/app",
    "/code",
    "/src",
    "/var/www",
    "/var/www/html",
    "/opt/app",
    "/srv/app",
    "/workspace",
    "/home/node/app",
    "/rails",
    "/go/src/app",
)
# Project folder names that hold source by convention.
SOURCE_FOLDERS = frozenset(
    [
        "src",
        "app",
        "apps",
        "backend",
        "frontend",
        "api",
        "web",
        "server",
        "client",
        "lib",
        "libs",
        "source",
        "code",
        "packages",
    ]
)


@dataclass(frozen=True)
class Bind:
    """A host path mounted into a service: the entry's path under the service, the host
    path as written and as the file it names, and where it goes."""

    path: Path
    written: str
    host: str
    target: str


def bound_device(env: Environment, key: str) -> str | None:
    """The host folder a declared volume binds (`driver_opts: {type: none, o: bind,
    device: ./src}`), or None for a volume Docker keeps."""
    volume = env.volumes.get(key)
    if volume is None or volume.external:
        return None
    options = at(volume.model_extra or {}, "driver_opts") or {}
    device = options.get("device") if isinstance(options, dict) else None
    flags = resolved(str(options.get("o", ""))).replace(",", " ").split() if device else []
    return str(device) if "bind" in flags else None


def binds(env: Environment, service: Service) -> list[Bind]:
    """Every host path the service mounts, in the order of its `volumes`."""
    found = []
    for index, mount in enumerate(service.volumes):
        written = mount.bind_source
        if written is None and mount.volume_name is not None:
            written = bound_device(env, mount.volume_name)
        if written is not None:
            found.append(Bind(("volumes", index), written, resolved_path(written), mount.target))
    return found


def build_contexts(env: Environment) -> set[str]:
    """The project folders images are built from, and the project itself."""
    contexts = {resolved_path(s.build.context) for s in env.services.values() if s.build}
    return contexts | {"."}


def _outside(host: str) -> bool:
    return host.startswith(("/", "../", "~")) or host == ".."


def _names_context(host: str, contexts: set[str]) -> bool:
    """A path outside the project that ends in a checkout of a build context
    (`/srv/app/backend`, `../main/backend/src` for context `backend`)."""
    steps = [step for step in host.split("/") if step not in ("", "..", "~")]
    for context in contexts - {"."}:
        wanted = context.split("/")
        if any(steps[i : i + len(wanted)] == wanted for i in range(len(steps))):
            return True
    return False


def is_source(bind: Bind, contexts: set[str], working_dir: str | None = None) -> bool:
    """Source code, by a criterion that does not need the files: the project itself, or a
    path inside, above or outside it that names a build context; a file with a code
    extension; a folder mounted on the service's working directory or on a folder images
    keep their application in (`/app`). A file of another kind (`./config/nginx.conf`),
    or a folder mounted elsewhere (`./data`, `./certs`, `./backups/api`), is not source."""
    host, target = bind.host, posixpath.normpath(bind.target)
    inside = [c for c in contexts if c != "."]
    if host == "." or host in contexts or any(host.startswith(f"{c}/") for c in inside):
        return True
    if not _outside(host) and any(c.startswith(f"{host}/") for c in inside):
        return True  # a folder that holds a build context
    if _outside(host) and _names_context(host, contexts):
        return True
    name = posixpath.basename(host)
    extension = posixpath.splitext(name)[1].lower()
    if extension:
        return extension in SOURCE_EXTENSIONS
    return target in APP_FOLDERS or (working_dir is not None and target == working_dir.rstrip("/"))
