"""Every malformed spec gets one exact line per problem on stderr, exit 2, and no file touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run, write_tree

BASE = """\
app: shop
access: localhost
host:
  name: laptop
services:
  web:
    image: nginx:1.27
    ports:
      - 8080:80
"""
LOCAL = "tier: local\n"


def reported(expected: list[str]) -> list[str]:
    """The lines a refusal prints: a problem in base.yaml under the environment that
    inherits it (`local:`, the only one here), after the problems of the specs."""
    base = [line for line in expected if line.startswith("environments/base.yaml")]
    others = [line for line in expected if line not in base]
    return [*others, "local:", *base] if base else expected


def project(root: Path, **files: str | None) -> Path:
    """A minimal valid project, with some files replaced (`local="..."`, `base=None`)."""
    specs = {"base": BASE, "local": LOCAL, **files}
    tree = {f"environments/{name}.yaml": text for name, text in specs.items() if text is not None}
    write_tree(root, tree)
    return root


CASES: list[tuple[str, dict[str, str | None], list[str]]] = [
    (
        "yaml syntax error",
        {"local": "tier: local\nservices: [\n"},
        [
            "environments/local.yaml:3:1: YAML syntax error: expected the node content, "
            "but found '<stream end>'"
        ],
    ),
    (
        "duplicate key",
        {"local": "tier: local\ntier: test\n"},
        ["environments/local.yaml:2:1: tier: duplicate key `tier` (first defined at line 1)"],
    ),
    (
        "empty file",
        {"local": "# nothing here yet\n"},
        ["environments/local.yaml:1:1: the file is empty (a spec is a mapping of fields)"],
    ),
    (
        "non-mapping document",
        {"local": "- tier: local\n"},
        ["environments/local.yaml:1:1: expected a mapping of fields at the top level, got a list"],
    ),
    (
        "missing base.yaml",
        {"base": None},
        [
            "environments/base.yaml:1:1: missing "
            "(every project needs base.yaml with the shared definitions)"
        ],
    ),
    (
        "unknown tier",
        {"local": "tier: locl\n"},
        [
            "environments/local.yaml:1:7: tier: input should be 'local', 'test', 'staging' "
            "or 'production' (did you mean `local`?)"
        ],
    ),
    (
        "missing required field",
        {"local": "tier: local\napp: !remove\n"},
        ["environments/local.yaml:1:1: app: required field is missing"],
    ),
    (
        "unknown key with did-you-mean",
        {"local": "tier: local\nservices:\n  web:\n    memroy: 512m\n"},
        [
            "environments/local.yaml:4:5: services.web.memroy: unknown field `memroy` "
            "(did you mean `memory`?)"
        ],
    ),
    (
        "invalid memory size",
        {"local": "tier: local\nservices:\n  web:\n    memory: 12xb\n"},
        [
            "environments/local.yaml:4:13: services.web.memory: invalid memory size '12xb': "
            "use a number with b, k, m or g (e.g. 512m)"
        ],
    ),
    (
        "port out of range",
        {"local": "tier: local\nservices:\n  web:\n    ports: ['99999:80']\n"},
        [
            "environments/local.yaml:4:13: services.web.ports.0.published: "
            "`99999` is out of range: must be at most 65535"
        ],
    ),
    (
        "port ranges of different lengths",
        {"local": "tier: local\nservices:\n  web:\n    ports: ['9090-9092:8080-8081']\n"},
        [
            "environments/local.yaml:4:13: services.web.ports.0: the host ports 9090-9092 "
            "and the container ports 8080-8081 are ranges of different lengths"
        ],
    ),
    (
        "wrong type",
        {"local": "tier: local\nservices:\n  web:\n    read_only: maybe\n"},
        [
            "environments/local.yaml:4:16: services.web.read_only: expected true or false, "
            "got `maybe`"
        ],
    ),
    (
        "list where a mapping belongs",
        {"local": "tier: local\nservices:\n  web:\n    healthcheck: [A=1]\n"},
        ["environments/local.yaml:4:18: services.web.healthcheck: expected a mapping, got a list"],
    ),
    (
        "unknown service in depends_on",
        {"local": "tier: local\nservices:\n  web:\n    depends_on: [wbe]\n"},
        [
            "environments/local.yaml:4:17: services.web.depends_on.wbe: unknown service `wbe` "
            "(did you mean `web`?)"
        ],
    ),
    (
        "undeclared volume",
        {"local": "tier: local\nservices:\n  web:\n    volumes: ['data:/srv']\n"},
        [
            "environments/local.yaml:4:15: services.web.volumes.0.source: unknown volume `data` "
            "(declare it under `volumes`, or write ./path for a bind mount)"
        ],
    ),
    (
        "one host port taken twice, once on every address",
        {
            "local": "tier: local\nservices:\n  web:\n    ports: ['8080:80']\n"
            "  api:\n    image: nginx:1.27\n    ports: ['0.0.0.0:8080:8080']\n"
        },
        [
            "environments/local.yaml:7:13: services.api.ports.0: host port 8080 is already "
            "published by `web`"
        ],
    ),
    (
        "service name not a slug",
        {"local": "tier: local\nservices:\n  Web_Server:\n    image: nginx:1\n"},
        [
            "environments/local.yaml:3:3: services.Web_Server: invalid value `Web_Server`: "
            "use lower-case letters, digits, - and _, starting with a letter"
        ],
    ),
    (
        "app image with a tag of its own where image_tag is set",
        {"local": "tier: local\nimage_tag: dev\nservices:\n  web:\n    build: ./web\n"},
        [
            "environments/base.yaml:7:12: services.web.image: an image built from source takes "
            "its tag from `image_tag` (write `nginx`)"
        ],
    ),
    (
        "app without an image where image_tag is set",
        {
            "local": "tier: local\nimage_tag: dev\nservices:\n  web:\n    image: !remove\n"
            "    build: ./web\n"
        },
        [
            "environments/local.yaml:5:5: services.web.image: required where `image_tag` is "
            "set: the name deployed hosts pull it by (e.g. `ghcr.io/owner/web`)"
        ],
    ),
    (
        "neither image nor build",
        {"local": "tier: local\nservices:\n  web:\n    image: !remove\n"},
        ["environments/local.yaml:4:5: services.web.image: a service needs `image` or `build`"],
    ),
    (
        "image neither a reference nor Compose text with a variable",
        {"local": "tier: local\nservices:\n  web:\n    image: Nginx:1\n"},
        [
            "environments/local.yaml:4:12: services.web.image: invalid value `Nginx:1`: must be "
            "an image reference such as ghcr.io/owner/name, postgres:16, one with "
            "@sha256:<digest> or one with ${VARIABLES}"
        ],
    ),
    (
        "remove of a key base.yaml lacks",
        {"local": "tier: local\nservices:\n  wbe: !remove\n"},
        [
            "environments/local.yaml:3:3: services.wbe: `!remove` of `wbe`, which base.yaml "
            "does not define (did you mean `web`?)"
        ],
    ),
    (
        "unknown tag",
        {"local": "tier: !prod local\n"},
        [
            "environments/local.yaml:1:7: tier: unknown tag `!prod` "
            "(the tags are `!remove`, `!reset` and `!override`)"
        ],
    ),
    (
        "command string with an open quote",
        {"local": "tier: local\nservices:\n  web:\n    command: nginx -g 'daemon off;\n"},
        [
            "environments/local.yaml:4:14: services.web.command: Compose cannot split this "
            "command string (an open quote, `$(` or backtick, a last backslash, or a bare "
            "parenthesis); write it as a list of arguments"
        ],
    ),
    (
        "entrypoint string that Compose would cut at an operator",
        {"local": "tier: local\nservices:\n  web:\n    entrypoint: nginx -t && nginx\n"},
        [
            "environments/local.yaml:4:17: services.web.entrypoint: Compose ends a command "
            "string at the unquoted `&` (character 10): the rest would never run; write a "
            'shell line as [sh, -c, "..."], or quote the character'
        ],
    ),
    (
        "unknown fact",
        {"local": "tier: local\nservices:\n  web:\n    facts: {DB: database.nam}\n"},
        [
            "environments/local.yaml:4:17: services.web.facts.DB: unknown fact `database.nam` "
            "(did you mean `database.name`?)"
        ],
    ),
    (
        "unknown fact of a declared integration",
        {
            "local": "tier: local\nintegrations:\n  mail:\n    mode: real\n"
            "services:\n  web:\n    facts: {MODE: integrations.mail.mod}\n"
        },
        [
            "environments/local.yaml:7:19: services.web.facts.MODE: unknown fact "
            "`integrations.mail.mod` (did you mean `integrations.mail.mode`?)"
        ],
    ),
    (
        "fact of an integration the environment does not declare",
        {"local": "tier: local\nservices:\n  web:\n    facts: {MODE: integrations.mail.mode}\n"},
        [
            "environments/local.yaml:4:19: services.web.facts.MODE: fact "
            "`integrations.mail.mode`: the environment has no integration `mail`"
        ],
    ),
    (
        "secret fact of a mocked integration",
        {
            "local": "tier: local\nintegrations:\n  mail:\n    mode: mocked\n"
            "services:\n  web:\n    facts: {MAIL_TOKEN: integrations.mail.secrets.token}\n"
        },
        [
            "environments/local.yaml:7:25: services.web.facts.MAIL_TOKEN: fact "
            "`integrations.mail.secrets.token`: integration `mail` has no secret `token` "
            "(it is mocked)"
        ],
    ),
    (
        "fact of an undeclared feature flag",
        {"local": "tier: local\nservices:\n  web:\n    facts: {DEBUG: features.debug}\n"},
        [
            "environments/local.yaml:4:20: services.web.facts.DEBUG: fact `features.debug`: "
            "the environment defines no feature `debug`"
        ],
    ),
    (
        "fact the environment cannot give",
        {"local": "tier: local\nservices:\n  web:\n    facts: {URL: public_url}\n"},
        [
            "environments/local.yaml:4:18: services.web.facts.URL: fact `public_url`: "
            "the environment has no `domain`"
        ],
    ),
    (
        "unknown database engine",
        {"local": "tier: local\ndatabase:\n  engine: postgress\n"},
        [
            "environments/local.yaml:3:11: database.engine: unknown engine `postgress` "
            "(did you mean `postgres`?)"
        ],
    ),
    (
        "external database without its variable",
        {"local": "tier: local\ndatabase:\n  engine: external\n"},
        ["environments/local.yaml:3:3: database: an external database needs `url_variable`"],
    ),
    (
        "external database with the parts of one the stack runs",
        {
            "local": "tier: local\ndatabase:\n  engine: external\n  url_variable: DB_URL\n"
            "  service: db\n  password_default: x\n"
        },
        [
            "environments/local.yaml:3:3: database: an external database is reached through "
            "`url_variable` only; remove `service` and `password_default`"
        ],
    ),
    (
        "url_variable on a database the stack runs",
        {
            "local": "tier: local\ndatabase:\n  name: a\n  user: a\n  password_variable: P\n"
            "  url_variable: DB_URL\n"
        },
        [
            "environments/local.yaml:3:3: database: `url_variable` is for an external "
            "database; the URL is built"
        ],
    ),
    (
        "database the stack runs, without its user and password",
        {"local": "tier: local\ndatabase:\n  name: a\n"},
        [
            "environments/local.yaml:3:3: database: a postgres database needs `user` and "
            "`password_variable`"
        ],
    ),
    (
        "url scheme with its separator",
        {
            "local": "tier: local\ndatabase:\n  name: a\n  user: a\n  password_variable: P\n"
            '  url_scheme: "postgresql://"\n'
        },
        [
            "environments/local.yaml:6:15: database.url_scheme: invalid value `postgresql://`: "
            "write a URL scheme such as postgresql or postgresql+asyncpg, without ://"
        ],
    ),
    (
        "engine whose default service does not exist",
        {
            "local": "tier: local\ndatabase:\n  engine: mysql\n  name: a\n  user: a\n"
            "  password_variable: P\n"
        },
        [
            "environments/local.yaml:3:3: database.service: no service `mysql`, the mysql "
            "engine's default (name the one that runs it under `service`; services: web)"
        ],
    ),
    (
        "mocked integration with a secret",
        {
            "local": "tier: local\nintegrations:\n  mail:\n    mode: mocked\n"
            "    secrets: {token: MAIL_TOKEN}\n"
        },
        [
            "environments/local.yaml:5:14: integrations.mail.secrets: an integration that is "
            "mocked has no secrets; remove them"
        ],
    ),
    (
        "invalid duration",
        {"local": "tier: local\nservices:\n  web:\n    stop_grace_period: 10 seconds\n"},
        [
            "environments/local.yaml:4:24: services.web.stop_grace_period: invalid value "
            "`10 seconds`: write a duration such as 10s, 1m30s or 500ms"
        ],
    ),
    (
        "name given in the spec",
        {"local": "name: laptop\ntier: local\n"},
        [
            "environments/local.yaml:1:1: name: an environment is named by its file; remove `name` "
            "(this one is `local`)"
        ],
    ),
    (
        "problem inherited from base.yaml points into base.yaml",
        {"base": BASE.replace("nginx:1.27", "nginx:1.27\n    restart: sometimes")},
        [
            "environments/base.yaml:8:14: services.web.restart: invalid value `sometimes`: "
            "must be no, always, on-failure, on-failure:N or unless-stopped"
        ],
    ),
    (
        "several problems, in file order",
        {"local": "tier: local\nservices:\n  web:\n    memory: lots\n    cpus: -1\n"},
        [
            "environments/local.yaml:4:13: services.web.memory: invalid memory size 'lots': "
            "use a number with b, k, m or g (e.g. 512m)",
            "environments/local.yaml:5:11: services.web.cpus: `-1` is out of range: "
            "must be more than 0",
        ],
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_bad_spec_is_reported_exactly(
    tmp_path: Path, run: Run, files: dict[str, str | None], expected: list[str]
) -> None:
    root = project(tmp_path, **files)
    result = run("--root", root, "validate")
    assert result.exit_code == 2
    assert result.stdout == ""
    count = len(expected)
    assert result.stderr.splitlines() == [
        *reported(expected),
        f"{count} error{'s' * (count != 1)}",
    ]


@pytest.mark.parametrize("files", [case[1] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_spec_touches_no_file(tmp_path: Path, run: Run, files: dict[str, str | None]) -> None:
    root = project(tmp_path, **files)
    before = sorted(str(path.relative_to(root)) for path in root.rglob("*"))
    result = run("--root", root, "render")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert sorted(str(path.relative_to(root)) for path in root.rglob("*")) == before


def test_the_minimal_project_is_valid(tmp_path: Path, run: Run) -> None:
    result = run("--root", project(tmp_path), "validate")
    assert (result.exit_code, result.output) == (0, "1 environment(s) valid: local\n")
