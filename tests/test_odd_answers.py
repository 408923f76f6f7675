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

from auditor import cassette
from auditor.commands import session as cli  # where the retries sleep
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


@pytest.mark.slow  # a mutation sweep (hypothesis)
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


@pytest.mark.slow  # a mutation sweep (hypothesis)
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


# ---------------------------------------------------------------------------------------- hostile answers
# Each class of defect found by replaying mutated cassettes (issue 10), one regression per class; the
# wider sweep is bench/mutations.py.

DATA = f"{BASE}/services/data/v62.0"


def audit_counting(entries: Entries, *args: str) -> tuple[CliResult, list[str]]:
    """Like audit(), and the URLs of every request that was answered."""
    with cassette.replaying(entries) as mock:
        result = run_cli("audit", "--instance-url", BASE, "--access-token", "00DFAKE000000000!FAKE.TOKEN.ODD",
                         "--format", "json", "--hubspot-allocation", "20000", *args)
        return result, [call.request.url for call in mock.calls]


def page(url: str, next_url: str | None, total: int = 5000) -> dict[str, Any]:
    """A cassette entry answering ``url`` with a page of one record that points at ``next_url``."""
    record = {"attributes": {"type": "ApexTrigger", "url": "/services/data/v62.0/sobjects/ApexTrigger/01q5g000000AbCdAAK"}}
    body: dict[str, Any] = {"totalSize": total, "done": next_url is None, "records": [record]}
    if next_url is not None:
        body["nextRecordsUrl"] = next_url
    return {"method": "GET", "url": f"{BASE}{url}", "body": json.dumps(body), "status": 200,
            "content_type": "application/json"}


def paging_to(first: str, total: int = 5000) -> Entries:
    def start_paging(result: dict[str, Any]) -> None:
        result["body"].update(done=False, nextRecordsUrl=first, totalSize=total)
    return with_subrequest(HEALTHY, "triggers", start_paging)


@pytest.mark.parametrize(("name", "pages", "total"), [
    ("points at itself", [("/services/data/v62.0/query/01gA-200", "/services/data/v62.0/query/01gA-200")], 5000),
    ("a cycle of two", [("/services/data/v62.0/query/01gA-200", "/services/data/v62.0/query/01gA-400"),
                        ("/services/data/v62.0/query/01gA-400", "/services/data/v62.0/query/01gA-200")], 5000),
])
def test_a_paging_loop_is_followed_once_and_reported(name: str, pages: list[tuple[str, str]], total: int) -> None:
    entries = paging_to(pages[0][0], total) + [page(url, nxt, total) for url, nxt in pages]
    result, sent = audit_counting(entries)
    report = report_of(result)
    assert result.exit_code == 1 and "UNKNOWN_ERROR" in report["would_suspend"]
    assert "pagination loops" in unexpected(report) and f"after {len(pages) + 1} pages" in unexpected(report)
    assert all(sent.count(f"{BASE}{url}") == 1 for url, _ in pages), sent


def test_paging_beyond_the_total_size_stops_at_the_cap() -> None:
    """Fresh URLs every time, but a query of 300 rows cannot take more than two pages of 200 and one more
    (the first page is empty here: the batch size is taken as 200)."""
    urls = [f"/services/data/v62.0/query/01gB-{n}" for n in range(50)]
    entries = paging_to(urls[0], 300) + [page(url, nxt, total=300) for url, nxt in zip(urls, urls[1:])]
    result, sent = audit_counting(entries)
    report = report_of(result)
    assert "pagination did not end after 3 pages" in unexpected(report)
    assert len([u for u in sent if "/query/01gB-" in u]) == 2


def test_an_empty_page_that_is_not_the_last_stops_the_paging() -> None:
    urls = [f"/services/data/v62.0/query/01gC-{n}" for n in range(5)]
    empty = [{**page(url, nxt), "body": json.dumps({"totalSize": 10**6, "done": False, "records": [],
                                                     "nextRecordsUrl": nxt})} for url, nxt in zip(urls, urls[1:])]
    result, sent = audit_counting(paging_to(urls[0], 10**6) + empty)
    assert "pagination made no progress: page 2 had no records" in unexpected(report_of(result))
    assert len([u for u in sent if "/query/01gC-" in u]) == 1


def test_a_next_page_outside_the_query_resource_is_not_fetched() -> None:
    """Percent-encoded dot segments would step out of the data API to Apex REST (custom code)."""
    hostile = "/services/data/v62.0/%2e%2e/%2e%2e/apexrest/Cleanup"
    result, sent = audit_counting(paging_to(hostile) + [page("/services/apexrest/Cleanup", None)])
    report = report_of(result)
    assert "is not a page of the query resource" in unexpected(report)
    assert not [u for u in sent if "apexrest" in u.lower() or "%2e" in u.lower()]


