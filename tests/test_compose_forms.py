"""Forms Compose takes that envgen once refused, accepted with Compose's meaning: the
rendered file and the same text written as a plain compose file mean the same to the
`docker-compose` binary, with and without the variables they read. Property tests draw
the strings of each form and hold envgen to the binary's verdict."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from envgen.docs_reference import spec_page
from envgen.model.environment import Environment
from envgen.model.service import EnvFile, Service
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from tests.compose_cli import compose
from tests.conftest import Run, write_tree

HEAD = "app: forms\naccess: localhost\nhost: {name: laptop}\n"


def _both(root: Path, body: str, variables: dict[str, str]) -> tuple[Any, Any]:
    """(the rendered file, the plain file) through `docker-compose config --format json`:
    each the parsed model, or Compose's error line."""
    results = []
    for path in (root / "rendered" / "docker-compose.local.yml", root / "compose.yml"):
        result = compose(path, "config", "--format", "json", variables=variables)
        results.append(json.loads(result.stdout) if result.returncode == 0 else result.stderr)
    return results[0], results[1]


def _project(root: Path, body: str, run: Run) -> None:
    write_tree(
        root,
        {
            "environments/base.yaml": HEAD + body,
            "environments/local.yaml": "tier: local\n",
            "compose.yml": "name: forms-local\n" + body,
        },
    )
    result = run("--root", root, "render")
    assert result.exit_code == 0, result.output


IMAGE = 'services:\n  web:\n    image: "nginx:${TAG:?set TAG to the release you want}"\n'


def test_an_image_whose_required_message_has_spaces(tmp_path: Path, run: Run) -> None:
    _project(tmp_path, IMAGE, run)
    rendered, plain = _both(tmp_path, IMAGE, {"TAG": "1.27"})
    assert rendered == plain
    assert rendered["services"]["web"]["image"] == "nginx:1.27"
    # Unset, both stop with the spec's own message.
    rendered, plain = _both(tmp_path, IMAGE, {})
    assert "required variable TAG is missing a value: set TAG to the release you want" in plain
    assert rendered == plain


def test_whitespace_outside_a_reference_is_still_no_image(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {
            "environments/base.yaml": HEAD + 'services:\n  web:\n    image: "nginx:${TAG} x"\n',
            "environments/local.yaml": "tier: local\n",
        },
    )
    result = run("--root", tmp_path, "validate")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "local:",
        "environments/base.yaml:6:12: services.web.image: "
        "an image reference has no whitespace outside `${...}`",
    ]


