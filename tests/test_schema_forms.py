"""The specs' JSON Schema and envgen's models agree: every spec this repository holds and
every form Compose gives a field pass both, and near misses fail both. The schema is read
with `jsonschema`, as an editor's language server reads it."""

from __future__ import annotations

from typing import Any

import jsonschema
import pydantic
import pytest
import yaml
from envgen.model.service import Service
from envgen.outputs.schema import spec_schema

from tests.test_schema import as_an_editor_reads, spec_files

VALIDATOR = jsonschema.Draft202012Validator(spec_schema())


def _schema_errors(document: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(document)]


@pytest.mark.parametrize("spec", spec_files(), ids=lambda path: "/".join(path.parts[-3:]))
def test_every_spec_of_the_repository_passes_the_schema(spec: Any) -> None:
    document = yaml.safe_load(as_an_editor_reads(spec.read_text(encoding="utf-8")))
    assert _schema_errors(document) == []


# Each of Compose's forms of a service field that envgen takes.
FORMS: dict[str, dict[str, Any]] = {
    "environment as a mapping": {"environment": {"A": "1", "B": 2, "C": True}},
    "environment as a list": {"environment": ["A=1", "B", "C=", "1.x=2"]},
    "environment without a value": {"environment": {"A": None, "B": 1}},
    "labels as a mapping": {"labels": {"a": "1"}},
    "labels as a list": {"labels": ["a=1", "b=", "c"]},
    "build as a string": {"build": "."},
    "build args as a mapping": {"build": {"context": ".", "args": {"A": "1", "B": None}}},
    "build args as a list": {"build": {"context": ".", "args": ["A=1", "B"]}},
    "env_file as a string": {"env_file": ".env"},
    "env_file as a list": {"env_file": [".env", {"path": "x.env", "required": False}]},
    "depends_on as a list": {"depends_on": ["db"]},
    "depends_on with a condition": {"depends_on": {"db": {"condition": "service_healthy"}}},
    "networks as a list": {"networks": ["a"]},
    "networks as a mapping": {"networks": {"a": None, "b": {"aliases": ["x"]}}},
    "healthcheck test as a string": {"healthcheck": {"test": "curl x"}},
    "healthcheck test as a list": {"healthcheck": {"test": ["CMD", "curl", "x"]}},
    "tmpfs as a string": {"tmpfs": "/run"},
    "tmpfs as a list": {"tmpfs": ["/run:size=4m", {"target": "/x", "size": "4m"}]},
    "command as a string": {"command": "serve --port 80"},
    "command as a list": {"command": ["serve", "--port", "80"]},
    "ports short and long": {"ports": ["8000:80", 80, {"host": 81, "container": 80}]},
    "volumes short": {"volumes": ["./a:/b:ro", "data:/c"]},
    "logging": {"logging": {"driver": "json-file", "options": {"max-size": "1m"}}},
}

# One step from a form above, refused by envgen and by the schema.
NEAR_MISSES: dict[str, dict[str, Any]] = {
    "an unknown key": {"logging": {"drivre": "json-file"}},
    "a misspelt health check key": {"healthcheck": {"tset": "curl x"}},
    "a variable without a name": {"environment": ["=1"]},
    "a word for env_file's `required`": {"env_file": [{"path": "x.env", "required": "maybe"}]},
    "a network's options as a string": {"networks": {"a": "x"}},
}


def _service(form: dict[str, Any]) -> dict[str, Any]:
    return {"services": {"web": {"image": "nginx:1", **form}}}


@pytest.mark.parametrize("form", FORMS.values(), ids=list(FORMS))
def test_every_compose_form_envgen_takes_passes_the_schema(form: dict[str, Any]) -> None:
    Service.model_validate(_service(form)["services"]["web"])
    assert _schema_errors(_service(form)) == []


@pytest.mark.parametrize("form", NEAR_MISSES.values(), ids=list(NEAR_MISSES))
def test_a_near_miss_fails_the_models_and_the_schema(form: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        Service.model_validate(_service(form)["services"]["web"])
    assert _schema_errors(_service(form)) != []
