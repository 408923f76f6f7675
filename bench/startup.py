"""Start-up cost of the CLI, as ratios to a bare interpreter on the same machine.

    python bench/startup.py                 # median of 7 runs each
    python bench/startup.py --runs 15 --json

Each command runs in a fresh process (``python -m auditor.cli ...`` is not used: the console
script is what users run, so the same ``auditor`` entry point is timed through ``-c``). Targets
(issue 11): ``auditor --help`` at most ~15x and an offline replay of the demo cassette at most
~25x ``python -c pass``. Wall time of the whole process, so import time dominates; the CPU time
(user + system of the child) is printed beside it because on a shared, loaded machine it moves
less than the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "cassettes" / "demo.yaml"
# The entry point exactly as the console script calls it, without depending on PATH.
_ENTRY = "import sys; from auditor.cli import main; sys.argv[0] = 'auditor'; main()"

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "auditor --help": [sys.executable, "-c", _ENTRY, "--help"],
    "auditor --version": [sys.executable, "-c", _ENTRY, "--version"],
    "auditor checks": [sys.executable, "-c", _ENTRY, "checks"],
    "auditor audit --replay cassettes/demo.yaml": [sys.executable, "-c", _ENTRY, "audit", "--replay", str(DEMO)],
}
TARGETS = {"auditor --help": 15.0, "auditor audit --replay cassettes/demo.yaml": 25.0}


def _clean_environment() -> dict[str, str]:
    """No credentials or settings from the caller's environment leak into the timed runs."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("SF_", "AUDITOR_"))}


def time_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per command; one untimed warm-up each (bytecode and file caches)."""
    env = _clean_environment()
    medians: dict[str, tuple[float, float]] = {}
    for name, argv in COMMANDS.items():
        time_once(argv, env)
        samples = [time_once(argv, env) for _ in range(runs)]
        medians[name] = (statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples))
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (median; default 7)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args()
    medians = measure(max(1, args.runs))
    bare_wall, bare_cpu = medians["python -c pass"]
    if args.json:
        rows = [{"command": name, "wall_seconds": round(wall, 3), "wall_ratio": round(wall / bare_wall, 1),
                 "cpu_seconds": round(cpu, 3), "cpu_ratio": round(cpu / bare_cpu, 1) if bare_cpu else None,
                 "target_ratio": TARGETS.get(name)} for name, (wall, cpu) in medians.items()]
        print(json.dumps({"runs": args.runs, "python": sys.version.split()[0], "results": rows}, indent=2))
        return 0
    width = max(len(name) for name in medians)
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}")
    print(f"{'':<{width}}  {'wall':>7}  {'ratio':>6}  {'CPU':>7}  {'ratio':>6}")
    for name, (wall, cpu) in medians.items():
        limit = TARGETS.get(name)
        target = f"  (target <= {limit:.0f}x)" if limit else ""
        cpu_ratio = f"{cpu / bare_cpu:>5.1f}x" if bare_cpu else "    ?"
        print(f"{name:<{width}}  {wall:>6.3f}s  {wall / bare_wall:>5.1f}x  {cpu:>6.3f}s  {cpu_ratio}{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
