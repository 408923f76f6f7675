"""Cassettes stay faithful and fresh.

- Fresh: re-recording each scenario against the simulator gives the same answers, per request
  URL and in the same order (run ``python tests/regen_cassettes.py`` after a collector change).
- Faithful: every recorded answer has the documented shape (reference §1.5, §1.6, §3.1):
  query envelopes with ``attributes`` on each record, JSON-array error bodies with ``errorCode``,
  ``Sforce-Limit-Info`` on counted answers, composite answers with ``compositeResponse``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.regen_cassettes import record
from tests.simulator.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = sorted((ROOT / "cassettes").glob("*.yaml"))
SESSION_ID = re.compile(r"00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{40,}")


def _entries(path: Path) -> list[dict[str, Any]]:
    return [item["response"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))["responses"]]


def _by_request(entries: list[dict[str, Any]]) -> dict[tuple[str, str], list[tuple[int, str]]]:
    grouped: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for entry in entries:
        grouped[(entry["method"], entry["url"])].append((entry["status"], entry["body"]))
    return dict(grouped)


def test_every_scenario_has_a_cassette_and_back() -> None:
    names = {path.stem for path in CASSETTES}
    assert names == set(SCENARIOS), "run python tests/regen_cassettes.py"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cassette_is_fresh(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / f"{name}.yaml"
    record(SCENARIOS[name], fresh)
    assert _by_request(_entries(fresh)) == _by_request(_entries(ROOT / "cassettes" / f"{name}.yaml")), (
        f"cassettes/{name}.yaml is stale: run python tests/regen_cassettes.py {name}")


def _check_record(record: Any) -> None:
    assert isinstance(record, dict) and set(record["attributes"]) == {"type", "url"}
    for value in record.values():
        if isinstance(value, dict) and "attributes" in value:
            _check_record(value)


def _check_body(path: str, status: int, body: Any) -> None:
    if status >= 300:
        # REST errors are a JSON array of {message, errorCode} [C §3.1] (HTML pages aside).
        assert isinstance(body, list) and body and {"message", "errorCode"} <= set(body[0]), (path, body)
        return
    if "/query" in path or (isinstance(body, dict) and "records" in body):  # `--user` finds the user by query
        assert isinstance(body["totalSize"], int) and isinstance(body["done"], bool)
        assert ("nextRecordsUrl" in body) is (not body["done"])
        for item in body["records"]:
            _check_record(item)
    elif "/ui-api/duplicates/" in path:
        # The Duplicates Configuration response [C F6c, shared/reference/admin-and-sync-facts.md §3.3].
        assert {"dedupeEnabled", "dedupeFields", "duplicateRules", "predupeEnabled"} <= set(body)
        for rule in body["duplicateRules"]:
            assert {"actionOnInsert", "actionOnUpdate", "active", "name", "operationsOnInsert"} <= set(rule)
    elif path.endswith("/describe"):
        assert {"name", "fields", "createable", "updateable", "queryable", "keyPrefix", "urls"} <= set(body)
        for field in body["fields"]:
            assert {"name", "type", "referenceTo", "permissionable", "calculated", "soapType"} <= set(field)
    elif "/sobjects/" in path:
        _check_record(body)


def _subrequest_kind(reference_id: str) -> str:
    """What a composite subrequest was (its request is not recorded): a pseudo path for _check_body."""
    if reference_id.startswith("describe_"):
        return f"/sobjects/{reference_id[9:]}/describe"
    if reference_id in ("user", "profile", "license", "org"):
        return f"/sobjects/{reference_id}"
    if reference_id.startswith("duplicates_"):  # issue 15: UI API Duplicates Configuration
        return f"/ui-api/duplicates/{reference_id[11:]}"
    if reference_id.startswith("validation_rule_"):  # issue 15: one Tooling ValidationRule record
        return "/tooling/sobjects/ValidationRule"
    return "/query"


@pytest.mark.parametrize("path", CASSETTES, ids=[p.stem for p in CASSETTES])
def test_cassette_answers_have_salesforce_shapes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not SESSION_ID.search(text), "a real-looking session id in a cassette"
    for entry in _entries(path):
        assert {"method", "url", "body", "status", "content_type", "auto_calculate_content_length"} <= set(entry)
        url_path = urlsplit(entry["url"]).path
        counted = url_path.startswith("/services/data/v") and entry["status"] < 500
        if counted:
            assert re.fullmatch(r"api-usage=\d+/\d+", entry.get("headers", {}).get("Sforce-Limit-Info", "")), entry["url"]
        if "html" in entry["content_type"]:
            assert entry["status"] >= 500
            continue
        try:
            body = json.loads(entry["body"])
        except ValueError:
            assert path.stem == "unknown-error"  # the one deliberately truncated answer
            continue
        if url_path.endswith("/composite") and entry["status"] == 200:
            for sub in body["compositeResponse"]:
                assert {"body", "httpHeaders", "httpStatusCode", "referenceId"} <= set(sub)
                _check_body(_subrequest_kind(sub["referenceId"]), sub["httpStatusCode"], sub["body"])
        elif url_path.startswith("/services/data/"):
            _check_body(url_path, entry["status"], body)
