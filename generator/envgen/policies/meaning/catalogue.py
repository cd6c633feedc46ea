"""Every concept the rules read, by name: what `Rule.reads` names, what the
rules-by-spelling page lists, and what its tests plant in each spelling."""

from __future__ import annotations

from envgen.policies.meaning import modes
from envgen.policies.meaning.mounts import BIND
from envgen.policies.meaning.resources import (
    CPU_LIMIT,
    HEALTHCHECK,
    MEMORY_LIMIT,
    MEMORY_RESERVATION,
    NO_HEALTHCHECK,
    NO_RESTART,
    RESTART,
)
from envgen.policies.meaning.spelling import Concept, Spelling

PUBLISHED_PORT = Concept(
    "published port",
    (
        Spelling(
            "ports (short form)", "`HOST:CONTAINER`, on every interface", {"ports": ["8001:8001"]}
        ),
        Spelling(
            "ports (short form, address)",
            "`IP:HOST:CONTAINER[/PROTOCOL]`",
            {"ports": ["0.0.0.0:8001:8001/tcp"]},
        ),
        Spelling(
            "ports (long form)",
            "`target`, `published`, `host_ip`, `protocol`",
            {"ports": [{"target": 8001, "published": "8001", "host_ip": "0.0.0.0"}]},
        ),
        Spelling(
            "ports (long form, no address)",
            "`published` without `host_ip`: every interface",
            {"ports": [{"target": 8001, "published": 8001}]},
        ),
    ),
    "A range (`8000-8005`) holds each port in it; a container port alone (`8001`) is "
    "published on a host port Docker picks, on every interface. `network_mode: host` "
    "publishes every port the service opens (HST001).",
)
VOLUME_MOUNT = Concept(
    "volume mount",
    (
        Spelling(
            "volumes (short form)",
            "`VOLUME:/target`",
            {"volumes": ["dbdata:/var/lib/postgresql/data"]},
        ),
        Spelling(
            "volumes (long form)",
            "`type: volume`",
            {
                "volumes": [
                    {"type": "volume", "source": "dbdata", "target": "/var/lib/postgresql/data"}
                ]
            },
        ),
        Spelling(
            "volumes (long form, no type)",
            "a `source` that is a name is a volume",
            {"volumes": [{"source": "dbdata", "target": "/var/lib/postgresql/data"}]},
        ),
    ),
)
RAM_DISK = Concept(
    "RAM disk",
    (
        Spelling(
            "tmpfs (string)", "`/path[:options]`", {"tmpfs": "/var/lib/postgresql/data:size=5g"}
        ),
        Spelling(
            "tmpfs (list)", "a list of those", {"tmpfs": ["/var/lib/postgresql/data:size=5g"]}
        ),
        Spelling(
            "tmpfs (mapping)",
            "envgen's `target` and `size`",
            {"tmpfs": [{"target": "/var/lib/postgresql/data", "size": "5g"}]},
        ),
        Spelling(
            "volumes (long form)",
            "`type: tmpfs` with `tmpfs.size`",
            {
                "volumes": [
                    {
                        "type": "tmpfs",
                        "target": "/var/lib/postgresql/data",
                        "tmpfs": {"size": "5g"},
                    }
                ]
            },
        ),
    ),
    "The host budget counts each RAM disk's size; one without a size is bounded only by "
    "the host's memory (BUD002).",
)
ENV_FILE = Concept(
    "env file",
    (
        Spelling("env_file (string)", "one path", {"env_file": ".env.production"}),
        Spelling("env_file (list)", "paths", {"env_file": [".env.production"]}),
        Spelling(
            "env_file (long form)",
            "`path`, `required`, `format`",
            {"env_file": [{"path": "././.env.production", "required": False}]},
        ),
    ),
    "Paths are compared as the files they name: `././.env.production` is `.env.production`.",
)
ENVIRONMENT = Concept(
    "environment variable",
    (
        Spelling("environment (mapping)", "`NAME: value`", {"environment": {"$NAME": "$VALUE"}}),
        Spelling("environment (list)", "`- NAME=value`", {"environment": ["$NAME=$VALUE"]}),
        Spelling(
            "environment (default of a reference)",
            "`${NAME:-value}`: what Compose resolves with the variable unset",
            {"environment": {"$NAME": "${$NAME:-$VALUE}"}},
        ),
    ),
)
COMMAND = Concept(
    "command",
    (
        Spelling(
            "command (string)", "split into words as Compose splits it", {"command": "$COMMAND"}
        ),
        Spelling("command (list)", "one argument per item", {"command": ["$WORDS"]}),
        Spelling(
            "command (sh -c)",
            "a shell string inside the list",
            {"command": ["sh", "-c", "$COMMAND"]},
        ),
        Spelling("entrypoint (string)", "as `command`", {"entrypoint": "$COMMAND"}),
        Spelling("entrypoint (list)", "as `command`", {"entrypoint": ["$WORDS"]}),
        Spelling(
            "environment (options variable)",
            "the words of `*_OPTIONS`, `*_OPTS`, `*_ARGS` (NODE_OPTIONS, JAVA_TOOL_OPTIONS)",
            {"environment": {"APP_OPTS": "$COMMAND"}},
        ),
    ),
)
DEVELOPMENT_SWITCH = Concept(
    "development switch",
    tuple(
        Spelling(
            f"environment.{switch.example[0]}",
            f"{switch.stack}: {switch.what}",
            {"environment": {switch.example[0]: switch.example[1]}},
        )
        for switch in modes.SWITCHES
    ),
    "Each convention is one row of envgen.policies.meaning.modes.SWITCHES, with a near "
    "miss that is not flagged.",
)
DEVELOPMENT_COMMAND = Concept(
    "development command",
    tuple(
        Spelling(
            f"command: {marker.example}",
            f"{marker.stack}: {marker.what.format(word=' '.join(marker.words))}",
            {"command": marker.example},
        )
        for marker in modes.MARKERS
    ),
    "Each is one row of envgen.policies.meaning.modes.MARKERS, with a near miss that is "
    "not flagged.",
)

CONCEPTS: dict[str, Concept] = {
    concept.name: concept
    for concept in (
        MEMORY_LIMIT,
        MEMORY_RESERVATION,
        CPU_LIMIT,
        RESTART,
        NO_RESTART,
        HEALTHCHECK,
        NO_HEALTHCHECK,
        PUBLISHED_PORT,
        BIND,
        VOLUME_MOUNT,
        RAM_DISK,
        ENV_FILE,
        ENVIRONMENT,
        COMMAND,
        DEVELOPMENT_SWITCH,
        DEVELOPMENT_COMMAND,
    )
}
