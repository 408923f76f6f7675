"""User license limits. An object the user's license does not allow is reported as such, with
the license named, from the license's ObjectPermissions rows (ParentId = the UserLicense; read as a
ceiling, which is [U], reference §2.6). The ceiling is read only when a synced object gets no Read."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import responses

from auditor.explain import explain
from auditor.model import Status
from auditor.permissions import object_access, objects_without_read
from auditor.snapshot import (
    FailureKind,
    OrgSnapshot,
    Unavailable,
    UserInfo,
    snapshot_from_json,
    snapshot_to_json,
)
from tests.clirun import run_cli
from tests.factory import (
    ALL_OBJECT_PERMISSIONS,
    HUBSPOT_SYNC_SET_ID,
    make_config,
    make_snapshot,
    object_row,
    one,
    run_check,
    with_describe,
    without_object_rows,
)
from tests.simulator.org import FakeOrg, Fault, error_body
from tests.simulator.scenarios import PLATFORM_LICENSE_ID, license_without_campaign
from tests.test_cli_scenarios import audit_json

ROOT = Path(__file__).resolve().parent.parent
NOT_ALLOWED = "Read, Edit not allowed by user license 'Salesforce Platform'"
TOKEN = "00DFAKE000000000!FAKE.TOKEN.FOR.TESTS"


# --------------------------------------------------------------------------- end to end (cassette)


def test_license_without_campaign_fails_campaign_and_names_the_license(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, document, _ = audit_json("license-without-campaign")
    assert code == 1
    assert document["would_suspend"] == ["SF_OBJECT_PERMISSIONS"]
    assert document["user"]["user_license"] == "Salesforce Platform"
    failing = {(f["check"], f["object"]): f for f in document["findings"] if f["status"] == "fail"}
    assert set(failing) == {("object-access", "Campaign"), ("lookup-access", "Campaign")}

    campaign = failing[("object-access", "Campaign")]
    assert NOT_ALLOWED in campaign["message"]
    assert "no permission set can grant them" in campaign["message"]
    assert campaign["sources"][0] == NOT_ALLOWED
    assert "user license that includes Campaign (for example a 'Salesforce' license)" in campaign["remediation"]
    assert "drop Campaign from the sync" in campaign["remediation"]

    lookup = failing[("lookup-access", "Campaign")]
    assert lookup["lookup_path"] == ["Opportunity.CampaignId", "Campaign"]
    assert NOT_ALLOWED in lookup["message"] and lookup["sources"][0] == NOT_ALLOWED
    assert "stop syncing the lookup Opportunity.CampaignId" in lookup["remediation"]
    # The objects the license allows are judged as before.
    assert any(f["check"] == "object-access" and f["object"] == "Lead" and f["status"] == "pass"
               for f in document["findings"])


def test_license_ceiling_costs_one_composite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, licensed, _ = audit_json("license-without-campaign")
    _, demo, _ = audit_json("demo")
    # Campaign readable: no extra round (the demo's 5/4 include the sync round's two composites, issue 15).
    assert demo["api_usage"] == {"http_requests": 5, "api_calls": 4}
    assert licensed["api_usage"] == {"http_requests": 5, "api_calls": 4}  # userinfo, /limits, 3 composites


def test_explain_names_the_license(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("explain", "Campaign", "--replay", str(ROOT / "cassettes" / "license-without-campaign.yaml"))
    assert result.exit_code == 0, result.stderr
    read = next(line for line in result.stdout.splitlines() if line.strip().startswith("Read:"))
    assert read.endswith("nothing grants it (not allowed by user license 'Salesforce Platform')")
    assert "user license 'Salesforce Platform' does not allow Read, Create, Edit, Delete, View All, Modify All " \
           "on Campaign, so no permission set can grant them." in result.stdout


# --------------------------------------------------------------------------- collector over the simulator


def _audit(org: FakeOrg, *args: str) -> dict[str, Any]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        org.install(mock)
        result = run_cli("audit", "--instance-url", org.base, "--access-token", TOKEN, "--format", "json",
                         "--hubspot-allocation", "20000", *args)
    assert result.exit_code == 1, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _campaign(document: dict[str, Any]) -> dict[str, Any]:
    return next(f for f in document["findings"] if f["check"] == "object-access" and f["object"] == "Campaign")


@pytest.mark.parametrize("fault", [
    Fault(r"ParentId%20%3D", 400, error_body("INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: ParentId"), subrequest=True),
    Fault(r"ParentId%20%3D", 400, error_body("INVALID_TYPE", "sObject type 'ObjectPermissions' is not supported."), subrequest=True),
    Fault(r"ParentId%20%3D", 500, error_body("UNKNOWN_EXCEPTION", "An unexpected error occurred."), subrequest=True),
], ids=["query-refused", "no-access", "server-error"])
def test_an_unreadable_ceiling_is_no_claim_and_no_alarm(fault: Fault) -> None:
    org = license_without_campaign()
    org.faults.append(fault)
    document = _audit(org)
    campaign = _campaign(document)
    assert campaign["status"] == "fail" and "license" not in campaign["message"]
    assert "Object Settings > Campaign" in campaign["remediation"]
    # The optional query's error is not an unexpected answer nor a server error of the org.
    assert sorted(f["check"] for f in document["findings"] if f["status"] in ("fail", "error")) == ["lookup-access", "object-access"]
    assert document["api_usage"] == {"http_requests": 5, "api_calls": 4}  # with the sync round (issue 15)


def test_a_license_without_rows_is_an_unknown_ceiling() -> None:
    org = license_without_campaign()
    org.object_perms = [r for r in org.object_perms if r["ParentId"] != PLATFORM_LICENSE_ID]
    campaign = _campaign(_audit(org))
    assert campaign["status"] == "fail" and "license" not in campaign["message"]


def test_naive_strategy_reads_the_ceiling_too() -> None:
    composite = _audit(license_without_campaign())
    naive = _audit(license_without_campaign(), "--strategy", "naive")
    # The healthy org's 18/17, plus one query, plus the sync round's 2 queries and 3 UI API GETs (issue 15).
    assert naive["api_usage"] == {"http_requests": 24, "api_calls": 23}
    assert naive["findings"] == composite["findings"]
    assert NOT_ALLOWED in _campaign(naive)["message"]


# --------------------------------------------------------------------------- permissions and checks (factory)


def _platform(*ceiling_rows: Any, campaign_rows: bool = False) -> OrgSnapshot:
    """The factory's healthy org, its user on "Salesforce Platform", no Campaign row in any set."""
    base = make_snapshot()
    assert isinstance(base.user, UserInfo)
    user = dataclasses.replace(base.user, user_license="Salesforce Platform")
    snapshot = dataclasses.replace(base, user=user, license_ceiling=ceiling_rows)
    return snapshot if campaign_rows else without_object_rows(snapshot, "Campaign")


