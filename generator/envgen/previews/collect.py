"""Which previews run on a host, and which of them to take down: those whose pull request
is closed, and those past their expiry. Read from what Docker and GitHub print, offline."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from envgen.errors import UsageError
from envgen.model.previews.names import EXPIRES_LABEL, branch_id, number_of

COMPOSE_PROJECT_LABEL = "com.docker.compose.project"


@dataclass(frozen=True)
class OpenPulls:
    """The open pull requests: their numbers, and their branches' preview ids when the
    list names branches (`gh pr list --json number,headRefName`); None when it does not,
    so that no branch preview is taken for closed on a list that cannot say."""

    numbers: frozenset[int]
    branch_ids: frozenset[str] | None


@dataclass(frozen=True)
class Preview:
    """One preview found running (or stopped) on the host, and what becomes of it."""

    project: str
    preview_id: str
    expires: str | None  # the earliest expiry label among its containers
    verdict: str  # keep (open), closed, expired

    @property
    def down(self) -> bool:
        return self.verdict != "keep"

    def command(self) -> list[str]:
        return ["docker", "compose", "-p", self.project, "down", "--volumes", "--remove-orphans"]

    def command_line(self) -> str:
        return shlex.join(self.command())


def read_projects(text: str, source: str) -> list[str]:
    """The project names in `docker compose ls --all --format json`."""
    data = _json(text, source, "the output of `docker compose ls --all --format json`")
    if not isinstance(data, list) or not all(
        isinstance(item, dict) and isinstance(item.get("Name"), str) for item in data
    ):
        raise UsageError(f"{source}: expected `docker compose ls --all --format json`'s list")
    return [item["Name"] for item in data]


def read_open_pulls(text: str, source: str) -> OpenPulls:
    """`gh pr list --state open --json number,headRefName`, GitHub's REST list of pull
    requests (`GET /repos/O/R/pulls`), or numbers one per line."""
    if not text.strip() or re.fullmatch(r"[\s0-9]*", text):
        return OpenPulls(frozenset(int(word) for word in text.split()), None)
    data = _arrays(text, source)
    numbers: set[int] = set()
    branches: set[str] = set()
    named = True
    for item in data if isinstance(data, list) else [None]:
        if isinstance(item, int) and not isinstance(item, bool):
            numbers.add(item)
            named = False
        elif isinstance(item, dict) and isinstance(item.get("number"), int):
            numbers.add(item["number"])
            # gh's `headRefName`, or the REST API's `head.ref`
            rest = item.get("head")
            head = item.get("headRefName", rest.get("ref") if isinstance(rest, dict) else None)
            if isinstance(head, str):
                branches.add(branch_id(head))
            else:
                named = False
        else:
            raise UsageError(
                f"{source}: expected a list of pull requests (`gh pr list --json "
                "number,headRefName`) or of numbers"
            )
    return OpenPulls(frozenset(numbers), frozenset(branches) if named else None)


def read_expiries(text: str, source: str) -> dict[str, str]:
    """The earliest expiry label of each project's containers, from `docker ps --all
    --format json` (one JSON object a line, `Labels` as `key=value,...`)."""
    earliest: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        item = _json(line, f"{source}:{number}", "a line of `docker ps --all --format json`")
        labels = item.get("Labels") if isinstance(item, dict) else None
        if not isinstance(labels, str):
            raise UsageError(f"{source}:{number}: expected a container with its `Labels`")
        pairs = dict(pair.split("=", 1) for pair in labels.split(",") if "=" in pair)
        project, expires = pairs.get(COMPOSE_PROJECT_LABEL), pairs.get(EXPIRES_LABEL)
        if project is None or expires is None:
            continue
        if _moment(expires) is None:
            raise UsageError(f"{source}:{number}: `{EXPIRES_LABEL}` is not a UTC time")
        if project not in earliest or expires < earliest[project]:
            earliest[project] = expires
    return earliest


def previews(
    projects: list[str],
    family: re.Pattern[str],
    token_at: tuple[str, str],
    *,
    pulls: OpenPulls,
    expiries: dict[str, str],
    now: datetime,
) -> list[Preview]:
    """The projects that are envgen's previews (their name is the template's, with an id
    in the token's place: no other project is ever listed), by name, each with its fate.
    `token_at` is the text before and after the token in the template's project name."""
    before, after = token_at
    found = []
    for project in sorted(set(projects)):
        if not family.fullmatch(project):
            continue
        preview_id = project[len(before) : len(project) - len(after)]
        expires = expiries.get(project)
        moment = _moment(expires) if expires is not None else None
        number = number_of(preview_id)
        if moment is not None and moment <= now:
            verdict = "expired"
        elif number is not None:
            verdict = "keep" if number in pulls.numbers else "closed"
        elif pulls.branch_ids is None:
            verdict = "keep"  # the list cannot say whether its branch is still open
        else:
            verdict = "keep" if preview_id in pulls.branch_ids else "closed"
        found.append(Preview(project, preview_id, expires, verdict))
    return found


def _arrays(text: str, source: str) -> Any:
    """One JSON value, or several lists one after the other (the pages of GitHub's
    REST API, appended to one file) as one list."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            break
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as error:
            raise UsageError(
                f"{source}:{error.lineno}:{error.colno}: not JSON ({error.msg}); expected "
                "`gh pr list --json number,headRefName`, pages of GitHub's pull requests, "
                "or numbers"
            ) from None
        values.append(value)
    if len(values) == 1:
        return values[0]
    return [item for value in values for item in (value if isinstance(value, list) else [None])]


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC)


def _json(text: str, source: str, expected: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{source}:{error.lineno}:{error.colno}: not JSON ({error.msg}); expected {expected}"
        ) from None
