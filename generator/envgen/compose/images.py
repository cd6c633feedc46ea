"""What an image reference says about itself, without the models (policies read it too)."""

from __future__ import annotations


def has_tag(image: str) -> bool:
    """Whether an image reference names a tag or a digest (`registry:5000/app` names
    neither). One given by a variable is taken at its word: it may hold a tag."""
    last = image.rsplit("/", 1)[-1]
    return ":" in last or "@" in last or "$" in last


# Docker Hub, as a reference names it when it names no registry.
_HUB = "docker.io"


def normalised(image: str) -> tuple[str, str] | None:
    """(repository, tag) of a reference as Docker completes it: `redis` is
    `docker.io/library/redis` at `latest`, `ghcr.io/org/app` keeps its registry. None for
    one pinned by digest or given by a variable, which names no fixed tag."""
    if "@" in image or "$" in image:
        return None
    name, tag = image, "latest"
    if ":" in image.rsplit("/", 1)[-1]:
        name, tag = image.rsplit(":", 1)
    first, _, rest = name.partition("/")
    if not rest or not ("." in first or ":" in first or first == "localhost"):
        first, rest = _HUB, name
    if first == "index.docker.io":
        first = _HUB
    if first == _HUB and "/" not in rest:
        rest = f"library/{rest}"
    return f"{first}/{rest}", tag