LICENSE_ID = "1005g000000cVbsAAE"
CEILING = tuple(object_row(LICENSE_ID, o, *ALL_OBJECT_PERMISSIONS) for o in ("Lead", "Contact", "Account", "Opportunity"))


def test_no_claim_without_a_row_set() -> None:
    for ceiling in (None, (), Unavailable(FailureKind.NO_ACCESS, "ObjectPermissions of the user license: HTTP 400")):
        snapshot = dataclasses.replace(_platform(), license_ceiling=ceiling)
        access = object_access(snapshot, "Campaign")
        assert access.not_licensed == () and access.license_notes(("Read",)) == ()
        finding = one(run_check("object-access", snapshot), Status.FAIL, object="Campaign")
        assert "license" not in finding.message and "license" not in " ".join(finding.sources)


def test_the_license_allows_read_but_not_edit() -> None:
    snapshot = _platform(*CEILING, object_row(LICENSE_ID, "Campaign", "read"))
    access = object_access(snapshot, "Campaign")
    assert access.license_denied(("Read", "Edit")) == ("Edit",)
    finding = one(run_check("object-access", snapshot), Status.FAIL, object="Campaign")
    assert "Edit not allowed by user license 'Salesforce Platform', so no permission set can grant it" in finding.message
    assert "a user license that allows Edit on Campaign" in finding.remediation
    assert "Then grant Read: Setup > Users > Permission Sets > HubSpot Sync > Object Settings > Campaign" in finding.remediation


