"""Facts named after what a project declares: its integrations and its feature flags."""

from __future__ import annotations

from typing import Any

import pytest
from envgen.model.environment import Environment
from envgen.model.facts import FACTS, FactUnavailable
from pydantic import ValidationError


def environment(tier: str = "local", **fields: Any) -> Environment:
    return Environment.model_validate(
        {
            "name": "demo",
            "tier": tier,
            "app": "shop",
            "host": {"name": "laptop"},
            "access": "localhost",
            "services": {"web": {"image": "nginx:1.27"}},
            **fields,
        }
    )


MAIL = {
    "mail": {
        "description": "Mail ${service}",
        "mode": "real",
        "identity": "shop@example.org",
        "secrets": {"api_key": "MAIL_API_KEY"},
    }
}


@pytest.mark.parametrize(
    ("name", "known", "secret"),
    [
        ("integrations.mail.mode", True, False),
        ("integrations.mail.identity", True, False),
        ("integrations.mail.secrets.api_key", True, True),
        ("integrations.mail.secrets", False, False),
        ("integrations.mail.secret.api_key", False, False),
        ("integrations.Mail.mode", False, False),
        ("integrations.mail.secrets.Key", False, False),
        ("features.debug", True, False),
        ("features.", False, False),
        ("features.Debug", False, False),
        ("database.url", True, True),
        ("bot.token", False, False),
    ],
)
def test_which_names_are_facts(name: str, known: bool, secret: bool) -> None:
    assert (name in FACTS) is known
    if known:
        assert FACTS[name].secret is secret


def test_an_integration_secret_is_a_required_reference_without_markup() -> None:
    env = environment(integrations=MAIL)
    # `$`, `{` and `}` of the description would end or nest the reference: dropped.
    assert FACTS["integrations.mail.secrets.api_key"].value(env) == (
        "${MAIL_API_KEY:?MAIL_API_KEY must hold the Mail service api key}"
    )
    assert FACTS["integrations.mail.identity"].value(env) == "shop@example.org"
    assert FACTS["integrations.mail.mode"].value(env) == "real"


def test_the_label_is_the_name_without_a_description() -> None:
    env = environment(integrations={"mail": {"mode": "real", "secrets": {"token": "T"}}})
    assert FACTS["integrations.mail.secrets.token"].value(env) == "${T:?T must hold the mail token}"


@pytest.mark.parametrize(
    ("integrations", "fact", "message"),
    [
        ({}, "integrations.mail.mode", "the environment has no integration `mail`"),
        (
            {"mail": {"mode": "real"}},
            "integrations.mail.identity",
            "integration `mail` has no `identity`",
        ),
        (
            {"mail": {"mode": "real"}},
            "integrations.mail.secrets.token",
            "integration `mail` has no secret `token`",
        ),
        (
            {"mail": {"mode": "off"}},
            "integrations.mail.secrets.token",
            "integration `mail` has no secret `token` (it is off)",
        ),
    ],
)
def test_what_an_environment_cannot_give(
    integrations: dict[str, Any], fact: str, message: str
) -> None:
    with pytest.raises(FactUnavailable) as caught:
        FACTS[fact].value(environment(integrations=integrations))
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("tier", "flag", "expected"),
    [
        ("local", {"default_on": ["local"]}, "true"),
        ("test", {"default_on": ["local"]}, "false"),  # just outside the default
        ("test", {"default_on": ["local"], "enabled": True}, "true"),
        ("local", {"default_on": ["local"], "enabled": False}, "false"),
        ("production", {}, "false"),
    ],
)
def test_a_flag_follows_its_tiers_unless_enabled_is_set(
    tier: str, flag: dict[str, Any], expected: str
) -> None:
    env = environment(tier, features={"toolbar": flag})
    assert FACTS["features.toolbar"].value(env) == expected
    with pytest.raises(FactUnavailable, match="defines no feature `other`"):
        FACTS["features.other"].value(env)


@pytest.mark.parametrize(("mode", "allowed"), [("real", True), ("mocked", False), ("off", False)])
def test_only_a_real_integration_holds_secrets(mode: str, allowed: bool) -> None:
    integrations = {"mail": {"mode": mode, "secrets": {"token": "MAIL_TOKEN"}}}
    if allowed:
        assert environment(integrations=integrations).secret_variables() == [
            ("MAIL_TOKEN", ("integrations", "mail", "secrets", "token"))
        ]
    else:
        with pytest.raises(ValidationError, match=f"an integration that is {mode} has no secrets"):
            environment(integrations=integrations)
    # Without secrets, every mode is valid.
    environment(integrations={"mail": {"mode": mode}})
