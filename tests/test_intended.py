"""Paths of declared differences: how patterns split and what they match."""

from __future__ import annotations

import pytest
from envgen.model.declared.intended import dotted, item_step, key_step, matches, split


def test_steps_and_their_dotted_form() -> None:
    steps = ("services", "backend", "ports", item_step("127.0.0.1:8001/tcp"))
    assert dotted(steps) == "services.backend.ports[127.0.0.1:8001/tcp]"
    assert split(dotted(steps)) == steps
    assert dotted(("labels", key_step("com.example.role"))) == "labels[com.example.role]"


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("bot.username", "bot.username", True),
        ("bot", "bot.username", True),  # a pattern covers what is under it
        ("bot.username", "bot", False),
        ("services.*.memory", "services.backend.memory", True),
        ("services.*.memory", "services.backend.deploy.memory", False),  # * is one step
        ("services.*.deploy.resources.limits", "services.bot.deploy.resources.limits.cpus", True),
        ("services.*.ports[*]", "services.bot.ports[127.0.0.1:8001/tcp]", True),
        ("services.*.ports[127.0.0.1:8001/tcp]", "services.bot.ports[127.0.0.1:8002/tcp]", False),
        ("services.*.tmpfs[/tmp]", "services.db.tmpfs[/tmp]", True),
        ("services.*.environment.*_TOKEN", "services.bot.environment.TELEGRAM_BOT_TOKEN", True),
        ("name", "services.name", False),
    ],
)
def test_matches(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, split(path)) is expected