def test_a_grant_is_never_overruled_by_the_ceiling() -> None:
    # A set granting what the ceiling leaves out means the ceiling reading is wrong [U]: the grant stands.
    snapshot = _platform(*CEILING, campaign_rows=True)
    access = object_access(snapshot, "Campaign")
    assert access.read and access.edit and not access.license_denied(("Read", "Edit"))
    one(run_check("object-access", snapshot), Status.PASS, object="Campaign")


def test_special_objects_are_not_judged_by_the_ceiling() -> None:
    base = _platform(*CEILING)
    profile = base.sources[0]  # type: ignore[index]
    without_edit_tasks = dataclasses.replace(profile, system_permissions=frozenset({"ApiEnabled", "ViewSetup"}))
    snapshot = dataclasses.replace(base, sources=(without_edit_tasks, *base.sources[1:]))  # type: ignore[index]
    task = object_access(snapshot, "Task")
    assert not task.edit and task.not_licensed == ()
    assert "license" not in one(run_check("object-access", snapshot), Status.FAIL, object="Task").message


def test_an_undescribable_object_names_the_license_too() -> None:
    # Describing an object the user's license rules out may well fail as that user [U, reference §7 item 2].
    refused = Unavailable(FailureKind.NO_ACCESS, "describe of Campaign: HTTP 404 NOT_FOUND", "NOT_FOUND", 404)
    snapshot = with_describe(_platform(*CEILING), "Campaign", refused)
    finding = one(run_check("object-access", snapshot), Status.FAIL, object="Campaign")
    assert "nothing grants Read: " + NOT_ALLOWED in finding.message
    assert finding.sources[0] == NOT_ALLOWED and "drop Campaign from the sync" in finding.remediation


def test_the_license_is_named_by_id_when_its_name_is_unknown() -> None:
    snapshot = dataclasses.replace(_platform(*CEILING), user=Unavailable(FailureKind.NO_ACCESS, "User: HTTP 403"))
    assert object_access(snapshot, "Campaign").license == f"the user's license ({LICENSE_ID})"


def test_explain_is_pure_over_a_snapshot() -> None:
    text = explain(_platform(*CEILING, object_row(LICENSE_ID, "Campaign", "read")), make_config(), "Campaign")
    assert "Edit:       nothing grants it (not allowed by user license 'Salesforce Platform')" in text
    assert "Read:       nothing grants it\n" in text  # the license allows Read: a permission set can grant it


def test_when_the_ceiling_is_needed() -> None:
    objects = [r.sobject for r in make_config().objects]
    assert objects_without_read(make_snapshot(), objects) == ()
    assert objects_without_read(_platform(), objects) == ("Campaign",)
    # Task, Event and User are never a reason (no ObjectPermissions rows decide them [U]).
    assert objects_without_read(_platform(), ["Task", "Event", "User"]) == ()
    # Read from a set that only View All Data grants is Read.
    snapshot = without_object_rows(make_snapshot(), "Campaign", HUBSPOT_SYNC_SET_ID)
    profile = snapshot.sources[0]  # type: ignore[index]
    viewer = dataclasses.replace(profile, system_permissions=profile.system_permissions | {"ViewAllData"})
    assert objects_without_read(dataclasses.replace(snapshot, sources=(viewer, *snapshot.sources[1:])), objects) == ()  # type: ignore[index]
    # Unreadable permission data: the checks report that; no extra round.
    assert objects_without_read(make_snapshot(object_permissions=Unavailable(FailureKind.NO_ACCESS, "x")), objects) == ()


def test_snapshots_keep_the_ceiling_and_old_ones_load() -> None:
    snapshot = _platform(*CEILING)
    assert snapshot_from_json(snapshot_to_json(snapshot)).license_ceiling == CEILING
    document = json.loads(snapshot_to_json(make_snapshot()))
    del document["license_ceiling"]
    assert snapshot_from_json(json.dumps(document)).license_ceiling is None
