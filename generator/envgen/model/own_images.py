"""Which service of an environment builds the image that another service runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envgen.compose.images import normalised

if TYPE_CHECKING:
    from envgen.model.environment import Environment
    from envgen.model.service import Service


def _built(env: Environment) -> dict[tuple[str, str], str]:
    """Each image reference built in `env` (as Docker completes it), with the first
    service that builds it."""
    built: dict[tuple[str, str], str] = {}
    for name, service in env.services.items():
        if service.build is not None and service.image is not None:
            reference = normalised(service.image)
            if reference is not None:
                built.setdefault(reference, name)
    return built


def image_builders(env: Environment) -> dict[str, str]:
    """Each service that runs an image built in `env`, by name, with the service that
    builds it: a builder is its own, and a service without `build` whose image is the
    same reference as a builder's (`ghcr.io/org/api`, as Docker completes it: registry,
    `docker.io/library/`, tag) runs that builder's image. Compose does not pull such an
    image either: it waits for the build. The first builder of a reference wins."""
    built = _built(env)
    runs: dict[str, str] = {}
    for name, service in env.services.items():
        if service.build is not None:
            runs[name] = name
        elif service.image is not None:
            reference = normalised(service.image)
            if reference is not None and reference in built:
                runs[name] = built[reference]
    return runs


def builder_of(env: Environment, service: Service) -> Service | None:
    """The service of `env` that builds the image `service` runs (itself when it builds),
    as `image_builders` finds it; None for an image pulled from elsewhere."""
    if service.build is not None:
        return service
    reference = normalised(service.image) if service.image is not None else None
    builder = None if reference is None else _built(env).get(reference)
    return None if builder is None else env.services[builder]
