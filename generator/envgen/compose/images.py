"""What an image reference says about itself, without the models (policies read it too)."""

from __future__ import annotations


def has_tag(image: str) -> bool:
    """Whether an image reference names a tag or a digest (`registry:5000/app` names
    neither). One given by a variable is taken at its word: it may hold a tag."""
    last = image.rsplit("/", 1)[-1]
    return ":" in last or "@" in last or "$" in last