def healthy_yaml_with(change: Callable[[dict[str, Any]], None]) -> str:
    import yaml

    entries = copy.deepcopy(HEALTHY)
    change(entries[LIMITS])
    return yaml.safe_dump({"responses": [{"response": e} for e in entries]}, sort_keys=False)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)) + "responses: *i\n"


@pytest.mark.parametrize(("name", "text", "says"), [
    ("content_type not text", healthy_yaml_with(lambda e: e.update(content_type=["application/json"])),
     "entry 2 has a content_type that is not text"),
    ("port out of range", healthy_yaml_with(lambda e: e.update(url="https://acme.my.salesforce.com:99999/services/data/v62.0/limits")),
     "entry 2 has a malformed url (Port out of range 0-65535)"),
    ("headers not a mapping", healthy_yaml_with(lambda e: e.update(headers=["Retry-After: 1"])),
     "entry 2 has headers that are not a mapping of text to text"),
    ("header value not text", healthy_yaml_with(lambda e: e.update(headers={"Retry-After": None})),
     "entry 2 has headers that are not a mapping of text to text"),
    ("status out of range", healthy_yaml_with(lambda e: e.update(status=1000)), "entry 2 has a malformed status"),
    ("status true", healthy_yaml_with(lambda e: e.update(status=True)), "entry 2 has a malformed status"),
    ("method unknown", healthy_yaml_with(lambda e: e.update(method="BREW")), "entry 2 has a malformed method"),
    ("url without host", healthy_yaml_with(lambda e: e.update(url="/services/data/v62.0/limits")), "entry 2 has a malformed url"),
    ("body a mapping", healthy_yaml_with(lambda e: e.update(body={"a": 1})), "entry 2 has a body that is not text"),
    ("auto length not a flag", healthy_yaml_with(lambda e: e.update(auto_calculate_content_length="yes")),
     "entry 2 has an auto_calculate_content_length"),
    ("alias bomb", BOMB, "YAML aliases are not allowed"),
    ("harmless alias", "x: &r {response: {}}\nresponses: [*r]\n", "YAML aliases are not allowed"),
    ("deep nesting", "responses: " + "[" * 5000 + "]" * 5000 + "\n", "cassette"),
])
def test_a_malformed_cassette_is_exit_2_naming_the_entry(tmp_path: Path, name: str, text: str, says: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("audit", "--replay", str(path), "--format", "json")
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"auditor: cassette {path}") and says in lines[0], lines


def nested(depth: int) -> str:
    return '{"DailyApiRequests": ' + "[" * depth + "1" + "]" * depth + "}"


@pytest.mark.parametrize(("name", "entries", "check", "says"), [
    ("JSON nested 1,100 deep", with_body(HEALTHY, LIMITS, nested(1100)), "daily-api-headroom",
     "limits is unreadable JSON (nested deeper than 64 levels)"),
    ("JSON nested 100 deep", with_body(HEALTHY, LIMITS, nested(100)), "daily-api-headroom",
     "limits is unreadable JSON (nested deeper than 64 levels)"),
    ("a limit of 10^400", with_body(HEALTHY, LIMITS, '{"DailyApiRequests": {"Max": 1' + "0" * 400 + ', "Remaining": 3}}'),
     "daily-api-headroom", "limits is unreadable JSON (a number out of range (10000000000000000000...))"),
    ("a limit of 1e400", with_body(HEALTHY, LIMITS, '{"DailyApiRequests": {"Max": 1e400, "Remaining": 3}}'),
     "daily-api-headroom", "a number out of range (1e400)"),
    ("a limit of NaN", with_body(HEALTHY, LIMITS, '{"DailyApiRequests": {"Max": NaN, "Remaining": 3}}'),
     "daily-api-headroom", "a number out of range (NaN)"),
    ("a composite nested 1,100 deep", with_body(HEALTHY, COMPOSITE, '{"compositeResponse": ' + "[" * 1100 + "]" * 1100 + "}"),
     "object-access", "composite answer is unreadable JSON (nested deeper than 64 levels)"),
    ("a referenceId that is a list", with_subrequest(HEALTHY, "triggers", lambda r: r.update(referenceId=["triggers"])),
     "row-lock-risk", "missing from the composite"),
])
def test_answers_beyond_sane_bounds_are_unreadable_not_a_crash(name: str, entries: Entries, check: str, says: str) -> None:
    result = audit(entries)
    report = assert_sound(result)
    assert report is not None and result.exit_code == 1
    assert "UNKNOWN_ERROR" in report["would_suspend"] and "error" in statuses(report, check)
    assert says in unexpected(report)


