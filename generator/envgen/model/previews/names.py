"""A preview's id (`pr-42`, or `br-<slug>` for a branch) and how it names things.

The template spec's own name (`preview`) is the token that each preview's id replaces in
the values that identify an environment: `coupette-preview` becomes `coupette-pr-42`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# The labels on every service, volume and network of a preview: which preview it is and
# when `envgen preview gc` may take it down.
PREVIEW_LABEL = "dev.envgen.preview"
EXPIRES_LABEL = "dev.envgen.preview.expires"


def preview_of(labels: object) -> str | None:
    """The preview id that Compose `labels` (a mapping, or `KEY=value` items) mark their
    owner with: a preview's own volume or network, made by `envgen preview render`."""
    if isinstance(labels, list):
        labels = dict(str(item).partition("=")[::2] for item in labels)
    found = labels.get(PREVIEW_LABEL) if isinstance(labels, dict) else None
    return str(found) if found else None


# Every id: a pull request's number, or a branch's slug. The two forms cannot meet (one
# starts `pr-`, the other `br-`), and each is injective: two numbers, two slugs, two ids.
PR_ID = r"pr-[1-9][0-9]*"
BRANCH_ID = r"br-[a-z0-9]+(?:-[a-z0-9]+)*"
ID = rf"(?:{PR_ID}|{BRANCH_ID})"
# A slug is short enough that a database name built from it stays within PostgreSQL's
# 63 characters and a domain label within DNS's 63.
SLUG_MAX = 30
_HASH = 6


def pr_id(number: int) -> str:
    """The id of pull request `number`."""
    if number < 1:
        raise ValueError(f"a pull request number is 1 or more, not {number}")
    return f"pr-{number}"


def slug(branch: str) -> str:
    """A branch name as lower-case letters, digits and single dashes: accents dropped
    (`Ü` is `u`), every run of other characters one dash, at most SLUG_MAX characters.
    When that changed the name (case, characters, length), a hash of the whole name ends
    the slug, so that two branches that read alike (`Fix.2`, `fix-2`) keep two slugs."""
    folded = unicodedata.normalize("NFKD", branch).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if plain == branch and len(plain) <= SLUG_MAX:
        return plain
    digest = hashlib.sha256(branch.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH]
    kept = plain[: SLUG_MAX - _HASH - 1].rstrip("-")
    return f"{kept}-{digest}" if kept else digest


def branch_id(branch: str) -> str:
    """The id of a preview of branch `branch`."""
    return f"br-{slug(branch)}"


def parse_id(text: str) -> str | None:
    """`text` as a preview id (`42` and `pr-42` are pull request 42), or None."""
    if re.fullmatch(r"[1-9][0-9]*", text):
        return pr_id(int(text))
    return text if re.fullmatch(ID, text) else None


def number_of(preview_id: str) -> int | None:
    """The pull request of an id, or None for a branch's."""
    return int(preview_id[3:]) if re.fullmatch(PR_ID, preview_id) else None


# How each kind of value spells the token and the id: as they are (names, domains),
# with underscores (database names), in capitals with underscores (variable names), or
# in any case (an integration's identity, which its service compares without case).
FORMS = ("plain", "underscore", "upper", "identity")
_ANY_ID = {
    "plain": ID,
    "identity": ID,
    "underscore": r"(?:pr_[1-9][0-9]*|br_[a-z0-9]+(?:_[a-z0-9]+)*)",
    "upper": r"(?:PR_[1-9][0-9]*|BR_[A-Z0-9]+(?:_[A-Z0-9]+)*)",
}


def spelled(word: str, form: str) -> str:
    """A token or an id as a value of `form` spells it: `pr-42`, `pr_42`, `PR_42`."""
    if form == "underscore":
        return word.replace("-", "_")
    if form == "upper":
        return word.replace("-", "_").upper()
    return word


def _flags(form: str) -> re.RegexFlag:
    return re.IGNORECASE if form == "identity" else re.NOFLAG


def substitute(value: str, token: str, preview_id: str, form: str) -> str:
    """`value` with each occurrence of the token replaced by the id, both as `form`
    spells them."""
    written = re.escape(spelled(token, form))
    replacement = spelled(preview_id, form)
    return re.sub(written, lambda _: replacement, value, flags=_flags(form))


def has_token(value: str, token: str, form: str) -> bool:
    return re.search(re.escape(spelled(token, form)), value, flags=_flags(form)) is not None


def family(value: str, token: str, form: str) -> re.Pattern[str] | None:
    """Every value that some preview gives this template value, as one pattern: the text
    around the token, any id in its place. None when the value holds no token (every
    preview would then hold the template's value itself)."""
    parts = re.split(re.escape(spelled(token, form)), value, flags=_flags(form))
    if len(parts) == 1:
        return None
    pattern = _ANY_ID[form].join(re.escape(part) for part in parts)
    return re.compile(f"^{pattern}$", _flags(form))
