"""The error hierarchy and the exit codes every command shares."""

from __future__ import annotations

from enum import IntEnum

from envgen.problems import Problem, sorted_unique


class ExitCode(IntEnum):
    OK = 0
    DIFFERENT = 1  # drift (check) or differences (diff --exit-code)
    INVALID = 2  # invalid specs, settings or usage
    INTERNAL = 3  # a bug in envgen


class EnvgenError(Exception):
    """Anything the user can fix; carries its exit code."""

    exit_code = ExitCode.INVALID


class SpecError(EnvgenError):
    """One or more problems in the specs; all of them are reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted_unique(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the specs")


class UsageError(EnvgenError):
    """A command-line request that cannot be met, such as an unknown environment."""


class ProjectError(EnvgenError):
    """The project layout or its [tool.envgen] settings are unusable."""


class GuardError(EnvgenError):
    """The process environment points at another environment's resources."""

    exit_code = ExitCode.DIFFERENT

    def __init__(self, environment: str, found: list[str]) -> None:
        self.environment = environment
        self.found = found
        super().__init__(f"guard {environment}: " + "; ".join(found))

    def lines(self) -> list[str]:
        """One line per variable, for a terminal."""
        return [f"guard {self.environment}: {line}" for line in self.found]


class FileError(EnvgenError):
    """A file that envgen must read or write and cannot, or may not (outside the project)."""
