"""The models of a spec's `silence`: a rule off for a whole environment, or for some scopes
of it (a service, a field path), each with the reason a reviewer reads."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, StringConstraints, Tag

from envgen.model.fields import Model, Reason, ServiceName

# A field path as problems print it (`services.proxy.ports.0`): steps joined by dots.
FieldPrefix = Annotated[str, StringConstraints(pattern=r"^[^.\s]+(?:\.[^.\s]+)*$")]


def path_matches(prefix: str, field: str) -> bool:
    """Whether `field` is `prefix` or lies under it, at a dot: `ports` matches `ports.0`
    and `ports.0.published`, never `ports_extra`."""
    return field == prefix or field.startswith(f"{prefix}.")


class SilenceScope(Model):
    """Where a rule is silenced in one environment: findings about one service, under one
    field path, or both; with the reason."""

    service: ServiceName | None = Field(
        None, description="only findings about this service (under `services.<service>`)"
    )
    path: FieldPrefix | None = Field(
        None,
        description="only findings at this field path or under it, as envgen prints it "
        "(`services.proxy.ports` matches `services.proxy.ports.0`)",
    )
    reason: Reason = Field(description="why the rule does not apply here; a reviewer reads it")

    def matches(self, field: str) -> bool:
        """Whether a finding at `field` (`services.proxy.ports.0`) is in this scope."""
        if self.service is not None and not path_matches(f"services.{self.service}", field):
            return False
        return self.path is None or path_matches(self.path, field)

    def describe(self) -> str:
        """`service proxy, path services.proxy.ports`, or `the whole environment`."""
        parts = [f"service `{self.service}`"] if self.service is not None else []
        parts += [f"path `{self.path}`"] if self.path is not None else []
        return ", ".join(parts) or "the whole environment"


def _form(value: Any) -> str:
    return "a list of scopes" if isinstance(value, list) else "a reason"


# A rule's silence: its reason alone (the whole environment), or a list of scopes; the
# form is chosen by the value's kind, so that a problem speaks of that form only (the tags
# are no identifiers, so that error locations leave them out).
Silence = Annotated[
    Annotated[Reason, Tag("a reason")]
    | Annotated[list[SilenceScope], Field(min_length=1), Tag("a list of scopes")],
    Discriminator(_form),
]
