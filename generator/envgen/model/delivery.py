"""How CI delivers an environment: the rendered GitHub Actions workflows read this."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from envgen.model.fields import AbsolutePath, KeyName, Model, Slug, Text, VariableName


class Notice(Model):
    """A message sent when a deploy ends, through one of the environment's integrations:
    an HTTP POST of form fields. `{name}` in `url` and `fields` stands for a secret of the
    integration or of `secrets` (GitHub secrets of the same variable names) or, for
    `{message}`, the message envgen writes."""

    integration: KeyName = Field(description="the integration that carries the notice")
    url: Text = Field(description="where to POST, with `{name}` placeholders")
    fields: dict[KeyName, Text] = Field(
        default_factory=dict, description="form fields to send, with `{name}` placeholders"
    )
    secrets: dict[KeyName, VariableName] = Field(
        default_factory=dict,
        description="more placeholders, each the GitHub secret that holds it (a chat id)",
    )


class Delivery(Model):
    """How a GitHub Actions workflow delivers this environment (rendered into `workflows`)."""

    trigger: Literal["push", "manual"] | None = Field(
        None,
        description="push: on every push to `branch`; manual: started by hand "
        "(default: manual in production, push elsewhere)",
    )
    branch: str = Field("main", description="the branch whose pushes deploy (trigger: push)")
    approval: Slug | None = Field(
        None,
        description="the GitHub environment whose required reviewers approve each run "
        "(the approval gate; default in production: the environment's name)",
    )
    promote_from: Slug | None = Field(
        None,
        description="retag that environment's images instead of building from source "
        "(default in production: the staging-tier environment)",
    )
    registry_secret: VariableName = Field(
        "GITHUB_TOKEN", description="the GitHub secret that logs in to the image registry"
    )
    host_secret: VariableName | None = Field(None, description="the secret with the SSH host")
    user_secret: VariableName | None = Field(None, description="the secret with the SSH user")
    key_secret: VariableName | None = Field(None, description="the secret with the SSH private key")
    directory: AbsolutePath | None = Field(
        None, description="the project folder on the host, with its variables file"
    )
    test_command: list[Text] | None = Field(
        None, description="the application's tests, run against this (test) stack on pull requests"
    )
    notice: Notice | None = Field(None, description="who hears that a deploy ended")
