"""The vendored Compose schema is the one built into the Docker Compose the tests run."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from envgen.compose.schema import COMPOSE_VERSION, schema, service_properties

from tests.compose_cli import BINARY


def _schema_in_binary() -> object:
    """compose-go embeds compose_spec.json in the binary as plain text."""
    data = Path(BINARY).read_bytes()
    marker = data.index(b'"$id": "compose_spec.json"')
    start = data.rindex(b'{\n  "$schema"', 0, marker)
    decoded, _ = json.JSONDecoder().raw_decode(data[start:].decode("utf-8", "replace"))
    return decoded


def test_the_vendored_schema_is_the_binarys() -> None:
    vendored = dict(schema())
    vendored.pop("$comment")
    assert vendored == _schema_in_binary()


def test_the_recorded_version_is_the_binarys() -> None:
    out = subprocess.run([BINARY, "version"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"v\d+\.\d+\.\d+", out)
    assert COMPOSE_VERSION in out
    assert COMPOSE_VERSION in str(schema()["$comment"])


def test_a_service_takes_the_keys_compose_documents() -> None:
    keys = service_properties()
    assert {"deploy", "secrets", "shm_size", "develop", "ulimits", "container_name"} <= set(keys)
    assert len(keys) > 80
