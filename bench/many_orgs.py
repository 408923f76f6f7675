"""Many orgs in one run: wall time of N orgs audited concurrently against one org alone.

    python bench/many_orgs.py                         # 20 orgs, 150 ms per request, --jobs 20 and the default 4
    python bench/many_orgs.py --orgs 50 --jobs 10 --latency-ms 80 --runs 5
    python bench/many_orgs.py --json

The whole CLI runs in-process (``auditor audit --target-org org01 ... -f json``); each org's
requests are answered by the Salesforce simulator's demo org (tests/simulator), delayed by
``--latency-ms`` per HTTP request as in bench/bench.py. Target: N orgs take less than twice the
time of one (with ``--jobs`` at least N; with fewer jobs, about ceil(N / jobs) rounds).

The Salesforce CLI: by default ``sf org display`` is answered in-process with the stand-in's
answer (tests/stand_ins/sf, scenario ``plain``) after ``--sf-ms`` (default 150 ms, standing in
for the real CLI's own time, which is spent in its own process and so overlaps). With
``--subprocess-sf`` the stand-in script really runs, one Python process per org: on a small
machine that measures process start-up on its cores, not the auditor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SF_HOST = "fake-org-dev-ed.develop.my.salesforce.com"  # the instance the stand-in sf reports
TARGET_RATIO = 2.0


def _in_process_sf(sf_seconds: float) -> Any:
    """A stand-in for subprocess.run in auditor.sfcli: the stand-in sf's 'plain' answer, in-process."""
    import subprocess

    stand_in: dict[str, Any] = {}
    exec(compile((ROOT / "tests" / "stand_ins" / "sf").read_text(), "sf", "exec"), stand_in)

    def run(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        time.sleep(sf_seconds)
        alias = command[command.index("--target-org") + 1]
        document = {"status": 0, "result": {"id": stand_in["ORG_ID"], "apiVersion": "62.0",
                                            "accessToken": stand_in["TOKEN"], "instanceUrl": stand_in["INSTANCE_URL"],
                                            "username": stand_in["USERNAME"], "clientId": "PlatformCLI",
                                            "connectedStatus": "Connected", "alias": alias}, "warnings": []}
        return subprocess.CompletedProcess(command, 0, json.dumps(document), "")

    return run


def _run(aliases: list[str], jobs: int, latency: float, sf: Any = None) -> dict[str, Any]:
    from unittest import mock as patching

    import responses

    from tests.clirun import run_cli
    from tests.simulator.scenarios import demo_org

    org = demo_org()
    org.host = SF_HOST
    callback = type(org)._callback.__get__(org)
    requests = 0

    answers: dict[tuple[str, str, bytes], Any] = {}
    lock = threading.Lock()

    def delayed(request: Any) -> Any:
        # Every org is the same simulated org: its answer to a request is computed once and then
        # replayed, so the simulator's own CPU (Salesforce's, in real life) is not charged to the
        # auditor under the GIL; the latency stands in for the server's time.
        nonlocal requests
        body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
        key = (request.method or "", request.url or "", body)
        with lock:
            requests += 1
            if key not in answers:
                answers[key] = callback(request)
        time.sleep(latency)
        return answers[key]

    org._callback = delayed  # type: ignore[method-assign]  # FakeOrg.install registers self._callback
    args = ["audit", "-f", "json", "--jobs", str(jobs)]
    for alias in aliases:
        args += ["--target-org", alias]
    import auditor.sfcli

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock, \
            patching.patch.object(auditor.sfcli.subprocess, "run", sf or auditor.sfcli.subprocess.run):
        org.install(mock)
        started = time.perf_counter()
        result = run_cli(*args)
        wall = time.perf_counter() - started
    if result.exit_code not in (0, 1):
        raise SystemExit(f"audit failed (exit {result.exit_code}): {result.stderr.strip()[-500:]}")
    document = json.loads(result.stdout)
    audited = len(document["orgs"]) if "orgs" in document else 1
    return {"wall_s": wall, "http_requests": requests, "orgs_audited": audited}


def measure(orgs: int, jobs: list[int], latency: float, runs: int, sf_seconds: float | None) -> dict[str, Any]:
    """``sf_seconds`` None: run the stand-in sf as a subprocess."""
    stand_ins = ROOT / "tests" / "stand_ins"
    os.environ["PATH"] = f"{stand_ins}{os.pathsep}{os.environ.get('PATH', '')}"
    for name in [n for n in os.environ if n.startswith("SF_") or n == "AUDITOR_CONFIG"]:
        del os.environ[name]
    os.environ["AUDITOR_FAKE_SF_SCENARIO"] = "plain"
    os.chdir(Path(os.environ.get("TMPDIR", "/tmp")))  # no auditor.toml from the repository
    aliases = [f"org{n:02d}" for n in range(1, orgs + 1)]
    sf = None if sf_seconds is None else _in_process_sf(sf_seconds)
    _run(aliases[:1], 1, 0.0, sf)  # warm-up: imports, caches
    single = [_run(aliases[:1], 1, latency, sf) for _ in range(runs)]
    one = statistics.median(r["wall_s"] for r in single)
    results: dict[str, Any] = {
        "latency_ms": latency * 1000, "runs": runs,
        "sf": "stand-in subprocess" if sf_seconds is None else f"in-process, {sf_seconds * 1000:g} ms", "orgs": orgs, "python": sys.version.split()[0],
        "one_org": {"wall_s": one, "http_requests": single[0]["http_requests"]}, "many": [],
    }
    for job_count in jobs:
        timed = [_run(aliases, job_count, latency, sf) for _ in range(runs)]
        wall = statistics.median(r["wall_s"] for r in timed)
        results["many"].append({"jobs": job_count, "wall_s": wall, "ratio": wall / one,
                                "http_requests": timed[0]["http_requests"], "orgs_audited": timed[0]["orgs_audited"],
                                "met": wall / one < TARGET_RATIO if job_count >= orgs else None})
    return results


def render(results: dict[str, Any]) -> str:
    one = results["one_org"]
    lines = [f"auditor many-orgs bench: {results['latency_ms']:g} ms per request, sf {results['sf']}, "
             f"median of {results['runs']} run(s), Python {results['python']}",
             f"  1 org:  {one['wall_s']:.2f} s ({one['http_requests']} HTTP requests)"]
    for row in results["many"]:
        verdict = "" if row["met"] is None else f"  [{'met' if row['met'] else 'MISSED'}: < {TARGET_RATIO:g}x]"
        lines.append(f"  {results['orgs']} orgs, --jobs {row['jobs']}: {row['wall_s']:.2f} s = {row['ratio']:.2f}x one org "
                     f"({row['http_requests']} HTTP requests){verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Wall time of many orgs audited at once against one org.")
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--jobs", type=int, action="append", help="concurrency to measure (repeatable; default: --orgs and 4)")
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sf-ms", type=float, default=150.0, help="time the in-process sf answer takes (default 150)")
    parser.add_argument("--subprocess-sf", action="store_true", help="run the stand-in sf script as a real subprocess")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = measure(args.orgs, args.jobs or [args.orgs, 4], args.latency_ms / 1000, args.runs,
                      None if args.subprocess_sf else args.sf_ms / 1000)
    print(json.dumps(results, indent=2) if args.json else render(results))
    return 0 if all(row["met"] is not False for row in results["many"]) else 1


if __name__ == "__main__":
    sys.exit(main())