def test_absolute_and_variable_env_files_stay_as_written(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "outside"
    write_tree(folder, {"abs.env": "A=1\n", "var.env": "B=2\n", "home.env": "C=3\n"})
    body = (
        "services:\n  web:\n    image: busybox:1\n    env_file:\n"
        f"      - {folder}/abs.env\n"
        '      - "${CONF_DIR}/var.env"\n'
        "      - {path: ~/home.env, required: false}\n"
        "      - {path: ./local.env, required: true}\n"
    )
    write_tree(tmp_path, {"local.env": "D=4\n"})
    _project(tmp_path, body, run)
    text = (tmp_path / "rendered" / "docker-compose.local.yml").read_text(encoding="utf-8")
    assert f"      - path: {folder}/abs.env\n" in text
    assert '      - path: "${CONF_DIR}/var.env"\n' in text
    assert '      - path: "~/home.env"\n' in text
    assert '      - path: "../local.env"\n' in text  # a project path, from rendered/
    rendered, plain = _both(tmp_path, body, {"CONF_DIR": str(folder)})
    assert rendered == plain
    assert rendered["services"]["web"]["environment"] == {"A": "1", "B": "2", "D": "4"}


def test_an_env_file_outside_the_project_is_not_looked_for(tmp_path: Path, run: Run) -> None:
    """Only a project path must exist when envgen reads the specs; the host's files and
    those a variable names are Compose's to find when it runs."""
    body = (
        "services:\n  web:\n    image: busybox:1\n    env_file:\n"
        "      - /nowhere/app.env\n      - ${NOWHERE}/app.env\n"
    )
    write_tree(
        tmp_path,
        {"environments/base.yaml": HEAD + body, "environments/local.yaml": "tier: local\n"},
    )
    assert run("--root", tmp_path, "validate").exit_code == 0


KEYS = """\
services:
  web:
    image: busybox:1
    volumes:
      - {type: volume, source: App.data_1, target: /data}
      - {type: volume, source: cache_2, target: /cache}
    networks:
      back_net: {aliases: [w]}
      Front.Net-2: {}
volumes:
  App.data_1: {}
  cache_2: {external: true}
networks:
  back_net: {}
  Front.Net-2: {internal: true}
"""


def test_volume_and_network_keys_take_compose_names(tmp_path: Path, run: Run) -> None:
    _project(tmp_path, KEYS, run)
    rendered, plain = _both(tmp_path, KEYS, {})
    assert rendered == plain
    assert sorted(rendered["volumes"]) == ["App.data_1", "cache_2"]
    assert rendered["networks"]["back_net"]["name"] == "forms-local_back_net"


PORTS = """\
services:
  web:
    image: busybox:1
    ports:
      - "${WEB_PORT:-8080}:80"
      - "${BIND:-127.0.0.1}:${ADMIN_PORT:-9090}:81/udp"
      - "127.0.0.1:${DEBUG_PORT}:82"
"""


@pytest.mark.parametrize(
    "variables",
    [{}, {"WEB_PORT": "18080", "BIND": "0.0.0.0", "ADMIN_PORT": "19090", "DEBUG_PORT": "5678"}],
)
def test_a_variable_in_a_host_port(tmp_path: Path, run: Run, variables: dict[str, str]) -> None:
    _project(tmp_path, PORTS, run)
    rendered, plain = _both(tmp_path, PORTS, variables)
    assert rendered == plain


def test_the_rules_judge_a_variable_ports_default(tmp_path: Path, run: Run) -> None:
    write_tree(
        tmp_path,
        {"environments/base.yaml": HEAD + PORTS, "environments/local.yaml": "tier: local\n"},
    )
    result = run("--root", tmp_path, "validate")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "local:",
        "environments/base.yaml:10:9: PRT001 warning: services.web.ports.2: "
        "`127.0.0.1:${DEBUG_PORT}:82`: `DEBUG_PORT` without a default decides where the port "
        "is published, so no rule can check it against the host's other ports or addresses "
        "(give it a default, such as `${WEB_PORT:-8080}`, which the port rules judge)",
        "1 warning",
        "1 environment(s) valid: local",
    ]
    env = Environment.model_validate(
        {
            **yaml.safe_load(HEAD + PORTS),
            "name": "local",
            "tier": "local",
        }
    )
    judged = [(p.host_ip, p.published, p.target, p.unjudged) for p in env.services["web"].ports]
    assert judged == [
        (None, "8080", "80", ()),
        ("127.0.0.1", "9090", "81", ()),
        ("127.0.0.1", None, "82", ("DEBUG_PORT",)),
    ]


# ---- The class: strings of each form, envgen held to the binary's verdict ----

_PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _compose_takes(root: Path, document: dict[str, Any], variables: dict[str, str]) -> bool:
    path = root / "compose.yml"
    path.write_text(json.dumps(document), encoding="utf-8")  # JSON is YAML: no quoting doubt
    return compose(path, "config", "-q", variables=variables).returncode == 0


NAME_CHARACTERS = string.ascii_letters + string.digits + "._-" + " :/@$+"


@_PROPERTY
@given(st.text(alphabet=NAME_CHARACTERS, min_size=1, max_size=10))
def test_volume_and_network_keys_are_those_compose_takes(
    tmp_path_factory: pytest.TempPathFactory, key: str
) -> None:
    root = tmp_path_factory.mktemp("keys")
    document = {
        "services": {"web": {"image": "busybox:1", "networks": [key]}},
        "networks": {key: {}},
        "volumes": {key: {}},
    }
    takes = _compose_takes(root, document, {})
    env = {"name": "local", "tier": "local", "app": "forms", "access": "localhost"}
    spec = {**env, "host": {"name": "laptop"}, **document}
    try:
        Environment.model_validate(spec)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == takes, key


# A reference in one of Compose's forms, around a value that needs no variable.
_VARIABLE = st.sampled_from(["V", "TAG", "_X1"])
_WORDS = st.text(alphabet=string.ascii_letters + string.digits + " .,:;!?'-_/", max_size=20)


