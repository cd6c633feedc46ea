"""The `preview` block that makes a spec the template of one environment per pull request."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from envgen.model.fields import AbsolutePath, Model, Slug

_TTL = re.compile(r"^([1-9][0-9]{0,3})([hd])$")


class PreviewTemplate(Model):
    """This spec is not deployed itself: `envgen preview render 42` makes pull request
    42's environment from it, the spec's name in its identifying values replaced by
    `pr-42` (`coupette-preview` becomes `coupette-pr-42`)."""

    ttl: str = Field(
        "72h",
        description="how long a preview lives after its last deploy, in hours or days "
        "(`72h`, `7d`); `envgen preview gc` takes it down after that",
    )

    routes: AbsolutePath = Field(
        "/etc/caddy/previews",
        description="the folder on the host where each preview's Caddy route goes, which "
        "the proxy's Caddyfile imports (`import /etc/caddy/previews/*.caddy`)",
    )
    proxy_container: Slug = Field(
        "caddy",
        description="the proxy's container on the host, which joins each preview's network "
        "and reloads its routes",
    )

    @field_validator("ttl")
    @classmethod
    def _duration(cls, value: str) -> str:
        if _TTL.fullmatch(value) is None:
            raise ValueError("write a number of hours or days, such as `72h` or `7d`")
        return value

    @property
    def ttl_hours(self) -> int:
        match = _TTL.fullmatch(self.ttl)
        assert match is not None  # the validator accepted it
        return int(match[1]) * (24 if match[2] == "d" else 1)
