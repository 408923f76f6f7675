"""Odd answers from Salesforce: the audit reports them, it never crashes on them.

The healthy org's real-shaped answers (cassettes/healthy.yaml: userinfo, /limits, /composite)
are mutated (a key dropped, a value of the wrong type, a body cut short or replaced by an HTML
page, a list emptied, ``done: false`` without ``nextRecordsUrl``, a status code swapped) and
served to the real CLI in-process. Whatever the mutation: no traceback, a documented exit
status, and a valid schema-version-1 JSON report whenever a report is due.

First a table of named cases with their exact outcome, then a property-based sweep (hypothesis,
derandomized, a bounded number of examples so the suite stays fast).
"""

from __future__ import annotations

import copy
import json
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from auditor import cassette, cli
from tests.clirun import CliResult, run_cli

ROOT = Path(__file__).resolve().parent.parent
HEALTHY = cassette.load_cassette(ROOT / "cassettes" / "healthy.yaml")
BASE = cassette.cassette_instance_url(HEALTHY)
USERINFO, LIMITS, COMPOSITE, SYNC_COMPOSITE = range(4)  # the last: the sync round (issue 15)
assert [e["url"].rsplit("/", 1)[-1] for e in HEALTHY] == ["userinfo", "limits", "composite", "composite"]

MAINTENANCE = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Down for maintenance</body></html>"
PROXY = "<html><body><h1>Sign in to the corporate proxy</h1></body></html>"
STATUSES = (200, 400, 401, 403, 404, 500, 503)
Entries = list[dict[str, Any]]


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "time", types.SimpleNamespace(sleep=lambda _seconds: None))
    monkeypatch.chdir(ROOT)


def audit(entries: Entries, *args: str) -> CliResult:
    """The CLI against these answers, served by the project's own replay machinery."""
    with cassette.replaying(entries):
        return run_cli("audit", "--instance-url", BASE, "--access-token", "00DFAKE000000000!FAKE.TOKEN.ODD",
                       "--format", "json", "--hubspot-allocation", "20000", *args)


def document(entries: Entries, index: int) -> Any:
    return json.loads(entries[index]["body"])


def with_body(entries: Entries, index: int, body: Any, **changes: Any) -> Entries:
    changed = copy.deepcopy(entries)
    changed[index]["body"] = body if isinstance(body, str) else json.dumps(body)
    changed[index].update(changes)
    return changed


def with_subrequest(entries: Entries, reference: str, change: Callable[[dict[str, Any]], None]) -> Entries:
    """Apply ``change`` to the composite's subresult ``reference`` ({body, httpStatusCode, ...})."""
    composite = document(entries, COMPOSITE)
    (result,) = [r for r in composite["compositeResponse"] if r["referenceId"] == reference]
    change(result)
    return with_body(entries, COMPOSITE, composite)


def report_of(result: CliResult) -> dict[str, Any]:
    assert result.stdout.strip(), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["schema_version"] == 1
    return report


def statuses(report: dict[str, Any], check: str) -> set[str]:
    return {f["status"] for f in report["findings"] if f["check"] == check}


def unexpected(report: dict[str, Any]) -> str:
    return " | ".join(f["message"] for f in report["findings"] if f["check"] == "unexpected-answers" and f["status"] == "fail")


def assert_sound(result: CliResult) -> dict[str, Any] | None:
    """The contract for any answer: documented exit, no traceback, a report or one clear line."""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1, 2, 3), result
    if result.exit_code in (0, 1) or result.stdout.strip():
        return report_of(result)
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("auditor: auditing ")]
    assert len(lines) == 1 and lines[0].startswith("auditor: "), result.stderr
    return None


# ---------------------------------------------------------------------------------------- named cases


def drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda result: result["body"].pop(key)


