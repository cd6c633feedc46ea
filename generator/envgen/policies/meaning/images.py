"""Whether a service with `build` runs a released image or one built on the host: with
both `build` and an `image` that names a tag, `docker compose up` pulls the image and
builds only when the pull fails, on `--build`, or with `pull_policy: build`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envgen.compose.interpolation import InterpolationError, Reference, parse

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service

# pull_policy values under which Compose builds the image rather than pulling it.
BUILDING_POLICIES = frozenset({"build"})


def _given(part: str | Reference) -> bool:
    """Whether a piece of a tag is there whatever the shell holds: literal text, a
    variable Compose requires, or one with a non-empty default."""
    if isinstance(part, str):
        return part != ""
    if part.required:
        return True
    return part.operator in (":-", "-") and any(map(_given, part.word or ()))


def names_a_tag(image: str) -> bool:
    """Whether an image reference always names a tag or a digest: after its last `/`, a
    `:` or `@` followed by a piece that is always there."""
    try:
        parts = parse(image)
    except InterpolationError:
        return False
    pieces: list[str | Reference] = []
    for part in parts:
        pieces.extend(part if isinstance(part, str) else [part])
    slash = max((i for i, piece in enumerate(pieces) if piece == "/"), default=-1)
    marks = [i for i, piece in enumerate(pieces) if piece in (":", "@") and i > slash]
    return bool(marks) and any(_given(piece) for piece in pieces[marks[0] + 1 :])


def runs_released_image(env: Environment, service: Service) -> bool:
    """A service that runs a released image in Compose's meaning: no `build`, an
    environment with `image_tag`, or an `image` that names a tag; never one whose
    `pull_policy` builds it. A tag from a variable with neither a default nor `:?`
    (`app:${TAG}`) is empty when the variable is unset: no released image."""
    if service.build is None:
        return True
    if str(service.passthrough.get("pull_policy", "")) in BUILDING_POLICIES:
        return False
    if not env.builds_from_source:
        return True
    return service.image is not None and names_a_tag(service.image)
