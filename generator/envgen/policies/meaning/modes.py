"""Debug and development modes by the conventions of the common stacks, as data: the
variables that switch them on (`NODE_ENV=development`, `APP_DEBUG=true`) and the words of
a command that start a development server, a reloader or a debugger (`manage.py
runserver`, `nodemon`, `--inspect`, `-agentlib:jdwp`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from envgen.compose.command_line import command_texts
from envgen.policies.resolved import resolved, shell_words

if TYPE_CHECKING:
    from envgen.model.service import Service
    from envgen.reading.source import Path

Mode = Literal["debug", "reload"]

# Values that turn a setting on, as the common config readers take them (YAML 1.1's y,
# Python's distutils strtobool, Django's and Flask's "1"), case aside; and off.
TRUE = frozenset({"1", "true", "yes", "y", "on", "t", "enable", "enabled"})
FALSE = frozenset({"0", "false", "no", "n", "off", "f", "disable", "disabled", ""})


@dataclass(frozen=True)
class Switch:
    """A variable that turns a mode on when it holds one of `values` (TRUE: any true
    value); `part` says which part of the value counts: all of it, any item of a comma
    list, or the last dotted name (a settings module)."""

    stack: str
    names: str
    values: frozenset[str]
    what: str
    example: tuple[str, str]
    near_miss: tuple[str, str]
    part: Literal["whole", "items", "last"] = "whole"
    # The value that turns the mode off, when the near miss is another variable's.
    off: str | None = None

    def off_value(self) -> str:
        """What the variable holds in production, for a hint (`RAILS_ENV: production`)."""
        if self.off is not None:
            return self.off
        return self.near_miss[1]

    def matches(self, variable: str, value: str) -> bool:
        if re.fullmatch(self.names, variable) is None:
            return False
        text = resolved(value).strip().strip("'\"").lower()
        if self.part == "items":
            return any(item.strip() in self.values for item in text.split(","))
        if self.part == "last":
            text = text.rpartition(".")[2]
        return text in self.values


_DEV = frozenset({"development", "dev"})
_LOG = frozenset({"debug", "trace"})

SWITCHES: tuple[Switch, ...] = (
    Switch(
        "Django",
        "DJANGO_DEBUG",
        TRUE,
        "debug mode",
        ("DJANGO_DEBUG", "True"),
        ("DJANGO_DEBUG", "False"),
    ),
    Switch(
        "Django",
        "DJANGO_SETTINGS_MODULE",
        frozenset({"dev", "development", "local", "debug"}),
        "development settings",
        ("DJANGO_SETTINGS_MODULE", "shop.settings.dev"),
        ("DJANGO_SETTINGS_MODULE", "shop.settings.production"),
        "last",
    ),
    Switch("Flask", "FLASK_DEBUG", TRUE, "debug mode", ("FLASK_DEBUG", "1"), ("FLASK_DEBUG", "0")),
    Switch(
        "Flask",
        "FLASK_ENV",
        _DEV,
        "development mode",
        ("FLASK_ENV", "development"),
        ("FLASK_ENV", "production"),
    ),
    Switch(
        "Rails",
        "RAILS_ENV|RACK_ENV",
        _DEV,
        "development mode",
        ("RAILS_ENV", "development"),
        ("RAILS_ENV", "production"),
    ),
    Switch(
        "Node",
        "NODE_ENV",
        _DEV,
        "development mode",
        ("NODE_ENV", "development"),
        ("NODE_ENV", "production"),
    ),
    Switch(
        "Spring",
        "SPRING_PROFILES_ACTIVE",
        frozenset({"dev", "development", "local", "debug"}),
        "a development profile",
        ("SPRING_PROFILES_ACTIVE", "cloud,dev"),
        ("SPRING_PROFILES_ACTIVE", "prod,developer-portal"),
        "items",
        off="prod",
    ),
    Switch(
        "Laravel", "APP_DEBUG", TRUE, "debug mode", ("APP_DEBUG", "true"), ("APP_DEBUG", "false")
    ),
    Switch(
        "Laravel",
        "APP_ENV",
        frozenset({"local", "development", "dev"}),
        "development mode",
        ("APP_ENV", "local"),
        ("APP_ENV", "production"),
    ),
    Switch(
        "PHP",
        "XDEBUG_MODE",
        frozenset({"debug", "develop", "profile", "trace"}),
        "the Xdebug debugger",
        ("XDEBUG_MODE", "develop,debug"),
        ("XDEBUG_MODE", "off"),
        "items",
    ),
    Switch(
        "Go",
        "GIN_MODE",
        frozenset({"debug"}),
        "debug mode",
        ("GIN_MODE", "debug"),
        ("GIN_MODE", "release"),
    ),
    Switch(
        ".NET",
        "ASPNETCORE_ENVIRONMENT|DOTNET_ENVIRONMENT|ENVIRONMENT|APP_ENVIRONMENT",
        _DEV,
        "development mode",
        ("ASPNETCORE_ENVIRONMENT", "Development"),
        ("SENTRY_ENVIRONMENT", "development"),
        off="Production",
    ),
    Switch(
        "any",
        r"(?:\w+_)?LOG_?LEVEL|LOGGING_LEVEL(?:_\w+)?",
        _LOG,
        "debug logging",
        ("LOG_LEVEL", "debug"),
        ("LOG_LEVEL", "info"),
    ),
    # Last: a variable named for debug (`DEBUG`, `APP_DEBUG`, `DEBUG_MODE`), not `DEBUGGER`.
    Switch(
        "any", r"(?:\w+_)?DEBUG(?:_\w+)?", TRUE, "debug mode", ("DEBUG", "1"), ("DEBUG", "false")
    ),
)


@dataclass(frozen=True)
class Marker:
    """Words in a row in a command that start a development server, a reloader or a
    debugger. A word is matched as written, except `prog:NAME` (a program, by its file
    name: `./manage.py`), `-FLAG` (the flag, or `-FLAG=value` unless the value is off),
    `OPTION=` (with a value among `values`, or any item of a comma list) and `PREFIX*`."""

    stack: str
    words: tuple[str, ...]
    mode: Mode
    what: str
    example: str
    near_miss: str
    values: frozenset[str] = frozenset()

    def match(self, words: list[str]) -> tuple[int, str] | None:
        """Where the words occur in `words` first, and the words matched, joined."""
        size = len(self.words)
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if all(self._word(p, w) for p, w in zip(self.words, run, strict=True)):
                return start, " ".join(run)
        return None

    def _word(self, pattern: str, word: str) -> bool:
        if pattern.startswith("prog:"):
            return posixpath.basename(word) == pattern[5:]
        if pattern.endswith("="):
            if not word.startswith(pattern):
                return False
            items = word[len(pattern) :].lower().split(",")
            return any(item.strip() in self.values for item in items)
        if pattern.endswith("*"):
            return word.startswith(pattern[:-1])
        if pattern.startswith("-") and word.startswith(f"{pattern}="):
            return word.partition("=")[2].lower() not in FALSE
        return word == pattern


_RELOADS = "with `{word}`, which watches files and restarts"
_SERVER = "`{word}`, a development server that reloads on changes"
_PROFILES = frozenset({"dev", "development", "local", "debug"})

MARKERS: tuple[Marker, ...] = (
    Marker(
        "any",
        ("--reload",),
        "reload",
        _RELOADS,
        "uvicorn app:app --reload",
        "uvicorn app:app --no-reload",
    ),
    Marker(
        "any",
        ("--watch",),
        "reload",
        _RELOADS,
        "node --watch server.js",
        "node --watch=false server.js",
    ),
    Marker(
        "Django",
        ("prog:manage.py", "runserver"),
        "reload",
        _SERVER,
        "python manage.py runserver 0.0.0.0:8000",
        "python manage.py migrate",
    ),
    Marker(
        "Django",
        ("prog:django-admin", "runserver"),
        "reload",
        _SERVER,
        "django-admin runserver",
        "django-admin check",
    ),
    Marker(
        "FastAPI",
        ("prog:fastapi", "dev"),
        "reload",
        _SERVER,
        "fastapi dev main.py",
        "fastapi run main.py",
    ),
    Marker(
        "Node", ("prog:nodemon",), "reload", _SERVER, "npx nodemon server.js", "node nodemon.json"
    ),
    Marker("Node", ("prog:npm", "run", "dev"), "reload", _SERVER, "npm run dev", "npm run start"),
    Marker("Node", ("prog:yarn", "dev"), "reload", _SERVER, "yarn dev", "yarn start"),
    Marker("Node", ("prog:pnpm", "dev"), "reload", _SERVER, "pnpm dev", "pnpm start"),
    Marker("Node", ("prog:next", "dev"), "reload", _SERVER, "next dev", "next start"),
    Marker(
        "Laravel",
        ("prog:artisan", "serve"),
        "reload",
        _SERVER,
        "php artisan serve",
        "php artisan migrate",
    ),
    Marker(
        "any",
        ("--debug",),
        "debug",
        "with `{word}`",
        "flask run --debug",
        "flask run --debug=false",
    ),
    Marker(
        "Node",
        ("--inspect",),
        "debug",
        "with the debugger `{word}`",
        "node --inspect=0.0.0.0:9229 server.js",
        "node --inspector-off server.js",
    ),
    Marker(
        "Node",
        ("--inspect-brk",),
        "debug",
        "with the debugger `{word}`",
        "node --inspect-brk server.js",
        "node server.js --inspect-brk=false",
    ),
    Marker(
        "Spring",
        ("-agentlib:jdwp*",),
        "debug",
        "with the debugger `{word}`",
        "java -agentlib:jdwp=transport=dt_socket,server=y -jar app.jar",
        "java -agentlib:hprof -jar app.jar",
    ),
    Marker(
        "Spring",
        ("-Xrunjdwp*",),
        "debug",
        "with the debugger `{word}`",
        "java -Xrunjdwp:transport=dt_socket -jar app.jar",
        "java -Xrs -jar app.jar",
    ),
    Marker(
        "Spring",
        ("-Dspring.profiles.active=",),
        "debug",
        "with `{word}`",
        "java -Dspring.profiles.active=dev -jar app.jar",
        "java -Dspring.profiles.active=prod -jar app.jar",
        _PROFILES,
    ),
    Marker(
        "Spring",
        ("--spring.profiles.active=",),
        "debug",
        "with `{word}`",
        "java -jar app.jar --spring.profiles.active=local",
        "java -jar app.jar --spring.profiles.active=production",
        _PROFILES,
    ),
    Marker(
        "Go",
        ("prog:dlv",),
        "debug",
        "under the debugger `{word}`",
        "dlv exec ./server --headless --listen=:2345",
        "./server --listen=:2345",
    ),
    Marker(
        "Python",
        ("-m", "debugpy"),
        "debug",
        "under the debugger `{word}`",
        "python -m debugpy --listen 0.0.0.0:5678 app.py",
        "python -m app",
    ),
    Marker(
        "Python",
        ("prog:debugpy",),
        "debug",
        "under the debugger `{word}`",
        "debugpy --listen 5678 app.py",
        "python app.py",
    ),
    Marker(
        "any",
        ("--log-level", "debug"),
        "debug",
        "with `{word}`",
        "gunicorn app:app --log-level debug",
        "gunicorn app:app --log-level info",
    ),
    Marker(
        "any",
        ("--log-level=",),
        "debug",
        "with `{word}`",
        "uvicorn app:app --log-level=trace",
        "uvicorn app:app --log-level=warning",
        _LOG,
    ),
)

# Variables that hand a program its command-line options (NODE_OPTIONS=--inspect,
# JAVA_TOOL_OPTIONS=-agentlib:jdwp=...): their words are read as a command's.
OPTIONS_VARIABLES = r"\w*(?:OPTIONS|OPTS|ARGS)"


@dataclass(frozen=True)
class Found:
    """A mode a service turns on: where, the mode, and what the message says."""

    path: Path
    mode: Mode
    message: str


def _words(service: Service) -> Iterator[tuple[Path, list[tuple[Path, str]]]]:
    """Each command the service runs, as its words with the path of the text each is in:
    the command and the entrypoint (a list's arguments read in a row, a string or an
    `sh -c` argument split as the shell splits it), and every options variable."""
    for field in ("command", "entrypoint"):
        words = [
            ((field, *steps), word)
            for steps, text in command_texts(getattr(service, field))
            for word in shell_words([text])
        ]
        yield (field,), words
    for variable, value in service.environment.items():
        if re.fullmatch(OPTIONS_VARIABLES, variable):
            path: Path = ("environment", variable)
            yield path, [(path, word) for word in shell_words([resolved(value)])]


def in_commands(service: Service) -> Iterator[Found]:
    """The modes the service's command, entrypoint and options variables turn on: one
    finding per command and mode, the first marker that matches."""
    for source, words in _words(service):
        seen: set[Mode] = set()
        for marker in MARKERS:
            found = marker.match([word for _, word in words]) if marker.mode not in seen else None
            if found is not None:
                seen.add(marker.mode)
                start, word = found
                what = marker.what.format(word=word)
                if source[0] == "environment":
                    what += f" through `{source[1]}`"
                yield Found(words[start][0], marker.mode, what)


def in_variables(service: Service) -> Iterator[tuple[str, Switch]]:
    """Each variable that switches a mode on, with the convention it follows."""
    for variable, value in service.environment.items():
        for switch in SWITCHES:
            if switch.matches(variable, str(value)):
                yield variable, switch
                break
