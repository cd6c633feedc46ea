"""envgen's speed goals, each printed as a figure measured side by side in one run.

    python benchmarks/run.py            # every figure (a few minutes)
    python benchmarks/run.py --quick    # fewer runs, for a first look

Run it with the interpreter of an environment where envgen and its test extra are
installed (the yardstick is that environment's `docker-compose`). Whole processes are
timed from outside: wall clock, the median of several runs after a warm-up. A ratio is
taken pair by pair against its yardstick, the two run in turn, so that it holds while the
machine's speed drifts. This script reports; it does not fail: speed is not a test.

The figures are what a user of an installed envgen gets: PYTHONDONTWRITEBYTECODE is
unset for the measured commands, and the warm-up run writes the bytecode (.pyc) of every
module it imports, as installing a wheel does, so no run pays for compiling Python source.
"No cache" means envgen's cache folder is not used at all (`ENVGEN_NO_CACHE=1`): neither
the render cache nor Jinja's compiled templates, as on a fresh clone in CI.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.projects import compose_project, generated, shipped, with_preview_template

BIN = Path(sys.executable).parent
ENVGEN = str(BIN / "envgen")
COMPOSE = str(BIN / "docker-compose")
COMPOSE_FILES = ("dev", "test", "staging", "prod")
Command = Sequence[str]


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str  # "s" for seconds, "" for a ratio
    goal: float | None  # None: a figure shown for context, with no goal of its own

    def row(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.goal is None:
            return f"| {self.name} | {self.value:.2f}{unit} | — | context |"
        verdict = "meets" if self.value <= self.goal else "MISSES"
        return f"| {self.name} | {self.value:.2f}{unit} | ≤ {self.goal:.2f}{unit} | {verdict} |"


# What every command that reads specs imports before it reads one: the CLI, PyYAML,
# pydantic and envgen's models (whose classes pydantic builds at import).
IMPORT_FLOOR = "import envgen.cli.main, yaml, envgen.model.environment"


def _once(commands: Sequence[Command], env: dict[str, str], before: Command = ()) -> float:
    """Wall seconds of `commands` run one after the other (`before` is not timed)."""
    if before:
        subprocess.run(before, check=True, env=env)
    start = time.perf_counter()
    for command in commands:
        result = subprocess.run(command, env=env, capture_output=True, check=False)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode()[-500:]}")
    return time.perf_counter() - start


def timed(command: Command, env: dict[str, str], runs: int, before: Command = ()) -> float:
    """Median wall seconds of `command` over `runs` runs, after one warm-up."""
    _once([command], env, before)
    return statistics.median(_once([command], env, before) for _ in range(runs))


def paired(a: Command, b: Sequence[Command], env: dict[str, str], runs: int) -> float:
    """Median of A's time over B's, taken pair by pair, after one warm-up of each."""
    _once([a], env), _once(b, env)
    return statistics.median(_once([a], env) / _once(b, env) for _ in range(runs))


def shipped_figures(work: Path, env: dict[str, str], runs: int) -> list[Figure]:
    project = shipped(work / "shipped")
    root = ["--root", str(project)]
    no_cache = {**env, "ENVGEN_NO_CACHE": "1"}
    files = [str(project / f"rendered/docker-compose.{name}.yml") for name in COMPOSE_FILES]
    configs = [[COMPOSE, "-f", file, "config", "-q", "--no-interpolate"] for file in files]
    render = paired([ENVGEN, *root, "render"], configs, no_cache, runs)
    figures = [Figure("render, shipped project, no cache / four `config -q`", render, "", 1.3)]
    check = timed([ENVGEN, *root, "check"], env, runs)  # the warm-up fills the cache
    figures.append(Figure("check, shipped project, in sync, cache warm", check, "s", 0.10))
    for words in (["--help"], ["--version"], ["rules"]):
        seconds = timed([ENVGEN, *words], env, runs)
        figures.append(Figure(f"`envgen {' '.join(words)}`", seconds, "s", 0.10))
    for words in (["list"], ["validate"], ["show", "production"]):
        seconds = timed([ENVGEN, *root, *words], no_cache, runs)
        figures.append(Figure(f"`envgen {' '.join(words)}`, no cache", seconds, "s", 0.20))
    for words in (["list"], ["validate"], ["show", "production"]):
        seconds = timed([ENVGEN, *root, *words], env, runs)  # the warm-up fills the cache
        figures.append(Figure(f"`envgen {' '.join(words)}`, cache warm", seconds, "s", 0.20))
    floor = timed([sys.executable, "-c", IMPORT_FLOOR], env, runs)
    figures.append(Figure("imports alone: CLI, PyYAML, pydantic, models", floor, "s", None))
    return figures


def scale_figures(work: Path, env: dict[str, str], runs: int) -> list[Figure]:
    no_cache = {**env, "ENVGEN_NO_CACHE": "1"}
    seconds: dict[tuple[int, int], float] = {}
    for size in ((50, 40), (100, 40), (50, 80)):
        project = generated(work / f"generated-{size[0]}x{size[1]}", *size)
        clean = ["rm", "-rf", str(project / "rendered"), str(project / "docs")]
        render = [ENVGEN, "--root", str(project), "render"]
        seconds[size] = timed(render, no_cache, runs, clean)
    base = seconds[(50, 40)]
    # The previews of a 10-service template, made and validated with every policy run
    # across them and the project's four environments.
    template = with_preview_template(work / "previews", 10)
    validate = [sys.executable, str(Path(__file__).parent / "previews.py"), str(template), "200"]
    previews = timed(validate, no_cache, runs)
    return [
        Figure("render, 50 environments x 40 services, no cache", base, "s", 2.0),
        Figure("growth: render 100 x 40 / 50 x 40", seconds[(100, 40)] / base, "", 2.1),
        Figure("growth: render 50 x 80 / 50 x 40", seconds[(50, 80)] / base, "", 2.2),
        Figure("validate 200 previews of a 10-service template", previews, "s", 2.0),
    ]


def import_figures(work: Path, env: dict[str, str], runs: int) -> list[Figure]:
    """`envgen import` of a 60-service file with a production overlay (two environments),
    in full: Compose reads them, the specs are factored, loaded, checked, rendered in
    memory and compared by Compose; written nowhere (--dry-run), so each run is alike."""
    project = compose_project(work / "compose-60", 60)
    command = [
        *(ENVGEN, "--root", str(project), "import", "--dry-run"),
        *("--env", "local", "-f", "compose.yaml"),
        *("--env", "prod", "-f", "compose.yaml", "-f", "compose.prod.yaml"),
    ]
    no_cache = {**env, "ENVGEN_NO_CACHE": "1"}
    seconds = timed(["sh", "-c", f'cd "{project}" && exec "$@"', "sh", *command], no_cache, runs)
    config = [COMPOSE, "-f", str(project / "compose.yaml"), "config", "-q", "--no-interpolate"]
    ratio = paired(
        ["sh", "-c", f'cd "{project}" && exec "$@"', "sh", *command], [config], no_cache, runs
    )
    return [
        Figure("import, 60 services, 2 environments, compared by Compose", seconds, "s", 2.0),
        Figure("import, 60 services / one `config -q` of its file", ratio, "", None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="envgen's speed goals, as measured here.")
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a first look")
    args = parser.parse_args()
    runs, big_runs = (3, 1) if args.quick else (7, 3)
    work = Path(tempfile.mkdtemp(prefix="envgen-bench-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
    env.pop("ENVGEN_NO_CACHE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's installed wheel has its .pyc files
    load_before = os.getloadavg()[0]
    try:
        figures = shipped_figures(work, env, runs) + scale_figures(work, env, big_runs)
        figures += import_figures(work, env, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python"
        f" {platform.python_version()}; medians of {runs} runs ({big_runs} for generated"
        f" projects); load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
        " (other work on the machine slows every figure)\n"
    )
    print("| figure | measured | goal | |\n| --- | --- | --- | --- |")
    for figure in figures:
        print(figure.row())


if __name__ == "__main__":
    main()
