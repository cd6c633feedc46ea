"""The database engines a spec can name, as a table: what envgen needs to know of each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Engine:
    """What envgen knows of a database engine. An engine the stack does not run (`external`)
    has no service, port or data folder: it is reached through one variable."""

    label: str  # for the parity table
    scheme: str | None = None  # the URL scheme by default; a spec may choose another
    port: int | None = None  # its port inside the network by default
    service: str | None = None  # the name of the service that runs it by default
    data_dir: str | None = None  # where its image keeps the data
    data_dir_variable: str | None = None  # the image's variable that moves the data folder

    @property
    def runs_in_stack(self) -> bool:
        return self.service is not None


ENGINES: dict[str, Engine] = {
    "postgres": Engine(
        "PostgreSQL", "postgresql", 5432, "postgres", "/var/lib/postgresql/data", "PGDATA"
    ),
    "mysql": Engine("MySQL", "mysql", 3306, "mysql", "/var/lib/mysql"),
    "mariadb": Engine("MariaDB", "mariadb", 3306, "mariadb", "/var/lib/mysql"),
    "external": Engine("external"),
}
