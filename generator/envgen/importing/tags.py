"""A released image tag, read from the files: where every image built here is written
`NAME:${IMAGE_TAG:?message}` (or `NAME:${IMAGE_TAG:-tag}`), the environment runs released
images, which envgen says with `image_tag_required` (or `image_tag`), `build` kept beside
them as the files keep it. A tag from a variable in another form is a TODO."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from envgen.compose.images import has_tag
from envgen.compose.interpolation import InterpolationError, parse

# What envgen renders for a released image (outputs/compose.py), and no other spelling:
# the comparison with Compose reads the text before interpolation.
_RELEASED = re.compile(r"^(?P<name>.+):\$\{IMAGE_TAG(?P<operator>:\?|:-)(?P<word>[^}$\n]*)\}$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")  # model/fields.py's Tag
# A tag that is a variable: the text after the name's last `:` starts with `$`.
_VARIABLE_TAG = re.compile(r":\$[{A-Za-z_][^/]*$")


@dataclass(frozen=True)
class Released:
    """The environment's field (`image_tag` or `image_tag_required`) and its value, each
    built service's image name without the tag, and the evidence."""

    key: str
    value: str
    images: dict[str, str]
    evidence: str


def released(model: dict[str, Any]) -> tuple[Released | None, list[str]]:
    """How the environment `model` (Compose's) tags the images it builds: a Released when
    every one is written as envgen writes a released image, with one and the same tag or
    message; else the TODO lines for images tagged by a variable in another form."""
    built = {
        name: service
        for name, service in (model.get("services") or {}).items()
        if isinstance(service, dict) and "build" in service
    }
    found: dict[str, tuple[str, str, str]] = {}
    odd: list[str] = []
    for name, service in built.items():
        image = service.get("image")
        match = _RELEASED.match(image) if isinstance(image, str) else None
        if match and _fits(match["name"], match["operator"], match["word"]):
            found[name] = (match["name"], match["operator"], match["word"])
        elif isinstance(image, str) and _VARIABLE_TAG.search(image):
            odd.append(name)
    todos = [
        f"TODO: image_tag: `{name}` is built here, its image `{built[name]['image']}`: envgen "
        "says a released image's tag as `image_tag: TAG` (`${IMAGE_TAG:-TAG}`) or "
        "`image_tag_required: MESSAGE` (`${IMAGE_TAG:?MESSAGE}`); written so, import sets it"
        for name in odd
    ]
    ways = {(operator, word) for _, operator, word in found.values()}
    if not found or len(found) != len(built) or len(ways) != 1:
        if found and not odd:
            todos.append(
                "TODO: image_tag: "
                + ", ".join(f"`{name}`" for name in found)
                + " run released images (`${IMAGE_TAG...}`), but not every service built "
                "here does, with one and the same tag: envgen's `image_tag` holds for every "
                "image an environment builds"
            )
        return None, todos
    operator, word = ways.pop()
    images = {name: image for name, (image, _, _) in found.items()}
    if operator == ":?":
        evidence = f"every image built here is tagged `${{IMAGE_TAG:?{word}}}`"
        return Released("image_tag_required", word, images, evidence), []
    evidence = f"every image built here is tagged `${{IMAGE_TAG:-{word}}}`"
    return Released("image_tag", word, images, evidence), []


def _fits(name: str, operator: str, word: str) -> bool:
    """The name takes a tag (none of its own), and the word is one envgen's model takes."""
    try:
        parse(name)
    except InterpolationError:
        return False
    if has_tag(name) or "@" in name:
        return False
    return bool(_TAG.match(word)) if operator == ":-" else bool(word.strip())
