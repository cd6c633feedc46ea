"""envgen: one source of truth for every environment of a Docker Compose application."""

from envgen.version import __version__

__all__ = ["__version__", "guard"]


def guard(environment: str, root: str | None = None) -> None:
    """Refuse to go on when the process environment points at another environment's
    resources: raise `envgen.errors.GuardError` naming each variable. For an application's
    test suite, one line: `envgen.guard("test")`. `root` is the project folder (default:
    the nearest one upwards from the working folder)."""
    import os  # noqa: PLC0415 (keep `import envgen` light: nothing loads until a call)
    from pathlib import Path  # noqa: PLC0415

    from envgen.commands import guard as check  # noqa: PLC0415
    from envgen.settings import find_root, load_settings  # noqa: PLC0415

    folder = Path(root) if root is not None else find_root(Path.cwd())
    check(load_settings(folder), environment, dict(os.environ))
