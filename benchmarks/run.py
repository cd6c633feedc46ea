"""envgen's speed goals, each printed as a figure measured side by side in one run.

    python benchmarks/run.py            # every figure (a few minutes)
    python benchmarks/run.py --quick    # fewer runs, for a first look

Whole processes are timed from outside (wall clock, median of several runs after a warm-up);
a ratio is taken pair by pair against its yardstick, run in turn, so that it holds while the
machine's speed drifts. Goals are ratios or small absolute budgets; this script reports, it
does not fail: speed is not a test (see README, "Speed").
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
from benchmarks.projects import generated, shipped  # noqa: E402

BIN = Path(sys.executable).parent
ENVGEN = str(BIN / "envgen")
COMPOSE = str(BIN / "docker-compose")
COMPOSE_FILES = ("dev", "test", "staging", "prod")


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str  # "s" or "x" (a ratio)
    goal: float

    def row(self) -> str:
        shown = f"{self.value:.2f} s" if self.unit == "s" else f"{self.value:.2f}"
        goal = f"≤ {self.goal:.2f}{' s' if self.unit == 's' else ''}"
        verdict = "meets" if self.value <= self.goal else "MISSES"
        return f"| {self.name} | {shown} | {goal} | {verdict} |"


def _once(command: Sequence[str], env: dict[str, str], before: Sequence[str] = ()) -> float:
    if before:
        subprocess.run(before, check=True, env=env)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode()[-500:]}")
    return elapsed


def timed(command: Sequence[str], env: dict[str, str], runs: int, before: Sequence[str] = ()) -> float:
    """Median wall seconds of `command` over `runs` runs after one warm-up."""
    _once(command, env, before)
    return statistics.median(_once(command, env, before) for _ in range(runs))


def paired(
    a: Sequence[Sequence[str]], b: Sequence[Sequence[str]], env: dict[str, str], runs: int,
    before_a: Sequence[str] = (),
) -> float:
    """Median of A/B taken pair by pair; A and B are each a sequence of commands run in turn."""

    def run_all(commands: Sequence[Sequence[str]], before: Sequence[str] = ()) -> float:
        total = 0.0
        for index, command in enumerate(commands):
            total += _once(command, env, before if index == 0 else ())
        return total

    run_all(a, before_a), run_all(b)
    return statistics.median(run_all(a, before_a) / run_all(b) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    big_runs = 1 if args.quick else 3
    work = Path(tempfile.mkdtemp(prefix="envgen-bench-"))
    cache = work / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("ENVGEN_NO_CACHE", None)
    no_cache = {**env, "ENVGEN_NO_CACHE": "1"}
    try:
        project = shipped(work / "shipped")
        root = ["--root", str(project)]
        four_configs = [
            [COMPOSE, "-f", str(project / f"rendered/docker-compose.{name}.yml"),
             "config", "-q", "--no-interpolate"]
            for name in COMPOSE_FILES
        ]
        figures = [
            Figure(
                "render, shipped project, no cache ÷ four `docker-compose config -q`",
                paired([[ENVGEN, *root, "render"]], four_configs, no_cache, runs),
                "x", 1.3,
            ),
        ]
        subprocess.run([ENVGEN, *root, "check"], env=env, check=True, capture_output=True)
        figures.append(
            Figure("check, shipped project, in sync, cache warm",
                   timed([ENVGEN, *root, "check"], env, runs), "s", 0.10)
        )
        sizes = {(50, 40): 0.0, (100, 40): 0.0, (50, 80): 0.0}
        for (n, m) in sizes:
            big = generated(work / f"g{n}x{m}", n, m)
            clean = ["rm", "-rf", str(big / "rendered"), str(big / "docs")]
            sizes[(n, m)] = timed([ENVGEN, "--root", str(big), "render"], no_cache, big_runs, clean)
        figures += [
            Figure("render, 50 environments × 40 services, no cache", sizes[(50, 40)], "s", 2.0),
            Figure("growth: render 100 × 40 ÷ 50 × 40", sizes[(100, 40)] / sizes[(50, 40)], "x", 2.2),
            Figure("growth: render 50 × 80 ÷ 50 × 40", sizes[(50, 80)] / sizes[(50, 40)], "x", 2.2),
        ]
        for words in (["--help"], ["--version"], ["rules"]):
            figures.append(Figure(f"`envgen {' '.join(words)}`", timed([ENVGEN, *words], env, runs), "s", 0.10))
        for words in (["list"], ["validate"], ["show", "production"]):
            figures.append(
                Figure(f"`envgen {' '.join(words)}`, shipped project",
                       timed([ENVGEN, *root, *words], no_cache, runs), "s", 0.20)
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
          f" {platform.system()} {platform.release()}; medians of {runs} runs ({big_runs} for the"
          " generated projects)")
    print()
    print("| figure | measured | goal | |")
    print("| --- | --- | --- | --- |")
    for figure in figures:
        print(figure.row())


if __name__ == "__main__":
    main()
