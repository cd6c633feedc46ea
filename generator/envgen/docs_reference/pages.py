"""Every generated reference page, by its path in the repository."""

from __future__ import annotations

from collections.abc import Callable

from envgen.docs_reference import commands_page, outputs_page, rules_page, spec_page

PAGES: dict[str, Callable[[], str]] = {
    "docs/reference/spec.md": spec_page.page,
    "docs/reference/rules.md": rules_page.page,
    "docs/reference/commands.md": commands_page.page,
    "docs/reference/outputs.md": outputs_page.page,
}


def generated() -> dict[str, str]:
    """{path relative to the repository root: the page's text}."""
    return {path: make() for path, make in PAGES.items()}
