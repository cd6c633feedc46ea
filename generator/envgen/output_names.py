"""The names of the generated files, in the order they are rendered: the one list that
settings check `disabled` against without loading any output module (outputs/registry.py
holds each name's output and a test keeps the two lists equal)."""

from __future__ import annotations

from envgen.problems import did_you_mean

OUTPUT_NAMES: tuple[str, ...] = (
    "compose",
    "docs",
    "caddy",
    "variables-example",
    "variables-file",
    "makefile",
    "rollback-script",
    "rollback-migration-script",
    "pull-request-workflow",
    "deploy-workflow",
    "preview-workflow",
    "schema",
    "kubernetes",
)


def unknown_outputs(disabled: list[str]) -> list[str]:
    """A problem for each name in `disabled` that no output has, with a hint."""
    problems = []
    for name in disabled:
        if name not in OUTPUT_NAMES:
            hint = did_you_mean(name, OUTPUT_NAMES)
            problems.append(
                f"unknown output `{name}` "
                f"({hint + '; ' if hint else ''}outputs: {', '.join(OUTPUT_NAMES)})"
            )
    return problems