def setting(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda result: result["body"].update({key: value})


# (id, mutated answers, check that must say so, its status, text in the unexpected-answers failure)
CASES: list[tuple[str, Entries, str, str, str]] = [
    ("invalid JSON /limits", with_body(HEALTHY, LIMITS, '{"DailyApiRequests": {"Max": 150000, "Rem'),
     "daily-api-headroom", "error", "limits is not valid JSON"),
    ("truncated composite", with_body(HEALTHY, COMPOSITE, HEALTHY[COMPOSITE]["body"][:4000]),
     "api-enabled", "error", "composite answer is not valid JSON"),
    ("composite is JSON null", with_body(HEALTHY, COMPOSITE, "null"), "object-access", "error", "compositeResponse"),
    ("limit value of the wrong type", with_body(HEALTHY, LIMITS, {"DailyApiRequests": {"Max": "lots", "Remaining": 3}}),
     "daily-api-headroom", "error", "expected a number"),
    ("limits is a list", with_body(HEALTHY, LIMITS, []), "daily-api-headroom", "error", "expected an object"),
    ("Organization without Name", with_subrequest(HEALTHY, "org", drop("Name")), "user-active", "error", "'Name'"),
    ("User without IsActive", with_subrequest(HEALTHY, "user", drop("IsActive")), "user-active", "error", "IsActive"),
    ("describe fields not a list", with_subrequest(HEALTHY, "describe_Contact", setting("fields", "Id,Email")),
     "field-access", "error", "'fields' list"),
    ("query without records", with_subrequest(HEALTHY, "field_permissions", drop("records")),
     "field-access", "error", "'records' list"),
    ("records of the wrong type", with_subrequest(HEALTHY, "object_permissions", setting("records", {"0": {}})),
     "object-access", "error", "'records' list"),
    ("done false without nextRecordsUrl", with_subrequest(HEALTHY, "assignments", setting("done", False)),
     "api-enabled", "error", "nextRecordsUrl"),
    ("done false without nextRecordsUrl (package)", with_subrequest(HEALTHY, "hubspot_package", setting("done", False)),
     "hubspot-permission-set", "error", "nextRecordsUrl"),
    ("HTML page where JSON was due (/limits)", with_body(HEALTHY, LIMITS, PROXY, content_type="text/html"),
     "daily-api-headroom", "error", "limits is not valid JSON"),
    ("HTML page where JSON was due (composite)", with_body(HEALTHY, COMPOSITE, PROXY, content_type="text/html"),
     "object-access", "error", "composite answer is not valid JSON"),
    ("subrequest status without body", with_subrequest(HEALTHY, "triggers", lambda r: r.update(httpStatusCode="200")),
     "row-lock-risk", "error", "ApexTrigger"),
    ("subrequest missing from the composite",
     with_body(HEALTHY, COMPOSITE, {"compositeResponse": [r for r in document(HEALTHY, COMPOSITE)["compositeResponse"]
                                                          if r["referenceId"] != "triggers"]}),
     "row-lock-risk", "error", "missing from the composite"),
]


@pytest.mark.parametrize(("entries", "check", "status", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_odd_answer_is_an_error_finding(entries: Entries, check: str, status: str, says: str) -> None:
    result = audit(entries)
    assert_sound(result)
    report = report_of(result)
    assert result.exit_code == 1  # the unexpected answer predicts HubSpot's UNKNOWN_ERROR
    assert "UNKNOWN_ERROR" in report["would_suspend"]
    assert status in statuses(report, check)
    assert says in unexpected(report)


def test_no_assignment_at_all_is_an_error_not_missing_permissions() -> None:
    """Every user has the profile's permission set among its assignments: none at all is an odd
    answer (rows hidden from the caller), not 'nothing is granted' with dozens of false fails.
    Like every other odd answer it is reported under UNKNOWN_ERROR (exit 1)."""
    result = audit(with_subrequest(HEALTHY, "assignments", lambda r: r["body"].update(records=[], totalSize=0)))
    report = report_of(result)
    assert result.exit_code == 1
    assert report["would_suspend"] == ["UNKNOWN_ERROR"]
    assert statuses(report, "api-enabled") == {"error"}
    assert statuses(report, "object-access") == {"error"}
    (finding,) = [f for f in report["findings"] if f["check"] == "api-enabled"]
    assert "not even the profile's permission set" in finding["message"]


def test_empty_optional_lists_are_legitimate() -> None:
    """No trigger and no HubSpot package are real answers: they pass, they are not errors."""
    entries = with_subrequest(HEALTHY, "triggers", lambda r: r["body"].update(records=[], totalSize=0))
    entries = with_subrequest(entries, "hubspot_package", lambda r: r["body"].update(records=[], totalSize=0))
    report = report_of(audit(entries))
    assert report["would_suspend"] == [] and report["summary"]["error"] == 0


@pytest.mark.parametrize(("index", "body", "content_type", "message"), [
    (USERINFO, PROXY, "text/html", "could not tell which user the session belongs to (userinfo answered HTTP 200)"),
    (USERINFO, "{}", "application/json", "could not tell which user the session belongs to (userinfo answered HTTP 200)"),
    (USERINFO, '{"user_id": 5', "application/json", "could not tell which user the session belongs to (userinfo answered HTTP 200)"),
])
def test_unreadable_identity_is_exit_3_one_line(index: int, body: str, content_type: str, message: str) -> None:
    result = audit(with_body(HEALTHY, index, body, content_type=content_type))
    assert_sound(result)
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == f"auditor: {message}"


def test_maintenance_page_is_unavailable_not_a_json_error() -> None:
    entries = with_body(HEALTHY, LIMITS, MAINTENANCE, content_type="text/html", status=503)
    entries = with_body(entries, COMPOSITE, MAINTENANCE, content_type="text/html", status=503)
    # Replay serves composites in recorded order: the retry would get the sync round's answer otherwise.
    entries = with_body(entries, SYNC_COMPOSITE, MAINTENANCE, content_type="text/html", status=503)
    report = report_of(audit(entries))
    assert report["would_suspend"] == ["SF_ORG_UNAVAILABLE"]
    assert statuses(report, "org-availability") == {"fail"}
    assert statuses(report, "unexpected-answers") == {"pass"}


# ---------------------------------------------------------------------------------------- property


PathT = tuple[Any, ...]
TYPE_SWAPS: tuple[Any, ...] = (None, 0, -1, 1.5, True, "", "x", "<html>", [], {}, [None], {"x": 1})


def paths(value: Any, prefix: PathT = ()) -> list[PathT]:
    """Every key/index path in a JSON value; long lists contribute their first two and last item."""
    found: list[PathT] = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append((*prefix, key))
            found.extend(paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index in sorted({0, 1, len(value) - 1} & set(range(len(value)))):
            found.append((*prefix, index))
            found.extend(paths(value[index], (*prefix, index)))
    return found


def get(value: Any, path: PathT) -> Any:
    for step in path:
        value = value[step]
    return value


STRUCTURAL = ("drop-key", "change-type", "empty-list", "done-false", "sub-status")
TEXTUAL = ("truncate", "html", "invalid-json", "status")


@st.composite
def mutated_answers(draw: st.DrawFn) -> tuple[Entries, list[str]]:
    entries = copy.deepcopy(HEALTHY)
    documents: dict[int, Any] = {}
    applied: list[str] = []
    for _ in range(draw(st.integers(1, 3), label="mutations")):
        kind = draw(st.sampled_from(STRUCTURAL + TEXTUAL), label="kind")
        # Query envelopes, lists and subrequest statuses live in the composite answer.
        answers = (COMPOSITE,) if kind in ("empty-list", "done-false", "sub-status") else (USERINFO, LIMITS, COMPOSITE)
        index = draw(st.sampled_from(answers), label="answer")
        if kind in TEXTUAL:
            documents.pop(index, None)  # later structural mutations start from the text as it is now
            entry = entries[index]
            if kind == "truncate":
                entry["body"] = entry["body"][: draw(st.integers(0, max(0, len(entry["body"]) - 1)))]
            elif kind == "html":
                entry["body"] = draw(st.sampled_from((MAINTENANCE, PROXY)))
                entry["content_type"] = "text/html;charset=UTF-8"
            elif kind == "invalid-json":
                entry["body"] = draw(st.sampled_from(("", "{", "nul", "{'single': 'quotes'}", "[1, 2,", "\ufeff{}", "}{")))
            else:
                entry["status"] = draw(st.sampled_from(STATUSES))
            applied.append(kind)
            continue
        try:
            doc = documents.setdefault(index, json.loads(entries[index]["body"]))
        except ValueError:
            continue  # the body is no longer JSON: nothing structural to change
        scope: PathT = ()
        if index == COMPOSITE and isinstance(doc, dict) and isinstance(doc.get("compositeResponse"), list) \
                and doc["compositeResponse"] and draw(st.booleans(), label="inside a subrequest"):
            scope = ("compositeResponse", draw(st.integers(0, len(doc["compositeResponse"]) - 1), label="subrequest"))
        try:
            base = get(doc, scope)
        except (KeyError, IndexError, TypeError):
            continue
        candidates = [(*scope, *p) for p in paths(base)]
        if draw(st.booleans(), label="shallow"):  # the keys parsers read, rather than deep describe detail
            candidates = [p for p in candidates if len(p) - len(scope) <= 3]
        if kind == "drop-key":
            candidates = [p for p in candidates if isinstance(p[-1], str)]
        elif kind == "empty-list":
            candidates = [p for p in candidates if isinstance(get(doc, p), list)]
        elif kind == "done-false":
            candidates = [p for p in [scope, *candidates] if isinstance(get(doc, p), dict) and "done" in get(doc, p)]
        elif kind == "sub-status":
            candidates = [p for p in candidates if p[-1] == "httpStatusCode"]
        if not candidates:
            continue
        path = draw(st.sampled_from(candidates), label="path")
        parent, key = (get(doc, path[:-1]), path[-1]) if path else (None, None)
        if kind == "drop-key":
            del parent[key]
        elif kind == "change-type":
            current = get(doc, path)
            parent[key] = draw(st.sampled_from([v for v in TYPE_SWAPS if type(v) is not type(current)]))
        elif kind == "empty-list":
            parent[key] = []
        elif kind == "done-false":
            target = get(doc, path)
            target["done"] = False
            target.pop("nextRecordsUrl", None)
        else:
            parent[key] = draw(st.sampled_from(STATUSES))
        entries[index]["body"] = json.dumps(doc)
        applied.append(kind)
    return entries, applied


@settings(max_examples=180, derandomize=True, database=None, deadline=None, print_blob=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_answers())
def test_any_mutation_gives_a_documented_outcome(mutation: tuple[Entries, list[str]]) -> None:
    entries, applied = mutation
    for kind in sorted(set(applied)):
        event(f"mutation: {kind}")
    result = audit(entries)
    event(f"exit {result.exit_code}")
    report = assert_sound(result)
    if report is not None:
        assert set(report["summary"]) == {"pass", "warn", "fail", "error", "ignored"}
        # The exit status is the report's: fail -> 1, else error -> 3, else 0.
        expected = 1 if report["summary"]["fail"] else 3 if report["summary"]["error"] else 0
        assert result.exit_code == expected
        if result.exit_code == 0 and applied:
            event("mutation absorbed (exit 0)")


@settings(max_examples=20, derandomize=True, database=None, deadline=None, print_blob=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_answers())
def test_whoami_survives_any_mutation(mutation: tuple[Entries, list[str]]) -> None:
    entries, _ = mutation
    with cassette.replaying(entries):
        result = run_cli("whoami", "--instance-url", BASE, "--access-token", "00DFAKE000000000!FAKE.TOKEN.ODD",
                         "--format", "json")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (0, 3)
    if result.stdout.strip():
        facts = json.loads(result.stdout)
        assert {"instance_url", "org", "user"} <= set(facts)