TRUST = cassette.load_cassette(ROOT / "cassettes" / "trust-maintenance.yaml")


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00.000+05:00", "9999-12-31T23:59:59.000-05:00", "0001-01-01T00:00:00Z"])
def test_a_trust_time_out_of_range_is_unknown(when: str) -> None:
    trust = json.loads(TRUST[-1]["body"])
    trust["Maintenances"][0]["plannedStartTime"] = when
    entries = with_body(TRUST, len(TRUST) - 1, trust)
    with cassette.replaying(entries):
        result = run_cli("audit", "--instance-url", BASE, "--access-token", "00DFAKE000000000!FAKE.TOKEN.ODD",
                         "--format", "json", "--hubspot-allocation", "20000", "--trust-status")
    report = assert_sound(result)
    assert report is not None
    (finding,) = [f for f in report["findings"] if f["check"] == "trust-status"]
    assert finding["status"] in ("warn", "error") and "not a timestamp" in finding["message"], finding


PLANTED = "00D5g000004SzXbEAK!AQ4AQFakeSessionPlantedByAProxy.0123456789abcdef"  # pragma: allowlist secret
RUN_TOKEN = "00DFAKE000000000!FAKE.TOKEN.ODD"  # this run's --access-token (too short for the shape)


def failing(reference: str, message: str, code: str = "UNKNOWN_EXCEPTION", status: int = 500) -> Entries:
    return with_subrequest(HEALTHY, reference, lambda r: r.update(httpStatusCode=status,
                                                                  body=[{"errorCode": code, "message": message}]))


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "junit", "csv"])
def test_a_session_id_in_an_answer_never_leaves_the_process(tmp_path: Path, fmt: str) -> None:
    """A gateway or an Apex handler quoting a session id (any, or this run's own token) in an error."""
    entries = failing("triggers", f"Session {PLANTED} rejected; retry with Authorization: OAuth {RUN_TOKEN}")
    entries = with_body(entries, LIMITS, json.dumps([{"errorCode": "UNKNOWN_EXCEPTION", "message": f"bad {PLANTED}"}]),
                        status=500)
    files = {name: tmp_path / name for name in ("report", "record.yaml", "snapshot.json")}
    with cassette.replaying(entries):
        result = run_cli("audit", "--instance-url", BASE, "--access-token", RUN_TOKEN, "--format", fmt,
                         "--hubspot-allocation", "20000", "--debug", "-o", str(files["report"]),
                         "--record", str(files["record.yaml"]), "--save-snapshot", str(files["snapshot.json"]))
    assert result.exit_code == 1, result.stderr
    written = {name: path.read_text() for name, path in files.items()}
    assert "REDACTED" in written["report"].replace("\\", "")  # the message is still there, masked
    for where, text in {"stdout": result.stdout, "stderr": result.stderr, **written}.items():
        for secret in (PLANTED, RUN_TOKEN, "AQ4AQFakeSessionPlanted", "FAKE.TOKEN.ODD"):
            assert secret not in text, f"{secret} in {where}"


def test_org_text_reaches_the_terminal_escaped_on_one_line_and_capped() -> None:
    hostile = "Line one\nauditor: all good, nothing to see\x1b[2J\x1b]0;pwned\x07" + "\n" * 500_000
    # A 401's errorCode is quoted in the one-line reason for exit 3.
    result = audit(with_body(HEALTHY, USERINFO, [{"errorCode": hostile, "message": "x"}], status=401), "--format", "table")
    assert result.exit_code == 3
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\x07" not in stream
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("auditor: ") for line in lines), lines[:5]
    assert not any(line.startswith("auditor: all good") for line in lines)
    assert len(result.stderr) < 5000


def test_org_text_in_the_table_is_escaped_and_capped() -> None:
    hostile = "Denied\x1b[31m red\x07" + "x\n" * 500_000
    result = audit(failing("triggers", hostile, code="INVALID_TYPE", status=400), "--format", "table", "--verbose")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\\x1b[31m" in result.stdout
    assert len(result.stdout.splitlines()) < 3000
    full = audit(failing("triggers", hostile, code="INVALID_TYPE", status=400))
    assert "\x1b" not in full.stdout and "\\u001b[31m" in full.stdout  # JSON keeps the full text, escaped
    assert any(hostile in f["message"] for f in report_of(full)["findings"])


def test_a_sample_of_the_mutation_bench_finds_no_defect() -> None:
    """Eight runs of bench/mutations.py (every class of hostile answer and file); the bench runs hundreds."""
    from bench.mutations import DEFECTS, mutation_run

    results = mutation_run(8, seed=7)
    defects = [(d, r["cassette"], r["mutations"], r["stderr"]) for r in results for d in DEFECTS if r[d]]
    assert not defects
    assert {r["exit"] for r in results} <= {0, 1, 2, 3}
