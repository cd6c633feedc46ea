"""Hypothesis strategies over the whole Compose service vocabulary, for the oracle test.

One entry per top-level service key of the pinned Compose schema. Each draws a pair: what
a spec says and what the same service says in a plain compose file. They are the same
text except where envgen's own form stands for a Compose key (`tmpfs` entries are
Compose's tmpfs mounts; `cpus` is `deploy.resources.limits.cpus`). Relative paths are the
project's, as in a compose file at the project root, where the oracle puts the plain file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Pair = tuple[Any, Any]  # (spec value, plain compose value)


def same(*values: Any) -> st.SearchStrategy[Pair]:
    return st.sampled_from(values).map(lambda value: (value, value))


# Values a service may hold on its own; the keys that need another service, a declared
# network, volume, secret or config, or a file, are drawn by `service` below.
STANDALONE: dict[str, st.SearchStrategy[Pair]] = {
    "annotations": same({"com.example.a": "1"}, ["com.example.b=2"]),
    "attach": same(False, True),
    "blkio_config": same({"weight": 300}, {"weight_device": [{"path": "/dev/sda", "weight": 400}]}),
    "cap_add": same(["NET_ADMIN"], ["CHOWN", "SETUID"]),
    "cap_drop": same(["ALL"], ["NET_RAW"]),
    "cgroup": same("private", "host"),
    "cgroup_parent": same("m-executor-abcd"),
    "command": same(
        ["echo", "a$$b"],
        ["sh", "-c", "echo ${GREETING:-hi} $$HOME"],
        "echo ${GREETING:-\"hello there\"} 'a;b' c\\ d",  # a string: Compose splits it
        [],  # clears the image's own
    ),
    "container_name": same(None),  # unique per service: filled in by `service`
    "cpu_count": same(1, 2),
    "cpu_percent": same(50),
    "cpu_period": same(100000),
    "cpu_quota": same(50000),
    "cpu_rt_period": same(1000000),
    "cpu_rt_runtime": same(950000),
    "cpu_shares": same(512),
    "cpus": st.sampled_from([0.5, 2.0]).map(lambda cpus: (cpus, None)),  # see `service`
    "cpuset": same("0", "0-1"),
    "credential_spec": same({"config": "my_credential_spec"}),
    "deploy": same(
        {"labels": {"com.example.tier": "app"}},
        {
            "update_config": {"parallelism": 2, "delay": "10s"},
            "restart_policy": {"condition": "on-failure"},
        },
        {"placement": {"constraints": ["node.role == manager"]}, "mode": "replicated"},
    ),
    "develop": same(
        {"watch": [{"path": "./src", "action": "sync", "target": "/app"}]},
        {"watch": [{"path": "src", "action": "rebuild"}, {"path": "/srv", "action": "restart"}]},
    ),
    "device_cgroup_rules": same(["c 1:3 mr"]),
    "devices": same(["/dev/null:/dev/null"], [{"source": "/dev/zero", "target": "/dev/zero"}]),
    "dns": same(["1.1.1.1"], "8.8.8.8"),
    "dns_opt": same(["use-vc"]),
    "dns_search": same(["example.com"], "example.org"),
    "domainname": same("example.com"),
    "entrypoint": same(["sh", "-c"], ["/docker-entrypoint.sh"], "/docker-entrypoint.sh -v", ""),
    "environment": same({"A": "1", "EMPTY": None}, ["B=2", "FROM_SHELL"], {"C": "${C:-x}"}),
    "expose": same(["80"], ["5555", "8000-8001"]),
    "external_links": same(["redis:cache"]),
    "extra_hosts": same(["somehost:162.242.195.82"], {"otherhost": "50.31.209.229"}),
    "gpus": same("all", [{"driver": "nvidia", "count": 1}]),
    "group_add": same(["audio"], ["mail", 1000]),
    "healthcheck": same(
        {"test": ["CMD", "true"], "interval": "10s", "retries": 3},
        {"test": "exit 0", "start_interval": "2s", "start_period": "20s"},
        {"disable": True},
    ),
    "hostname": same("worker"),
    "init": same(True, False),
    "ipc": same("shareable", "private"),
    "isolation": same("default"),
    "labels": same({"com.example.role": "worker"}, ["com.example.team=jobs"]),
    "logging": same({"driver": "local", "options": {"max-size": "10m"}}, {"driver": "syslog"}),
    "mac_address": same("02:42:ac:11:65:43"),
    "mem_limit": same("256m", 268435456),
    "mem_reservation": same("128m"),
    "mem_swappiness": same(60),
    "memswap_limit": same("512m"),
    "oom_kill_disable": same(True),
    "oom_score_adj": same(100, -100),
    "pid": same("host"),
    "pids_limit": same(100),
    "platform": same("linux/amd64"),
    "post_start": same([{"command": ["echo", "started"]}]),
    "pre_start": same([{"command": ["echo", "init"]}]),
    "pre_stop": same([{"command": ["echo", "stopping"], "user": "root"}]),
    "privileged": same(True, False),
    "profiles": same([]),  # a profile hides the service from `config`: drawn empty
    "pull_policy": same("missing", "always"),
    "pull_refresh_after": same("1h"),
    "read_only": same(True),
    "restart": same("no", "always", "on-failure:3", "unless-stopped"),
    "runtime": same("runc"),
    "scale": same(1),
    "security_opt": same(["label:disable"], ["seccomp:unconfined"]),
    "shm_size": same("64m", 1024),
    "stdin_open": same(True),
    "stop_grace_period": same("10s", "1m30s"),
    "stop_signal": same("SIGTERM", "SIGUSR1"),
    "storage_opt": same({"size": "1G"}),
    "sysctls": same({"net.core.somaxconn": 1024}, ["net.ipv4.tcp_syncookies=0"]),
    "tty": same(True),
    "ulimits": same({"nproc": 65535}, {"nofile": {"soft": 20000, "hard": 40000}}),
    "use_api_socket": same(True),
    "user": same("1000:1000", "${UID:-1000}"),
    "userns_mode": same("host"),
    "uts": same("host"),
    "working_dir": same("/app", "/srv/${APP:-app}"),
}

# Every form of a published port Compose takes, from a free host port to use.
PORT_FORMS: list[Callable[[int], Any]] = [
    lambda port: f"127.0.0.1:{port}:80",
    lambda port: f"{port}:80",  # every interface
    lambda port: "80",  # a host port Docker picks
    lambda port: 81,
    lambda port: f"{port}-{port + 2}:80-82",
    lambda port: "8080-8081",
    lambda port: f"{port}-{port + 3}:80",  # one free port of the range
    lambda port: f"[::1]:{port}:80/udp",
    lambda port: f"::1:{port}:81",
    lambda port: f"0.0.0.0:{port}:80/sctp",
    lambda port: f"[::]:{port}:80/TCP",
    lambda port: "127.0.0.1::80",
    lambda port: {"target": 80},
    lambda port: {"target": "82", "published": port, "host_ip": "127.0.0.1"},
    lambda port: {
        "target": 80,
        "published": str(port),
        "host_ip": "::1",
        "protocol": "udp",
        "app_protocol": "http",
        "mode": "ingress",
        "name": "web",
    },
    lambda port: {"target": 80, "published": f"{port}-{port + 1}", "protocol": "UDP"},
]

# Every form of a mount Compose takes, each at a target of its own: (spec, plain). envgen
# writes the long form, so the plain side is the long form the short one stands for
# (Compose's model of a short mount also holds an empty `bind: {}` or `volume: {}`).
MOUNT_FORMS: list[Pair] = [
    ("data:/data", {"type": "volume", "source": "data", "target": "/data"}),
    (
        {"source": "data", "target": "/data-ro", "read_only": True},
        {"type": "volume", "source": "data", "target": "/data-ro", "read_only": True},
    ),
    ("./src:/src:ro", {"type": "bind", "source": "./src", "target": "/src", "read_only": True}),
    (
        "./src:/src-z:ro,z",
        {
            "type": "bind",
            "source": "./src",
            "target": "/src-z",
            "read_only": True,
            "bind": {"selinux": "z"},
        },
    ),
    (
        "./src:/src-shared:rshared,cached,Z",
        {
            "type": "bind",
            "source": "./src",
            "target": "/src-shared",
            "bind": {"propagation": "rshared", "selinux": "Z"},
        },
    ),
    (
        "data:/data-nocopy:rw,nocopy",
        {"type": "volume", "source": "data", "target": "/data-nocopy", "volume": {"nocopy": True}},
    ),
    ("/anonymous", {"type": "volume", "target": "/anonymous"}),
    *(
        (mount, mount)
        for mount in (
            {
                "type": "bind",
                "source": "./src",
                "target": "/src-long",
                "consistency": "cached",
                "bind": {
                    "create_host_path": True,
                    "propagation": "rprivate",
                    "recursive": "enabled",
                },
            },
            {
                "type": "volume",
                "source": "data",
                "target": "/data-long",
                "volume": {"nocopy": True, "subpath": "sub", "labels": {"com.example.v": "1"}},
            },
            {"type": "tmpfs", "target": "/scratch", "tmpfs": {"size": "65536k", "mode": 1777}},
            {"type": "tmpfs", "target": "/scratch-bytes", "tmpfs": {"size": 1048576}},
            {
                "type": "image",
                "source": "alpine:3",
                "target": "/image",
                "image": {"subpath": "etc"},
            },
            {"type": "volume", "target": "/anonymous-long"},
        )
    ),
]

# Compose's string forms of `tmpfs`: a list, one string alone, or none (the mapping only).
TMPFS_LINES: list[Any] = [
    [],
    ["/run/lines:rw,noexec,nosuid,size=64m"],
    ["/tmp/x:size=1g,mode=1777", "/k:size=65536k", "/plain", "/empty:"],
    "/one:size=2m,uid=1000",
]

# Keys drawn with the project around them (`service` fills them in).
CONTEXTUAL = frozenset(
    {
        "build",
        "configs",
        "depends_on",
        "env_file",
        "extends",
        "image",
        "label_file",
        "links",
        "models",
        "network_mode",
        "networks",
        "ports",
        "provider",
        "secrets",
        "tmpfs",
        "volumes",
        "volumes_from",
    }
)

DRAWN = frozenset(STANDALONE) | CONTEXTUAL


@st.composite
def service(draw: st.DrawFn, index: int) -> tuple[dict[str, Any], dict[str, Any]]:  # noqa: PLR0915
    """One service, the `index`-th of its file: (spec mapping, plain compose mapping)."""
    keys = draw(st.sets(st.sampled_from(sorted(DRAWN))))
    spec: dict[str, Any] = {}
    plain: dict[str, Any] = {}
    for key in sorted(keys & set(STANDALONE)):
        spec[key], plain[key] = draw(STANDALONE[key])
    if "container_name" in keys:
        spec["container_name"] = plain["container_name"] = f"oracle-{index}"
    if "cpus" in keys and keys & {"mem_limit", "pids_limit"}:  # refused (test_refusals)
        del spec["cpus"], plain["cpus"]
    elif "cpus" in keys:  # envgen's shorthand for Compose's deploy.resources.limits.cpus
        plain.pop("cpus")
        deploy = plain.setdefault("deploy", {})
        plain["deploy"] = {**deploy, "resources": {"limits": {"cpus": f"{spec['cpus']:g}"}}}
    if "build" in keys:  # built from source, tagged with `image` if it names one
        spec.update(draw(st.sampled_from([{}, {"image": "example/app"}])))
        plain.update({key: spec[key] for key in ("image",) if key in spec})
        spec["build"] = plain["build"] = draw(
            st.sampled_from(
                [
                    ".",
                    {"context": ".", "dockerfile": "Dockerfile", "args": {"V": "1"}},
                    {
                        "context": "./ctx",
                        "additional_contexts": {"extra": "./src", "base": "docker-image://alpine"},
                    },
                ]
            )
        )
    else:
        spec["image"] = plain["image"] = draw(st.sampled_from(["busybox:1", "redis:7.4"]))
    if "ports" in keys:
        forms = draw(st.lists(st.sampled_from(PORT_FORMS), min_size=1, max_size=3, unique=True))
        # Host ports apart per service and per entry: envgen refuses a port taken twice.
        spec["ports"] = plain["ports"] = [
            form(20000 + 20 * index + 5 * position) for position, form in enumerate(forms)
        ]
    mounts_spec: list[Any] = []
    mounts_plain: list[Any] = []
    if "volumes" in keys:
        for spec_mount, plain_mount in draw(
            st.lists(st.sampled_from(MOUNT_FORMS), min_size=1, max_size=4, unique_by=str)
        ):
            mounts_spec.append(spec_mount)
            mounts_plain.append(plain_mount)
    if "tmpfs" in keys:
        lines = draw(st.sampled_from(TMPFS_LINES))
        if isinstance(lines, str):  # Compose's one string
            spec["tmpfs"] = plain["tmpfs"] = lines
        else:  # envgen's mapping is Compose's tmpfs mount; Compose's strings stay strings
            spec["tmpfs"] = [{"target": "/run/cache", "size": "16m"}, *lines]
            mounts_plain.append({"type": "tmpfs", "target": "/run/cache", "tmpfs": {"size": "16m"}})
            if lines:
                plain["tmpfs"] = lines
    if mounts_spec:
        spec["volumes"] = mounts_spec
    if mounts_plain:
        plain["volumes"] = mounts_plain
    if "network_mode" in keys and not keys & {"networks", "links", "ports", "expose"}:
        spec["network_mode"] = plain["network_mode"] = "none"
    elif "networks" in keys:
        value = draw(st.sampled_from([["back"], {"back": {"aliases": [f"alias-{index}"]}}]))
        spec["networks"] = plain["networks"] = value
    if index > 0:
        other = f"s{index - 1}"
        if "depends_on" in keys:
            value = draw(
                st.sampled_from(
                    [[other], {other: {"condition": "service_started", "required": False}}]
                )
            )
            spec["depends_on"] = plain["depends_on"] = value
        if "links" in keys and "network_mode" not in spec:
            spec["links"] = plain["links"] = [f"{other}:peer"]
        if "volumes_from" in keys:
            spec["volumes_from"] = plain["volumes_from"] = [f"{other}:ro"]
    if "extends" in keys:
        spec["extends"] = plain["extends"] = draw(
            st.sampled_from(
                [{"service": "template"}, {"file": "parts/common.yml", "service": "common"}]
            )
        )
    if "env_file" in keys:
        spec["env_file"] = plain["env_file"] = draw(
            st.sampled_from(["app.env", ["./app.env"], [{"path": "app.env", "required": False}]])
        )
    if "label_file" in keys:
        spec["label_file"] = plain["label_file"] = draw(
            st.sampled_from(["labels.txt", ["./labels.txt", "parts/more.labels"]])
        )
    if "secrets" in keys:
        spec["secrets"] = plain["secrets"] = draw(
            st.sampled_from([["token"], [{"source": "token", "target": "api_token"}], ["cert"]])
        )
    if "configs" in keys:
        spec["configs"] = plain["configs"] = draw(
            st.sampled_from([[{"source": "settings", "target": "/etc/app.toml"}], ["workers"]])
        )
    if "models" in keys:
        spec["models"] = plain["models"] = ["llm"]
    if "provider" in keys:
        spec["provider"] = plain["provider"] = {"type": "example", "options": {"size": "small"}}
    return spec, plain
