"""Start-up: how long whole ``negsim`` commands take, process start included.

Every command pays for its imports before it does any work; this measures what a user waits
for. Each command runs ``--repeat`` times (after one warm-up run, so the file cache is warm)
as a fresh process with the interpreter of this environment; the table gives the median, the
fastest and the slowest wall time, and ``python -c 'import numpy'`` as the floor that any
command needing arrays pays.

    python benchmarks/bench_startup.py [--repeat 15]

Run it with Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE`` unset), as an installed
package has its modules compiled; with the cache off every run compiles negsim's modules
again and pays about 0.1 s more.

Targets (issue: start-up): ``negsim --version`` under 0.15 s, ``negsim validate
venezuela-2025`` under 0.35 s, ``negsim solve venezuela-2025 --format json`` under 0.5 s.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS: tuple[tuple[str, list[str]], ...] = (
    ("python -c pass", [sys.executable, "-c", "pass"]),
    ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"]),
    ("negsim --version", ["negsim", "--version"]),
    ("negsim validate venezuela-2025", ["negsim", "validate", "venezuela-2025"]),
    ("negsim solve pie-split --format json", ["negsim", "solve", "pie-split", "--format", "json"]),
    (
        "negsim solve venezuela-2025 --format json",
        ["negsim", "solve", "venezuela-2025", "--format", "json"],
    ),
    ("negsim solve venezuela-2025 (table)", ["negsim", "solve", "venezuela-2025"]),
)
TARGETS = {
    "negsim --version": 0.15,
    "negsim validate venezuela-2025": 0.35,
    "negsim solve venezuela-2025 --format json": 0.5,
}


def run_times(command: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall times and CPU times (user + system, of the child process) of ``repeat`` runs of
    ``command``, after one warm-up run."""
    subprocess.run(command, check=True, capture_output=True)
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per command (15)")
    args = parser.parse_args()
    if shutil.which("negsim") is None:
        sys.exit("bench_startup: the negsim command is not on PATH (pip install -e .)")
    print(f"n = {args.repeat} runs each; wall = elapsed, CPU = user + system of the process\n")
    print("| command | wall median s | wall fastest s | wall slowest s | CPU median s | target s |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, command in COMMANDS:
        walls, cpus = run_times(command, args.repeat)
        target = TARGETS.get(label)
        print(
            f"| `{label}` | {statistics.median(walls):.3f} | {min(walls):.3f} | "
            f"{max(walls):.3f} | {statistics.median(cpus):.3f} | "
            f"{'' if target is None else f'{target:.2f}'} |"
        )


if __name__ == "__main__":
    main()