@st.composite
def with_variables(draw: st.DrawFn, value: str) -> str:
    """`value` with part of it, or none, replaced by a reference in a drawn form."""
    cut = draw(st.integers(0, len(value)))
    head, tail = value[:cut], value[cut:]
    name = draw(_VARIABLE)
    form = draw(st.sampled_from(["default", "required", "plain", "nested"]))
    if form == "default":
        reference = f"${{{name}:-{tail}}}" if "}" not in tail else f"${{{name}}}"
    elif form == "required":
        reference = f"${{{name}:?{draw(_WORDS).replace('$', '')}}}"
    elif form == "nested":
        reference = f"${{{name}:-${{OTHER:-{tail}}}}}" if "}" not in tail else f"${{{name}}}"
    else:
        reference = f"${{{name}}}"
    return head + reference


@_PROPERTY
@given(
    st.sampled_from(["nginx", "ghcr.io/owner/app", "registry:5000/team/app", "postgres"]).flatmap(
        lambda name: with_variables(f"{name}:1.2")
    )
)
def test_every_image_with_variables_compose_takes_is_accepted(
    tmp_path_factory: pytest.TempPathFactory, image: str
) -> None:
    root = tmp_path_factory.mktemp("image")
    variables = {"V": "1.2", "TAG": "1.2", "_X1": "1.2"}
    assert _compose_takes(root, {"services": {"web": {"image": image}}}, variables)
    Service.model_validate({"image": image})  # refused: ValidationError fails the test


_PATH_CHARACTERS = string.ascii_letters + string.digits + "._-/ ~@+"


@_PROPERTY
@given(
    st.one_of(
        st.text(alphabet=_PATH_CHARACTERS, min_size=1, max_size=16),
        st.text(alphabet=_PATH_CHARACTERS, min_size=1, max_size=8).flatmap(with_variables),
    )
)
def test_every_env_file_path_compose_takes_is_accepted(
    tmp_path_factory: pytest.TempPathFactory, path: str
) -> None:
    root = tmp_path_factory.mktemp("envfile")
    entry = {"path": path, "required": False}
    document = {"services": {"web": {"image": "busybox:1", "env_file": [entry]}}}
    if _compose_takes(root, document, {"V": "v", "TAG": "t", "_X1": "x"}):
        EnvFile.model_validate(entry)


_PORT_FORMS = st.sampled_from(
    ["{host}:80", "127.0.0.1:{host}:80", "{host}:80/udp", "[::1]:{host}:8080", "{host}-{end}:80-81"]
)


@_PROPERTY
@given(_PORT_FORMS, st.integers(1024, 60000).flatmap(lambda port: with_variables(str(port))))
def test_every_host_port_with_variables_compose_takes_is_accepted(
    tmp_path_factory: pytest.TempPathFactory, form: str, host: str
) -> None:
    root = tmp_path_factory.mktemp("port")
    port = form.format(host=host, end="${END:-60001}")
    document = {"services": {"web": {"image": "busybox:1", "ports": [port]}}}
    variables = {"V": "20000", "TAG": "20000", "_X1": "20000", "OTHER": "20000"}
    if "-" in form and _compose_takes(root, document, variables):
        return  # a range whose ends a variable moves: its length is Compose's to check
    if _compose_takes(root, document, variables):
        Service.model_validate({"ports": [port]})


def test_the_field_reference_lists_only_fields_a_spec_may_write(tmp_path: Path, run: Run) -> None:
    """Every field the reference (docs/reference/spec.md) lists as a key is one the models
    take from a spec: written in a spec, it is judged by its value, never refused as an
    unknown field. The fields it shows in parentheses are exactly those the models derive."""
    places: dict[type[BaseModel], str] = {
        Environment: "{field}: ~\n",
        Service: "services:\n  web:\n    {field}: ~\n",
    }
    derived = {
        f"{model.__name__}.{name}"
        for model in places
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict)
        and info.json_schema_extra.get("x-envgen-derived")
    }
    assert derived == set(spec_page.WRITTEN_AS)
    checked = 0
    for model, place in places.items():
        for field in model.model_fields:
            if f"{model.__name__}.{field}" in derived:
                continue
            write_tree(
                tmp_path,
                {
                    "environments/base.yaml": HEAD + "services:\n  web:\n    image: busybox:1\n",
                    "environments/local.yaml": "tier: local\n" + place.format(field=field),
                },
            )
            result = run("--root", tmp_path, "validate")
            assert f"unknown field `{field}`" not in result.stderr, (field, result.stderr)
            assert "extra inputs are not permitted" not in result.stderr.lower(), field
            checked += 1
    assert checked >= 50  # every field of the top level and of a service
