"""The request budget of one audit (issue 6): exact HTTP requests and API calls.

The default audit on a typical org is userinfo (identity; not an API call), GET /limits and one
POST /composite, plus the sync round (issue 15): one POST /composite of its queries and UI API GETs,
and one of the active validation rules' records when there are any. The demo org: 5 HTTP requests,
4 counted API calls. A larger org costs one more request per extra query page, nothing else. The
naive strategy (one request per describe and per query) is the baseline bench/bench.py compares
with. Change these numbers only on purpose.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import responses

from bench.bench import large_org
from tests.clirun import CliResult, run_cli
from tests.simulator.org import FakeOrg
from tests.simulator.scenarios import demo_org

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "00DFAKE000000000!FAKE.TOKEN.FOR.TESTS"
# issue 6: default scope, typical org, after authentication; issue 15: at most two more calls for the
# sync family (4 counted calls in all), userinfo being the fifth, uncounted, request.
BUDGET_HTTP, BUDGET_API = 5, 4


def _usage(result: CliResult) -> tuple[int, int]:
    assert result.exit_code in (0, 1), result.stderr
    usage = json.loads(result.stdout)["api_usage"]
    return usage["http_requests"], usage["api_calls"]


def _requests_sent(result: CliResult) -> list[str]:
    """'METHOD path' of every request, from the --debug log (order of /limits vs /composite varies)."""
    found = re.findall(r"\[debug\] (\w+) [^/\s]+(/\S*?)(?:\?\S*)? ->", result.stderr)
    return sorted(f"{method} {path}" for method, path in found)


def _audit(org: FakeOrg, *args: str) -> CliResult:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        org.install(mock)
        return run_cli("audit", "--instance-url", org.base, "--access-token", TOKEN, "--format", "json", *args)


def _findings(result: CliResult) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


def test_default_audit_of_the_typical_org_fits_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("audit", "--replay", "cassettes/demo.yaml", "--format", "json", "--debug")
    assert _usage(result) == (5, 4)
    assert _usage(result) <= (BUDGET_HTTP, BUDGET_API)
    assert _requests_sent(result) == [
        "GET /services/data/v62.0/limits",
        "GET /services/oauth2/userinfo",
        "POST /services/data/v62.0/composite",  # the audit
        "POST /services/data/v62.0/composite",  # the sync round: ValidationRule, flows, UI API duplicates
        "POST /services/data/v62.0/composite",  # the demo's one active validation rule, for its formula
    ]


def test_simulator_costs_what_the_cassette_records() -> None:
    assert _usage(_audit(demo_org())) == (5, 4)


def test_naive_strategy_sends_one_request_per_describe_and_query() -> None:
    composite, naive = _audit(demo_org()), _audit(demo_org(), "--strategy", "naive")
    # userinfo + /limits + 4 records (user, profile, license, org) + 7 describes + 5 queries, then the sync
    # round: 2 queries + 3 UI API GETs + 1 validation rule record.
    assert _usage(naive) == (24, 23)
    assert _usage(composite) == (5, 4)
    assert _findings(naive) == _findings(composite)


def test_the_sync_round_costs_nothing_when_its_checks_are_skipped() -> None:
    from tests.simulator.scenarios import healthy_org

    # Without active validation rules the sync round is one composite; row-lock-risk reads the flows in it,
    # so skipping the family alone keeps that composite, skipping both drops it.
    assert _usage(_audit(healthy_org())) == (4, 3)
    assert _usage(_audit(demo_org(), "--skip", "sync")) == (4, 3)
    assert _usage(_audit(demo_org(), "--skip", "sync", "--skip", "row-lock-risk")) == (3, 2)


def test_the_integration_licence_psl_rides_in_the_sync_round() -> None:
    from tests.simulator.scenarios import integration_licence_org

    assert _usage(_audit(integration_licence_org())) == (4, 3)


def test_validation_rule_records_pack_25_to_a_composite() -> None:
    from tests.simulator.scenarios import healthy_org

    org = healthy_org()
    org.validation_rules = [{"Id": f"03d5g000000Ab{i:03d}AK", "Object": "Lead", "ValidationName": f"Rule_{i}",
                             "Active": True, "Formula": "ISBLANK(Email)", "ErrorMessage": "E-mail.",
                             "ErrorDisplayField": None} for i in range(30)]
    result = _audit(org)
    assert _usage(result) == (4 + 2, 3 + 2)  # 30 records: two composites of sObject GETs
    rules = [f for f in _findings(result) if f["check"] == "sync-validation-rules"]
    assert len(rules) == 30 and all("Formula: ISBLANK(Email)" in f["message"] for f in rules)


def _extra_pages(org: FakeOrg) -> int:
    """Query pages beyond the first that the default audit needs on ``org``."""
    from auditor.mappings import standard_mappings

    sets = org._assigned_set_ids(org.connected_user_id)
    mapped = {m.qualified.lower() for m in standard_mappings()}
    rows = [
        sum(a.user_id == org.connected_user_id for a in org.assignments),
        sum(r["ParentId"] in sets for r in org.object_perms),
        sum(r["ParentId"] in sets and r["Field"].lower() in mapped for r in org.field_perms),
    ]
    return sum(max(0, math.ceil(n / org.page_size) - 1) for n in rows)


@pytest.fixture(scope="module")
def big() -> FakeOrg:
    # bench's large org: 400 permission sets, 60,000 FieldPermissions rows, an 800-field Account.
    # Its FieldPermissions rows for the user's 13 sets on mapped fields: 283 of the 60,000.
    return large_org()


def test_large_org_costs_one_request_per_extra_page(big: FakeOrg) -> None:
    # Pages of 2,000: ObjectPermissions (2,300 rows) needs a second page; nothing else does.
    assert _extra_pages(big) == 1
    assert _usage(_audit(big)) == (5, 4)  # with the sync round's composite (no validation rules)
    assert _usage(_audit(big, "--strategy", "naive")) == (24, 23)


def test_small_pages_add_exactly_the_pages_needed(big: FakeOrg) -> None:
    big.page_size = 200
    try:
        # ObjectPermissions 2,300 rows -> 12 pages, FieldPermissions 283 -> 2, assignments 13 -> 1.
        assert _extra_pages(big) == 12
        composite = _audit(big)
        assert _usage(composite) == (4 + 12, 3 + 12)
        naive = _audit(big, "--strategy", "naive")
        assert _usage(naive) == (23 + 12, 22 + 12)
        assert _findings(naive) == _findings(composite)
    finally:
        big.page_size = 2000


def test_a_license_that_rules_out_a_synced_object_costs_one_more_composite(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.simulator.scenarios import healthy_org, license_without_campaign

    # Campaign gets no Read from the user's sets: one composite reads the license's ceiling. Orgs where
    # every synced object is readable (demo, healthy) never send it.
    monkeypatch.chdir(ROOT)
    result = run_cli("audit", "--replay", "cassettes/license-without-campaign.yaml", "--format", "json", "--debug")
    assert _usage(result) == (4 + 1, 3 + 1)
    assert _requests_sent(result) == [
        "GET /services/data/v62.0/limits",
        "GET /services/oauth2/userinfo",
        "POST /services/data/v62.0/composite",
        "POST /services/data/v62.0/composite",
        "POST /services/data/v62.0/composite",
    ]
    assert _usage(_audit(license_without_campaign())) == (5, 4)
    assert _usage(_audit(healthy_org())) == (4, 3)


def test_permission_set_groups_cost_one_round_each() -> None:
    from tests.simulator.scenarios import access_via_group

    # A group assignment adds the muting round (one composite); a group assignment whose
    # PermissionSetId is empty adds the aggregate-set fallback round too.
    assert _usage(_audit(access_via_group())) == (5, 4)
    assert _usage(_audit(access_via_group(aggregate_in_assignment=False))) == (6, 5)
