"""Environments on different hosts: what one Docker engine names (a compose project, a
container, a volume, a network, a host folder or port) collides only between environments
on one host, and the finding names the host; what every host reaches (a volume plugin's
volume, a network share, an overlay network, a domain, a database name, an identity, a
secret variable, a variables file) collides everywhere. Exact lines, and near misses."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from envgen.model.tiers import Tier
from envgen.policies.rule import Scope
from envgen.policies.rules import segregation
from envgen.reading.source import Document

from tests.conftest import REPO, Run, edit_spec
from tests.policy_project import Patch, findings, patched

API = "services:\n  api:\n"
# The clean project has local and test on `laptop`, staging and production on `vps`.
ELSEWHERE: Patch = ("production.yaml", "  name: vps\n", "  name: vps2\n")
DEPLOYED = ("staging.yaml", "production.yaml")


def _each(names: tuple[str, ...], text: str) -> list[Patch]:
    return [(name, None, text) for name in names]


def _both(text: str) -> list[Patch]:
    return _each(DEPLOYED, text)


def _volume(options: str) -> str:
    return f"volumes:\n  dbdata:\n{options}"


def _vectors(options: str) -> str:
    return f"volumes:\n  vectors:\n{options}"


NFS = (
    "    driver_opts:\n      type: nfs\n      o: addr=10.0.0.5,rw\n      device: ':/exports/shop'\n"
)
PLUGIN = "    name: shop_db\n    driver: rexray/ebs\n"
CONTAINER = f"{API}    container_name: api\n"
NETWORK = (
    "networks:\n  back:\n    name: shared_net\n{driver}"
    + API
    + ("    networks: [default, back, proxy]\n")
)
BIND_VECTORS = "services:\n  vectors:\n    volumes: [./vectors:/data]\n"
HINT = {
    "SEG001": "set `compose_project` to a name of this environment's own",
    "SEG002": "give the volume a `name` of this environment's own, or none: Compose "
    "prefixes the project's",
    "SEG003": "give the network a name of this environment's own: each environment has "
    "its own network to the proxy, which the proxy joins",
    "SEG004": "remove `container_name`: Compose names the container after the project",
    "SEG006": "mount a volume or a host folder of this environment's own",
}


def _policy_findings(root: Path, patches: list[Patch], rules: set[str]) -> list[str]:
    """The findings of `rules`, once the patched project is proved to load (a spec that
    does not would find nothing and pass a near miss for the wrong reason)."""
    problems = findings(root, patched(patches))
    assert [str(p) for p in problems if not p.rule] == []
    return [str(p) for p in problems if p.rule in rules]


def _seg(rule: str, where: str, path: str, message: str) -> str:
    return f"environments/{where}: {rule} error: {path}: {message} ({HINT[rule]})"


# Every finding of the SEG rules the case is about, in order, for a project patched so.
CLASHES: list[tuple[str, list[Patch], list[str]]] = [
    (
        "SEG001 on one host names the host",
        _both("compose_project: shop\n"),
        [
            _seg(
                "SEG001",
                "staging.yaml:28:18",
                "compose_project",
                "compose project `shop` is also production's on host `vps` "
                "(environments/production.yaml:24:18)",
            )
        ],
    ),
    (
        "SEG001: three environments, two on one host, one elsewhere",
        _each(("local.yaml", "test.yaml", "staging.yaml"), "compose_project: shop\n"),
        [
            _seg(
                "SEG001",
                "test.yaml:18:18",
                "compose_project",
                "compose project `shop` is also local's on host `laptop` "
                "(environments/local.yaml:13:18)",
            )
        ],
    ),
    (
        "SEG002 on one host names the host",
        _both(_volume("    name: shared_db\n")),
        [
            _seg(
                "SEG002",
                "staging.yaml:30:5",
                "volumes.dbdata",
                "volume `shared_db` is also production's on host `vps` "
                "(environments/production.yaml:26:5)",
            )
        ],
    ),
    (
        "SEG002: an NFS share on two hosts is one storage, however the volumes are named",
        [ELSEWHERE, *_both(_volume(NFS))],
        [
            _seg(
                "SEG002",
                "staging.yaml:30:5",
                "volumes.dbdata",
                "volume `shop-staging_dbdata` (nfs share `10.0.0.5:/exports/shop`) is also "
                "production's (environments/production.yaml:26:5)",
            )
        ],
    ),
    (
        "SEG002: a CIFS share names its server in `device`",
        [
            ELSEWHERE,
            *_both(_volume("    driver_opts:\n      type: cifs\n      device: //files/shop\n")),
        ],
        [
            _seg(
                "SEG002",
                "staging.yaml:30:5",
                "volumes.dbdata",
                "volume `shop-staging_dbdata` (cifs share `//files/shop`) is also "
                "production's (environments/production.yaml:26:5)",
            )
        ],
    ),
    (
        "SEG002: an NFS `addr=` without a `type` is a share too",
        [
            ELSEWHERE,
            *_both(
                _volume(
                    "    driver_opts:\n      o: 'rw,addr=10.0.0.5'\n"
                    "      device: ':/exports/shop'\n"
                )
            ),
        ],
        [
            _seg(
                "SEG002",
                "staging.yaml:30:5",
                "volumes.dbdata",
                "volume `shop-staging_dbdata` (network share `10.0.0.5:/exports/shop`) is "
                "also production's (environments/production.yaml:26:5)",
            )
        ],
    ),
    (
        "SEG002: a share's server is one whatever its case",
        [
            ELSEWHERE,
            ("staging.yaml", None, _volume(NFS.replace("10.0.0.5", "NAS.lan"))),
            ("production.yaml", None, _volume(NFS.replace("10.0.0.5", "nas.LAN"))),
        ],
        [
            _seg(
                "SEG002",
                "staging.yaml:30:5",
                "volumes.dbdata",
                "volume `shop-staging_dbdata` (nfs share `nas.lan:/exports/shop`) is also "
                "production's (environments/production.yaml:26:5)",
            )
        ],
    ),
    (
        "SEG002: a volume plugin's volume on two hosts is one volume",
        [ELSEWHERE, *_both(_volume(PLUGIN))],
        [
            _seg(
                "SEG002",
                "staging.yaml:30:5",
                "volumes.dbdata",
                "volume `shop_db` (driver `rexray/ebs`) is also production's "
                "(environments/production.yaml:26:5)",
            )
        ],
    ),
    (
        "SEG002: a plugin's volume on one host is reported once, naming the host",
        _both(_volume(PLUGIN)),
        [
            _seg(
                "SEG002",
                "staging.yaml:30:5",
                "volumes.dbdata",
                "volume `shop_db` is also production's on host `vps` "
                "(environments/production.yaml:26:5)",
            )
        ],
    ),
    (
        "SEG003 on one host names the host",
        _both(NETWORK.format(driver="")),
        [
            _seg(
                "SEG003",
                "staging.yaml:30:11",
                "networks.back.name",
                "network `shared_net` is also production's on host `vps` "
                "(environments/production.yaml:26:11)",
            )
        ],
    ),
    (
        "SEG003: an overlay network spans the hosts of a swarm",
        [ELSEWHERE, *_both(NETWORK.format(driver="    driver: overlay\n"))],
        [
            _seg(
                "SEG003",
                "staging.yaml:30:11",
                "networks.back.name",
                "network `shared_net` is also production's (environments/production.yaml:26:11)",
            )
        ],
    ),
    (
        "SEG004 on one host names the host",
        _both(CONTAINER),
        [
            _seg(
                "SEG004",
                "staging.yaml:30:21",
                "services.api.container_name",
                "container name `api` is also production's on host `vps` "
                "(environments/production.yaml:26:21)",
            )
        ],
    ),
    (
        "SEG004: three environments, two on one host, one elsewhere",
        [
            ("local.yaml", None, "  postgres:\n    container_name: db\n"),
            ("test.yaml", "  postgres:\n", "  postgres:\n    container_name: db\n"),
            ("staging.yaml", None, "services:\n  postgres:\n    container_name: db\n"),
        ],
        [
            _seg(
                "SEG004",
                "test.yaml:12:21",
                "services.postgres.container_name",
                "container name `db` is also local's on host `laptop` "
                "(environments/local.yaml:14:21)",
            )
        ],
    ),
    (
        "SEG006: a host folder on one host names the host",
        _both(BIND_VECTORS),
        [
            _seg(
                "SEG006",
                "staging.yaml:30:15",
                "services.vectors.volumes.0",
                "data storage `vectors` is also production's on host `vps` "
                "(environments/production.yaml:26:15)",
            )
        ],
    ),
    (
        "SEG006: a local volume binding the folder another environment binds",
        [
            (
                "staging.yaml",
                None,
                _vectors("    driver_opts: {type: none, o: bind, device: ./vectors}\n"),
            ),
            ("production.yaml", None, BIND_VECTORS),
        ],
        [
            _seg(
                "SEG006",
                "base.yaml:58:9",
                "services.vectors.volumes.0",
                "data storage `vectors` is also production's on host `vps` "
                "(environments/production.yaml:26:15)",
            )
        ],
    ),
    (
        "SEG006: a data volume on a CIFS share on two hosts",
        [ELSEWHERE, *_both(_vectors("    driver_opts: {type: cifs, device: //files/vec}\n"))],
        [
            _seg(
                "SEG006",
                "base.yaml:58:9",
                "services.vectors.volumes.0",
                "data storage `shop-staging_vectors` (cifs share `//files/vec`) is also "
                "production's (environments/base.yaml:58:9)",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("patches", "expected"), [c[1:] for c in CLASHES], ids=[c[0] for c in CLASHES]
)
def test_a_clash_names_the_host_when_it_is_one_hosts(
    tmp_path: Path, patches: list[Patch], expected: list[str]
) -> None:
    rules = {line.split(": ")[1].split()[0] for line in expected}
    assert _policy_findings(tmp_path, patches, rules) == expected


# What is one host's, on two hosts: no finding.
NEAR_MISSES: list[tuple[str, list[Patch]]] = [
    ("SEG001", [ELSEWHERE, *_both("compose_project: shop\n")]),
    ("SEG002", [ELSEWHERE, *_both(_volume("    name: shared_db\n"))]),
    ("SEG002", [ELSEWHERE, *_both(_volume("    name: shared_db\n    external: true\n"))]),
    ("SEG002", [ELSEWHERE, *_both(_volume("    name: shared_db\n    driver: local\n"))]),
    # A RAM disk and a bound host folder, made by the local driver, are the host's.
    (
        "SEG002",
        [
            ELSEWHERE,
            *_both(_volume("    name: db\n    driver_opts: {type: tmpfs, device: tmpfs}\n")),
        ],
    ),
    (
        "SEG002",
        [
            ELSEWHERE,
            *_both(_volume("    name: db\n    driver_opts: {type: none, o: bind, device: ./db}\n")),
        ],
    ),
    # Two shares: another export of one server, or another server.
    (
        "SEG002",
        [
            ELSEWHERE,
            ("staging.yaml", None, _volume(NFS.replace("/exports/shop", "/exports/staging"))),
            ("production.yaml", None, _volume(NFS)),
        ],
    ),
    (
        "SEG002",
        [
            ELSEWHERE,
            ("staging.yaml", None, _volume(NFS.replace("10.0.0.5", "10.0.0.6"))),
            ("production.yaml", None, _volume(NFS)),
        ],
    ),
    # One plugin volume's name under two drivers is two volumes.
    (
        "SEG002",
        [
            ELSEWHERE,
            ("staging.yaml", None, _volume(PLUGIN)),
            ("production.yaml", None, _volume(PLUGIN.replace("rexray/ebs", "rexray/s3fs"))),
        ],
    ),
    ("SEG003", [ELSEWHERE, *_both(NETWORK.format(driver=""))]),
    ("SEG003", [ELSEWHERE, *_both(NETWORK.format(driver="    driver: bridge\n"))]),
    ("SEG004", [ELSEWHERE, *_both(CONTAINER)]),
    ("SEG006", [ELSEWHERE, *_both(BIND_VECTORS)]),
    ("SEG006", [ELSEWHERE, *_both(_vectors("    name: shop_vectors\n"))]),
    # Two folders of one host are two stores.
    (
        "SEG006",
        [
            ("staging.yaml", None, BIND_VECTORS.replace("./vectors", "./vectors-staging")),
            ("production.yaml", None, BIND_VECTORS),
        ],
    ),
]


@pytest.mark.parametrize(
    ("rule", "patches"), NEAR_MISSES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(NEAR_MISSES)]
)
def test_what_is_one_hosts_does_not_clash_across_hosts(
    tmp_path: Path, rule: str, patches: list[Patch]
) -> None:
    assert _policy_findings(tmp_path, patches, {rule}) == []


# What every host reaches clashes across hosts too, and the message names no host.
EVERYWHERE: list[tuple[str, list[Patch], str]] = [
    (
        "SEG005",
        [ELSEWHERE, ("staging.yaml", "name: shop_staging", "name: shop_production")],
        "environments/staging.yaml:20:9: SEG005 error: database.name: database name "
        "`shop_production` is also production's (environments/production.yaml:20:9)",
    ),
    (
        "SEG007",
        # The laptop's bot is production's, on the VPS.
        [
            (
                "local.yaml",
                None,
                "integrations:\n  bot:\n    mode: real\n    identity: shopbot\n"
                "    secrets: {token: DEV_BOT_TOKEN}\n",
            )
        ],
        "environments/local.yaml:16:15: SEG007 error: integrations.bot.identity: `bot` "
        "identity `shopbot` is also production's (environments/production.yaml:12:15)",
    ),
    (
        "SEG008",
        [ELSEWHERE, ("staging.yaml", "key: STAGING_LLM_KEY", "key: PROD_LLM_KEY")],
        "environments/staging.yaml:18:12: SEG008 error: integrations.llm.secrets.key: secret "
        "variable `PROD_LLM_KEY` is also production's (environments/production.yaml:18:12)",
    ),
    (
        "SEG009",
        [ELSEWHERE, ("staging.yaml", "domain: staging.example.com", "domain: shop.example.com")],
        "environments/staging.yaml:5:9: SEG009 error: domain: domain `shop.example.com` is "
        "also production's (environments/production.yaml:5:9)",
    ),
    (
        "SEG013",
        [
            ELSEWHERE,
            ("staging.yaml", "variables_file: .env.staging", "variables_file: .env.production"),
        ],
        "environments/staging.yaml:7:17: SEG013 error: variables_file: variables file "
        "`.env.production` is also production's (environments/production.yaml:7:17)",
    ),
]


@pytest.mark.parametrize(
    ("rule", "patches", "expected"), EVERYWHERE, ids=[c[0] for c in EVERYWHERE]
)
def test_what_every_host_reaches_clashes_across_hosts(
    tmp_path: Path, rule: str, patches: list[Patch], expected: str
) -> None:
    found = _policy_findings(tmp_path, patches, {rule})
    assert [line.rsplit(" (", 1)[0] for line in found] == [expected]


def test_seg011_says_the_host_in_the_same_words(tmp_path: Path) -> None:
    ports = f"{API}    ports: [127.0.0.1:9000:9000]\n"
    assert _policy_findings(tmp_path, _both(ports), {"SEG011"}) == [
        "environments/staging.yaml:30:13: SEG011 error: services.api.ports.0: host port 9000 "
        "is also published by production on host `vps` "
        "(environments/production.yaml:26:13) (pick a host port that no other environment "
        "on this host publishes)"
    ]
    assert _policy_findings(tmp_path, [ELSEWHERE, *_both(ports)], {"SEG011"}) == []


PREVIEWS = REPO / "examples" / "previews"  # previews on a host of their own, `previews`


def _preview_findings(root: Path, run: Run, rule: str) -> list[str]:
    result = run("--root", root, "validate")
    return [line for line in result.output.splitlines() if f" {rule} " in line]


def test_prv003_compares_a_template_with_its_own_hosts_docker_names_only(
    tmp_path: Path, run: Run
) -> None:
    root = Path(shutil.copytree(PREVIEWS, tmp_path / "project"))
    edit_spec(root, "staging.yaml", "host:\n", "compose_project: coupette-pr-7\nhost:\n")
    assert _preview_findings(root, run, "PRV003") == []  # staging is on `vps`
    edit_spec(root, "preview.yaml", "  name: previews", "  name: vps  #")
    hint = "(name the template's values so that no id turns them into another environment's)"
    assert _preview_findings(root, run, "PRV003") == [
        "environments/base.yaml:49:5: PRV003 error: volumes.pgdata: volume "
        "`coupette-preview_pgdata` becomes staging's `coupette-pr-7_pgdata` in one preview "
        f"on host `vps` (environments/base.yaml:49:5) {hint}",
        "environments/base.yaml:51:5: PRV003 error: volumes.chromadata: volume "
        "`coupette-preview_chromadata` becomes staging's `coupette-pr-7_chromadata` in one "
        f"preview on host `vps` (environments/base.yaml:51:5) {hint}",
        "environments/preview.yaml:5:1: PRV003 error: compose_project: compose project "
        "`coupette-preview` becomes staging's `coupette-pr-7` in one preview on host `vps` "
        f"(environments/staging.yaml:5:18) {hint}",
    ]


def test_prv003_still_compares_what_every_host_reaches(tmp_path: Path, run: Run) -> None:
    root = Path(shutil.copytree(PREVIEWS, tmp_path / "project"))
    edit_spec(root, "staging.yaml", "  name: coupette_staging", "  name: coupette_pr_7")
    assert _preview_findings(root, run, "PRV003") == [
        "environments/preview.yaml:25:9: PRV003 error: database.name: database name "
        "`coupette_preview` becomes staging's `coupette_pr_7` in one preview "
        "(environments/staging.yaml:24:9) (name the template's values so that no id turns "
        "them into another environment's)"
    ]


def test_prv002_a_template_volume_on_a_network_share(tmp_path: Path, run: Run) -> None:
    root = Path(shutil.copytree(PREVIEWS, tmp_path / "project"))
    share = '    driver_opts: {type: nfs, o: "addr=10.0.0.5", device: ":/exports/pg"}\n'
    with (root / "environments/preview.yaml").open("a", encoding="utf-8") as spec:
        spec.write(f"volumes:\n  pgdata:\n{share}")
    assert _preview_findings(root, run, "PRV002") == [
        "environments/preview.yaml:108:18: PRV002 error: volumes.pgdata.driver_opts: volume "
        "`pgdata` mounts nfs share `10.0.0.5:/exports/pg`, which every preview would share "
        "(keep the preview's data in a volume Docker creates for each preview)"
    ]


SAQ = REPO / "tests/import_corpus/saq-sommelier"


def test_the_reference_application_on_two_hosts_is_told_apart(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dev on a laptop, prod on a VPS, as the import makes them (a host each): their
    shared compose project and container name are no findings; the shared `.env` is."""
    root = Path(shutil.copytree(SAQ, tmp_path / "saq"))
    monkeypatch.chdir(root)
    base, dev, prod = "docker-compose.yml", "docker-compose.dev.yml", "docker-compose.prod.yml"
    result = run(
        "--root", root, "import", "--env", "dev", "-f", base, "-f", dev,
        "--env", "prod", "-f", base, "-f", prod,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rules = re.findall(r"^environments/\S+ (\w+) error: ", result.output, re.MULTILINE)
    # The jobs and the released tag are read from the files (PRD002, PRD010 none).
    assert Counter(rules) == {"SEG013": 6, "PRD003": 1}
    assert "\n7 errors\n" in result.output


def test_one_finding_per_place_and_other_environment_however_many_identities_meet() -> None:
    """A value with two identities (a plugin's volume: its name on the host, its backend
    everywhere) clashes once with each other environment, at each place that holds it: a
    place already reported under one identity is skipped under the next, and the places
    after it are still reported."""
    envs = [
        SimpleNamespace(name=name, tier=tier, host=SimpleNamespace(name=host), held=held)
        for name, tier, host, held in [
            ("laptop", Tier.LOCAL, "a", [("everywhere:x", ("q",))]),
            ("staging", Tier.STAGING, "b", [("everywhere:x", ("a",)), ("host:x", ("a",))]),
            ("production", Tier.PRODUCTION, "b", [("everywhere:x", ("p",)), ("host:x", ("p",))]),
        ]
    ]
    envs[1].held.append(("host:x", ("b",)))
    scope = Scope(tuple(envs), {env.name: Document(None) for env in envs})  # type: ignore[arg-type]

    def values(env: Any) -> list[tuple[object, tuple[str, ...]]]:
        return list(env.held)

    def on_host(value: object) -> bool:
        return str(value).startswith("host:")

    found = segregation._clashes(scope, values, "thing", on_host, key=lambda v: str(v)[-1])
    assert sorted((f.environment, f.path, f.message) for f in found) == [
        ("laptop", ("q",), "thing `everywhere:x` is also production's (?:1:1)"),
        ("staging", ("a",), "thing `everywhere:x` is also laptop's (?:1:1)"),
        ("staging", ("a",), "thing `everywhere:x` is also production's (?:1:1)"),
        ("staging", ("b",), "thing `host:x` is also production's on host `b` (?:1:1)"),
    ]
