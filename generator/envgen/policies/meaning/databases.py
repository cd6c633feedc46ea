"""A database's name as the segregation rules compare it: as written, the default of the
variable that gives it (`${DB_NAME:-shop}` is `shop`), or, where a variable without a
default decides it, that variable as read from the environment's variables file: two
environments that read one variable from one file name one database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from envgen.compose.interpolation import InterpolationError, Reference, parse
from envgen.policies.resolved import resolved

if TYPE_CHECKING:
    from envgen.model.environment import Environment


@dataclass(frozen=True)
class DatabaseName:
    """What is compared (`key`), what a message shows, and the variable without a
    default that decides it (None when the name can be judged)."""

    key: tuple[str, ...]
    shown: str
    unjudged: str | None = None


def _variable(text: str) -> Reference | None:
    try:
        parts = parse(text)
    except InterpolationError:
        return None
    return parts[0] if len(parts) == 1 and isinstance(parts[0], Reference) else None


def database_name(env: Environment) -> DatabaseName | None:
    """The name of the environment's database as SEG005 compares it; None without one."""
    db = env.database
    if db is None or db.name is None:
        return None
    reference = _variable(db.name)
    if reference is None:
        return DatabaseName(("name", db.name), f"database name `{db.name}`")
    default = resolved(db.name)
    if default:
        return DatabaseName(("name", default), f"database name `{default}` (`{db.name}`)")
    source = f"`{env.variables_file}`" if env.variables_file else "the shell"
    return DatabaseName(
        ("variable", reference.name, source),
        f"database name `{db.name}`, read from {source},",
        reference.name,
    )
