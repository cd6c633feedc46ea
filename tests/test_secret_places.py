"""Every place of a spec that reaches a rendered file as written holds no credential:
build arguments, extension keys, free text, inline configs, a Docker secret's variable,
what a workflow runs or sends (SEC001), and a laptop's defaults (SEC004). Exact lines,
boundaries and near misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policy_project import Patch, findings, patched

NOTICE = (
    "delivery:\n"
    "  notice:\n"
    "    integration: bot\n"
    "    url: {url}\n"
    "    fields:\n"
    "      chat_id: '{field}'\n"
)
BOT_TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
PLACEHOLDER = "write a `{placeholder}` named in the notice's `secrets` or its integration's"


def _api(text: str) -> list[Patch]:
    """local's api service with `text` (indented YAML) added."""
    return [("local.yaml", "  api:\n", f"  api:\n{text}")]


def _local(text: str) -> list[Patch]:
    return [("local.yaml", None, text)]


def _notice(url: str, field: str) -> list[Patch]:
    return [("staging.yaml", None, NOTICE.format(url=url, field=field))]


CASES: dict[str, tuple[list[Patch], list[str]]] = {
    "a build argument named as a secret": (
        _api("    build:\n      context: ./api\n      args:\n        NPM_TOKEN: abc\n"),
        [
            "environments/local.yaml:14:20: SEC001 error: services.api.build.args.NPM_TOKEN: "
            "`NPM_TOKEN` is a literal value; write a ${VARIABLE} reference"
            " (never write the value itself in a spec)"
        ],
    ),
    "an extension key named as a secret": (
        _api("    x-api-token: abc\n"),
        [
            "environments/local.yaml:11:18: SEC001 error: services.api.x-api-token: "
            "`x-api-token` is a literal value; write a ${VARIABLE} reference"
            " (never write the value itself in a spec)"
        ],
    ),
    "a credential in a service's description": (
        _api("    description: api, api_key=abc123\n"),
        [
            "environments/local.yaml:11:18: SEC001 error: services.api.description: free text "
            "holds a secret assignment that is a literal value"
            " (never write the value itself in a spec)"
        ],
    ),
    "a credential in the notes": (
        _local("notes: the password=hunter2 for now\n"),
        [
            "environments/local.yaml:13:8: SEC001 error: notes: free text holds a secret "
            "assignment that is a literal value (never write the value itself in a spec)"
        ],
    ),
    "a credential in an inline config": (
        _local("configs:\n  app:\n    content: api_key=abc123\n"),
        [
            "environments/local.yaml:15:14: SEC001 error: configs.app.content: free text holds "
            "a secret assignment that is a literal value"
            " (never write the value itself in a spec)"
        ],
    ),
    "a Docker secret's value where its variable goes": (
        _local("secrets:\n  api:\n    environment: not a name\n"),
        [
            "environments/local.yaml:15:18: SEC001 error: secrets.api.environment: is not a "
            "variable name: write the name of the variable that holds the secret, never its value"
            " (never write the value itself in a spec)"
        ],
    ),
    "a token on the test command": (
        [("test.yaml", None, "delivery:\n  test_command: [pytest, -q, --token, abc123]\n")],
        [
            "environments/test.yaml:19:39: SEC001 error: delivery.test_command.3: the test "
            "command passes a secret option that is a literal value"
            " (never write the value itself in a spec)"
        ],
    ),
    "a bot token in a notice's URL": (
        _notice(f"https://api.example.com/bot{BOT_TOKEN}/send", "{chat}"),
        [
            "environments/staging.yaml:31:10: SEC001 error: delivery.notice.url: holds what "
            f"looks like a credential; {PLACEHOLDER}, which GitHub fills from its secrets"
            " (never write the value itself in a spec)"
        ],
    ),
    "a secret-looking value in a notice's field": (
        _notice("https://api.example.com/bot{token}/send", "1234567890abcdefgh"),
        [
            "environments/staging.yaml:33:16: SEC001 error: delivery.notice.fields.chat_id: "
            f"holds what looks like a credential; {PLACEHOLDER}, which GitHub fills from its "
            "secrets (never write the value itself in a spec)"
        ],
    ),
    # SEC004's boundary: 16 characters mixing letters and digits look real, 15 do not.
    "a laptop password of 16 characters": (
        [("local.yaml", "password_default: dev", "password_default: abc123def456ghij")],
        [
            "environments/local.yaml:8:21: SEC004 error: database.password_default: "
            "`password_default` looks like a real credential, and the committed compose file "
            "holds it (use a throw-away value such as `dev`)"
            " (use a throw-away value such as `dev`)"
        ],
    ),
    "a secret variable's laptop default with a key prefix": (
        _api("    environment:\n      API_KEY: ${API_KEY:-sk-live}\n"),
        [
            "environments/local.yaml:12:16: SEC004 error: services.api.environment.API_KEY: "
            "`API_KEY`'s default looks like a real credential, and the committed compose file "
            "holds it (use a throw-away value)"
            " (use a throw-away value such as `(secret)`)"
        ],
    ),
    # In staging a default is a literal whatever it looks like (SEC001), not SEC004.
    "a secret variable's default in staging": (
        [
            (
                "staging.yaml",
                None,
                "services:\n  api:\n    environment:\n      API_KEY: ${API_KEY:-sk-live}\n",
            )
        ],
        [
            "environments/staging.yaml:31:16: SEC001 error: services.api.environment.API_KEY: "
            "`API_KEY` has a literal default; write a ${VARIABLE} reference"
            " (never write the value itself in a spec)"
        ],
    ),
    # Near misses.
    "build arguments by reference, or not secret": (
        _api(
            "    build:\n      context: ./api\n      args:\n        NPM_TOKEN: ${NPM_TOKEN}\n"
            "        PYTHON_VERSION: '3.12'\n"
        ),
        [],
    ),
    "extension keys by reference, or not secret": (
        _api("    x-api-token: ${T}\n    x-owner: team\n"),
        [],
    ),
    "free text that names a secret without holding one": (
        _api("    description: checks the api_key header\n")
        + _local("notes: rotate the password every month\n"),
        [],
    ),
    "an inline config without credentials": (
        _local("configs:\n  app:\n    content: log_level=info\n"),
        [],
    ),
    "a Docker secret's variable": (_local("secrets:\n  api:\n    environment: API_SECRET\n"), []),
    "a test command without secrets": (
        [("test.yaml", None, "delivery:\n  test_command: [pytest, -q, --maxfail, '3']\n")],
        [],
    ),
    "a notice with placeholders": (
        _notice("https://api.example.com/bot{token}/sendMessage", "{chat}"),
        [],
    ),
    "a laptop password of 15 characters": (
        [("local.yaml", "password_default: dev", "password_default: abc123def456ghi")],
        [],
    ),
    "a throw-away default, and a long default of a variable that is no secret": (
        _api(
            "    environment:\n      API_KEY: ${API_KEY:-dev}\n"
            "      CACHE_SIZE: ${CACHE_SIZE:-abc123def456ghij}\n"
        ),
        [],
    ),
    # The test tier's committed variables file is VAR002's (none in this project).
    "a long password in the test tier": (
        [("test.yaml", "password_default: test", "password_default: abc123def456ghij")],
        [],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_secret_places(tmp_path: Path, case: str) -> None:
    patches, expected = CASES[case]
    assert [str(p) for p in findings(tmp_path, patched(patches))] == expected
