"""Hostile answers and files, a few hundred at a time: the outcome table of issue 10.

    python bench/mutations.py                 # 400 mutated replays, seed 10
    python bench/mutations.py --runs 1200 --seed 3
    python bench/mutations.py --json

Each run takes a recorded cassette (cassettes/*.yaml), applies one to three mutations drawn from
the classes below, and runs the real CLI in-process over it (``auditor audit --format json`` with
``--debug``, ``-o``, ``--record`` and ``--save-snapshot`` into a scratch directory). Classes:
dropped keys, wrong types, huge and hostile (control-character) strings, truncated / HTML / empty
bodies, status swaps, paging loops and cycles, next pages outside the query resource (encoded dot
segments), deep nesting, huge numbers, composite referenceIds of the wrong type, Trust times out
of range, session ids planted in error messages, and malformed cassettes (bad entries, aliases).

A run is counted as:
  hang             more than HANG_REQUESTS requests, or more than HANG_SECONDS of CPU (not wall
                   time: on a shared machine a starved run is not a hang)
  internal error   "internal error" or a traceback on stderr, or an exit status outside 0-3
  echoed secret    the planted session id or the run's token in stdout, stderr or any file written
  guard bypass     a request that reached the (mock) network outside the allowed read paths
  malformed not 2  a malformed cassette that did not exit 2
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from auditor import cassette  # noqa: E402
from auditor.errors import ReadOnlyViolation  # noqa: E402
from auditor.transport import check_read_only  # noqa: E402
from tests.clirun import CliResult, run_cli  # noqa: E402

Entries = list[dict[str, Any]]
TOKEN = "00DFAKE000000000!FAKE.TOKEN.MUTATION"  # pragma: allowlist secret
PLANTED = "00D5g000004SzXbEAK!AQ4AQPlantedSessionIdFromAGateway.0123456789"  # pragma: allowlist secret
SECRET_PARTS = (TOKEN, PLANTED, "FAKE.TOKEN.MUTATION", "AQ4AQPlantedSessionId")
HANG_REQUESTS = 300
HANG_SECONDS = 20.0
CASSETTES = ("healthy", "demo", "fls-second-page", "access-via-group", "trust-maintenance", "server-error")
HOSTILE_TEXT = ("\x1b[2J\x1b]0;pwned\x07\nauditor: all good\r\n", "x" * 200_000, "\u202e\u2028" * 50, "\x00" * 20)
TYPE_SWAPS: tuple[Any, ...] = (None, 0, -1, 1.5, True, "", "x", [], {}, [None], {"x": 1}, 10**30)


# ------------------------------------------------------------------------------------------- helpers


def documents(entries: Entries) -> list[tuple[int, Any]]:
    found = []
    for index, entry in enumerate(entries):
        try:
            found.append((index, json.loads(entry["body"])))
        except (ValueError, TypeError, RecursionError):
            continue
    return found


def paths(value: Any, prefix: tuple[Any, ...] = (), depth: int = 0) -> list[tuple[Any, ...]]:
    if depth > 6:
        return []
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append((*prefix, key))
            found.extend(paths(child, (*prefix, key), depth + 1))
    elif isinstance(value, list):
        for index in sorted({0, len(value) - 1} & set(range(len(value)))):
            found.append((*prefix, index))
            found.extend(paths(value[index], (*prefix, index), depth + 1))
    return found


def get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def query_results(doc: Any) -> list[dict[str, Any]]:
    """Query envelopes inside a composite answer (or the answer itself)."""
    if isinstance(doc, dict) and isinstance(doc.get("compositeResponse"), list):
        return [r["body"] for r in doc["compositeResponse"]
                if isinstance(r, dict) and isinstance(r.get("body"), dict) and "done" in r["body"]]
    return [doc] if isinstance(doc, dict) and "done" in doc else []


def base_url(entries: Entries) -> str:
    return cassette.cassette_instance_url(entries)


# ------------------------------------------------------------------------------------------- mutations
# Each takes (rng, entries) and changes entries in place; returns a label, or None when it did not apply.


def m_structural(rng: random.Random, entries: Entries) -> str | None:
    docs = documents(entries)
    if not docs:
        return None
    index, doc = rng.choice(docs)
    candidates = paths(doc)
    if not candidates:
        return None
    path = rng.choice(candidates)
    parent = get(doc, path[:-1])
    kind = rng.choice(("drop-key", "wrong-type", "hostile-string"))
    if kind == "drop-key" and isinstance(parent, dict):
        del parent[path[-1]]
    elif kind == "hostile-string":
        parent[path[-1]] = rng.choice(HOSTILE_TEXT)
    else:
        kind = "wrong-type"
        parent[path[-1]] = rng.choice(TYPE_SWAPS)
    entries[index]["body"] = json.dumps(doc)
    return kind


def m_body(rng: random.Random, entries: Entries) -> str | None:
    entry = rng.choice(entries)
    kind = rng.choice(("truncated", "html", "empty", "status-swap"))
    if kind == "truncated":
        entry["body"] = entry["body"][: rng.randrange(max(1, len(entry["body"])))]
    elif kind == "html":
        entry["body"], entry["content_type"] = "<html><body>Sign in to the proxy</body></html>", "text/html"
    elif kind == "empty":
        entry["body"] = ""
    else:
        entry["status"] = rng.choice((200, 400, 401, 403, 404, 500, 503))
    return kind


def _start_paging(rng: random.Random, entries: Entries, first: str) -> bool:
    for index, doc in rng.sample(documents(entries), len(documents(entries))):
        results = query_results(doc)
        if results:
            target = rng.choice(results)
            target.update(done=False, nextRecordsUrl=first, totalSize=rng.choice((0, 300, 5000, 10**6)))
            entries[index]["body"] = json.dumps(doc)
            return True
    return False


def _page(base: str, url: str, next_url: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"totalSize": 5000, "done": next_url is None, "records": []}
    if next_url:
        body["nextRecordsUrl"] = next_url
    return {"method": "GET", "url": base + url, "body": json.dumps(body), "status": 200, "content_type": "application/json"}


def m_paging(rng: random.Random, entries: Entries) -> str | None:
    base = base_url(entries)
    a, b = "/services/data/v62.0/query/01gLOOP-200", "/services/data/v62.0/query/01gLOOP-400"
    kind = rng.choice(("paging-self", "paging-cycle", "paging-endless"))
    if not _start_paging(rng, entries, a):
        return None
    if kind == "paging-self":
        entries.append(_page(base, a, a))
    elif kind == "paging-cycle":
        entries += [_page(base, a, b), _page(base, b, a)]
    else:  # a fresh URL every time: only the page cap stops it
        urls = [a] + [f"/services/data/v62.0/query/01gLOOP-{n}" for n in range(600, 600 + 200 * 400, 200)]
        entries += [_page(base, u, v) for u, v in zip(urls, urls[1:])]
    return kind


ESCAPES = ("/services/data/v62.0/%2e%2e/%2e%2e/apexrest/Cleanup", "/services/data/v62.0/%2E%2E/%2E%2E/apexrest/Cleanup",
           "/services/data/v62.0/../../apexrest/Cleanup", "/services/data/v62.0/tooling/%2e%2e/tooling/executeAnonymous/?anonymousBody=x",
           "/services/data/v62.0/query/%2e%2e/%2e%2e/%2e%2e/secur/frontdoor.jsp", "/services/data/v62.0/..%2f..%2fapexrest/X")


def m_escape(rng: random.Random, entries: Entries) -> str | None:
    url = rng.choice(ESCAPES)
    if not _start_paging(rng, entries, url):
        return None
    return "next-page-escape"


def m_bounds(rng: random.Random, entries: Entries) -> str | None:
    docs = documents(entries)
    kind = rng.choice(("deep-nesting", "huge-number", "referenceId-list"))
    if kind == "deep-nesting":
        entry = rng.choice(entries)
        depth = rng.choice((70, 1100, 5000))
        entry["body"] = '{"a": ' + "[" * depth + "]" * depth + "}"
        entry["content_type"] = "application/json"
        return kind
    if kind == "huge-number":
        limits = [e for e in entries if e["url"].endswith("/limits")]
        if not limits:
            return None
        limits[0]["body"] = limits[0]["body"].replace("15000", "1" + "0" * rng.choice((30, 400)), 1) \
            if "15000" in limits[0]["body"] else '{"DailyApiRequests": {"Max": 1e400, "Remaining": 1}}'
        return kind
    for index, doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get("compositeResponse"), list) and doc["compositeResponse"]:
            result = rng.choice(doc["compositeResponse"])
            if isinstance(result, dict):
                result["referenceId"] = rng.choice((["x"], {"x": 1}, 7, None))
                entries[index]["body"] = json.dumps(doc)
                return kind
    return None


def m_trust_time(rng: random.Random, entries: Entries) -> str | None:
    trust = [e for e in entries if "api.status.salesforce.com" in e["url"]]
    if not trust:
        return None
    when = rng.choice(("0001-01-01T00:00:00.000+05:00", "9999-12-31T23:59:59.000-05:00", "0000-00-00", "99999-01-01"))
    trust[0]["body"] = trust[0]["body"].replace("2025-01-01T00:00:00.000Z", when)
    return "trust-time"


def m_secret(rng: random.Random, entries: Entries) -> str | None:
    planted = rng.choice((PLANTED, TOKEN))
    message = rng.choice((f"Session {planted} is invalid", f"Authorization: Bearer {planted}",
                          f"<sessionId>{planted}</sessionId>", f"{{\"access_token\": \"{planted}\"}}"))
    error = [{"errorCode": rng.choice(("UNKNOWN_EXCEPTION", "INVALID_SESSION_ID", "INVALID_TYPE")), "message": message}]
    for index, doc in rng.sample(documents(entries), len(documents(entries))):
        if isinstance(doc, dict) and isinstance(doc.get("compositeResponse"), list) and doc["compositeResponse"]:
            result = rng.choice(doc["compositeResponse"])
            result.update(httpStatusCode=rng.choice((400, 404, 500)), body=error)
            entries[index]["body"] = json.dumps(doc)
            return "planted-secret"
    entry = rng.choice(entries)
    entry.update(body=json.dumps(error), status=rng.choice((400, 500)))
    return "planted-secret"


MUTATIONS: tuple[Callable[[random.Random, Entries], str | None], ...] = (
    m_structural, m_structural, m_body, m_paging, m_escape, m_bounds, m_trust_time, m_secret,
)


def malformed_yaml(rng: random.Random, entries: Entries) -> tuple[str, str]:
    """(label, cassette text) for a cassette that must be refused with exit 2."""
    broken = copy.deepcopy(entries)
    target = rng.choice(broken)
    label, change = rng.choice((
        ("content_type-not-text", lambda e: e.update(content_type=["application/json"])),
        ("port-out-of-range", lambda e: e.update(url=e["url"].replace(".com/", ".com:99999/", 1))),
        ("headers-not-mapping", lambda e: e.update(headers=["Retry-After: 1"])),
        ("status-not-int", lambda e: e.update(status="200")),
        ("status-out-of-range", lambda e: e.update(status=99)),
        ("url-not-text", lambda e: e.update(url=None)),
        ("missing-body", lambda e: e.pop("body")),
        ("method-unknown", lambda e: e.update(method="BREW")),
    ))
    change(target)
    text = yaml.safe_dump({"responses": [{"response": e} for e in broken]}, sort_keys=False)
    if rng.random() < 0.25:
        label = "alias-bomb"
        text = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)) + "responses: *i\n"
    return f"malformed:{label}", text


# ------------------------------------------------------------------------------------------- running


def allowed(method: str, url: str) -> bool:
    try:
        check_read_only(method, url, {}, None if method == "GET" else json.dumps(
            {"compositeRequest": [{"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": "x"}]}))
    except ReadOnlyViolation:
        return False
    path = urlsplit(url).path.lower()
    return "%2e" not in path and "/.." not in path and "apexrest" not in path


def run_one(rng: random.Random, sources: dict[str, Entries], scratch: Path) -> dict[str, Any]:
    name = rng.choice(list(sources))
    entries = copy.deepcopy(sources[name])
    outputs = {flag: scratch / f"out{n}" for n, flag in enumerate(("-o", "--record", "--save-snapshot"))}
    for path in outputs.values():
        path.unlink(missing_ok=True)
    args = ["audit", "--access-token", TOKEN, "--format", "json", "--hubspot-allocation", "20000", "--debug",
            "--deadline", str(HANG_SECONDS * 2)]
    for flag, path in outputs.items():
        args += [flag, str(path)]
    if "trust" in name:
        args.append("--trust-status")
    started = time.process_time()
    calls: list[tuple[str, str]] = []
    if rng.random() < 0.12:
        labels, text = malformed_yaml(rng, entries)
        file = scratch / "bad.yaml"
        file.write_text(text, encoding="utf-8")
        result = run_cli(*args, "--replay", str(file))
        labels_list = [labels]
    else:
        labels_list = [label for _ in range(rng.randint(1, 3)) if (label := rng.choice(MUTATIONS)(rng, entries))]
        with cassette.replaying(entries) as mock:
            result = run_cli(*args, "--instance-url", base_url(entries))
            calls = [(c.request.method or "", c.request.url or "") for c in mock.calls]
    elapsed = time.process_time() - started
    return judge(name, labels_list, result, calls, elapsed, outputs)


def judge(name: str, labels: list[str], result: CliResult, calls: list[tuple[str, str]], elapsed: float,
          outputs: dict[str, Path]) -> dict[str, Any]:
    written = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in outputs.values() if p.exists())
    everything = result.stdout + result.stderr + written
    malformed = any(label.startswith("malformed:") for label in labels)
    return {
        "cassette": name,
        "mutations": labels,
        "exit": result.exit_code,
        "hang": len(calls) > HANG_REQUESTS or elapsed > HANG_SECONDS,
        "internal_error": "internal error" in result.stderr or "Traceback" in result.stderr or result.exit_code not in (0, 1, 2, 3),
        "echoed_secret": any(part in everything for part in SECRET_PARTS),
        "guard_bypass": any(not allowed(method, url) for method, url in calls),
        "malformed_not_2": malformed and result.exit_code != 2,
        "requests": len(calls),
        "cpu_seconds": round(elapsed, 3),
        "stderr": result.stderr.strip().splitlines()[-1][:200] if result.stderr.strip() else "",
    }


def mutation_run(runs: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    sources = {name: cassette.load_cassette(ROOT / "cassettes" / f"{name}.yaml") for name in CASSETTES}
    with tempfile.TemporaryDirectory() as scratch:
        return [run_one(rng, sources, Path(scratch)) for _ in range(runs)]


DEFECTS = ("hang", "internal_error", "echoed_secret", "guard_bypass", "malformed_not_2")


def outcome_table(results: list[dict[str, Any]]) -> str:
    exits = Counter(r["exit"] for r in results)
    lines = [f"runs                 {len(results)}"]
    lines += [f"exit {code}               {exits[code]}" for code in sorted(exits)]
    lines += [f"{defect.replace('_', ' '):<20} {sum(r[defect] for r in results)}" for defect in DEFECTS]
    kinds = Counter(label for r in results for label in r["mutations"])
    lines.append("mutations applied    " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="every run's outcome as JSON")
    options = parser.parse_args()
    started = time.monotonic()
    results = mutation_run(options.runs, options.seed)
    if options.json:
        print(json.dumps(results, indent=2))
        return
    print(outcome_table(results))
    print(f"time                 {time.monotonic() - started:.1f} s")
    for result in results:
        if any(result[d] for d in DEFECTS):
            print(f"DEFECT {[d for d in DEFECTS if result[d]]} {result['cassette']} {result['mutations']}: {result['stderr']}")
    if any(r[d] for r in results for d in DEFECTS):
        sys.exit(1)


if __name__ == "__main__":
    main()
