"""daily-api-headroom, data-storage, file-storage and hubspot-allocation."""

from __future__ import annotations

from auditor.model import Status
from auditor.snapshot import FailureKind, Limits, LimitValue, ServiceEvent
from auditor.suspensions import Suspension
from tests.factory import make_config, make_snapshot, one, run_check, unavailable


def limits(
    daily: LimitValue | None = LimitValue(150_000, 142_000),
    data: LimitValue | None = LimitValue(11_264, 9_800),
    files: LimitValue | None = LimitValue(112_640, 100_000),
) -> Limits:
    return Limits(daily_api_requests=daily, data_storage_mb=data, file_storage_mb=files)


LIMIT_EVENT = ServiceEvent(
    kind=FailureKind.API_LIMIT,
    path="/services/data/v62.0/composite",
    http_status=403,
    error_code="REQUEST_LIMIT_EXCEEDED",
    message="TotalRequests Limit exceeded.",
    recovered=False,
)
NO_LIMITS = unavailable(reason="INSUFFICIENT_ACCESS: /limits requires View Setup", http_status=403)

# --------------------------------------------------------------------------- daily-api-headroom


def test_daily_api_headroom_passes_with_numbers() -> None:
    finding = one(run_check("daily-api-headroom"), Status.PASS)
    assert finding.suspension is Suspension.SF_API_LIMIT_EXCEEDED
    assert finding.message == (
        "Daily API requests: 142,000 of 150,000 remaining (94.7%); initial sync needs ~4,000 (1,000 records x 4 calls)."
    )


def test_daily_api_headroom_fails_when_used_up() -> None:
    snapshot = make_snapshot(limits=limits(daily=LimitValue(15_000, 0)))
    finding = one(run_check("daily-api-headroom", snapshot), Status.FAIL)
    assert "used up: 0 of 15,000 remaining (0.0%)" in finding.message
    assert "Allocated to HubSpot" in finding.remediation


def test_daily_api_headroom_fails_when_initial_sync_does_not_fit() -> None:
    snapshot = make_snapshot(limits=limits(daily=LimitValue(150_000, 30_000)))
    config = make_config(expected_records=10_000, hubspot_allocation=None)
    finding = one(run_check("daily-api-headroom", snapshot, config), Status.FAIL)
    assert finding.message == (
        "Initial sync needs ~40,000 calls (10,000 records x 4 calls), only 30,000 remain of the org's 150,000 per "
        "24 hours."
    )
    assert "temporary API limit increase" in finding.remediation


def test_daily_api_headroom_warns_below_the_headroom() -> None:
    snapshot = make_snapshot(limits=limits(daily=LimitValue(150_000, 12_000)))
    finding = one(run_check("daily-api-headroom", snapshot, make_config(expected_records=None)), Status.WARN)
    assert finding.message == "Daily API requests: 12,000 of 150,000 remaining (8.0%), below the 10% headroom."


def test_daily_api_headroom_threshold_is_configurable() -> None:
    snapshot = make_snapshot(limits=limits(daily=LimitValue(150_000, 12_000)))
    one(run_check("daily-api-headroom", snapshot, make_config(headroom_percent=5.0)), Status.PASS)


def test_daily_api_headroom_fails_on_request_limit_answer_during_the_audit() -> None:
    findings = run_check("daily-api-headroom", make_snapshot(service_events=(LIMIT_EVENT,)))
    finding = one(findings, Status.FAIL)
    assert "HTTP 403 REQUEST_LIMIT_EXCEEDED: 'TotalRequests Limit exceeded.'" in finding.message
    assert "/services/data/v62.0/composite" in finding.message
    one(findings, Status.PASS)  # the /limits numbers themselves still reported


def test_daily_api_headroom_errors_when_limits_unavailable() -> None:
    finding = one(run_check("daily-api-headroom", make_snapshot(limits=NO_LIMITS)), Status.ERROR)
    assert finding.message.startswith(
        "not evaluated: the auditing user cannot read it (INSUFFICIENT_ACCESS: /limits requires View Setup")
    assert "View Setup and Configuration" in finding.remediation


def test_daily_api_headroom_errors_when_salesforce_left_the_key_out() -> None:
    finding = one(run_check("daily-api-headroom", make_snapshot(limits=limits(daily=None))), Status.ERROR)
    assert "left DailyApiRequests out of /limits" in finding.message


# --------------------------------------------------------------------------- data-storage


def test_data_storage_passes() -> None:
    finding = one(run_check("data-storage"), Status.PASS)
    assert finding.suspension is Suspension.SF_STORAGE_LIMIT
    assert finding.message == "Data storage: 9,800 MB of 11,264 MB remaining (87.0%)."


def test_data_storage_fails_when_full() -> None:
    snapshot = make_snapshot(limits=limits(data=LimitValue(5, -1)))
    finding = one(run_check("data-storage", snapshot), Status.FAIL)
    assert "data storage is full: -1 MB of 5 MB remaining" in finding.message
    assert "Storage Usage" in finding.remediation


def test_data_storage_fails_when_the_initial_sync_would_not_fit() -> None:
    snapshot = make_snapshot(limits=limits(data=LimitValue(11_264, 150)))
    finding = one(run_check("data-storage", snapshot, make_config(expected_records=100_000)), Status.FAIL)
    assert finding.message == (
        "Initial sync would create ~195.3 MB of records (100,000 x 2 KB), only 150 MB of data storage remain."
    )


def test_data_storage_warns_below_the_headroom() -> None:
    snapshot = make_snapshot(limits=limits(data=LimitValue(11_264, 900)))
    finding = one(run_check("data-storage", snapshot), Status.WARN)
    assert "900 MB of 11,264 MB remaining (8.0%), below the 10% headroom" in finding.message


def test_data_storage_errors_when_salesforce_left_it_out() -> None:
    finding = one(run_check("data-storage", make_snapshot(limits=limits(data=None))), Status.ERROR)
    assert finding.message == (
        "Salesforce left DataStorageMB out of /limits; older orgs return it only when the user also has Manage Users."
    )


def test_data_storage_errors_when_limits_unavailable() -> None:
    finding = one(run_check("data-storage", make_snapshot(limits=NO_LIMITS)), Status.ERROR)
    assert finding.message.startswith("not evaluated:") and "/limits requires View Setup" in finding.message


# --------------------------------------------------------------------------- file-storage


def test_file_storage_passes() -> None:
    finding = one(run_check("file-storage"), Status.PASS)
    assert finding.message == "File storage: 100,000 MB of 112,640 MB remaining (88.8%)."


def test_file_storage_fails_when_full_and_ignores_the_record_projection() -> None:
    full = make_snapshot(limits=limits(files=LimitValue(20, 0)))
    assert "file storage is full" in one(run_check("file-storage", full), Status.FAIL).message
    tight = make_snapshot(limits=limits(files=LimitValue(112_640, 50_000)))
    one(run_check("file-storage", tight, make_config(expected_records=10_000_000)), Status.PASS)


def test_file_storage_warns_below_the_headroom() -> None:
    snapshot = make_snapshot(limits=limits(files=LimitValue(112_640, 1_000)))
    assert "below the 10% headroom" in one(run_check("file-storage", snapshot), Status.WARN).message


def test_file_storage_errors_when_salesforce_left_it_out() -> None:
    finding = one(run_check("file-storage", make_snapshot(limits=limits(files=None))), Status.ERROR)
    assert "Salesforce left FileStorageMB out of /limits" in finding.message


# --------------------------------------------------------------------------- hubspot-allocation


def test_hubspot_allocation_passes() -> None:
    finding = one(run_check("hubspot-allocation"), Status.PASS)
    assert finding.suspension is Suspension.HUBSPOT_API_LIMIT
    assert finding.message == (
        "HubSpot's allocation of 20,000 calls fits the org (max 150,000, 142,000 remaining); initial sync needs ~4,000."
    )


def test_hubspot_allocation_warns_without_an_allocation() -> None:
    finding = one(run_check("hubspot-allocation", config=make_config(hubspot_allocation=None)), Status.WARN)
    assert finding.message.startswith("No allocation given (--hubspot-allocation): HubSpot may use the org's whole")


def test_hubspot_allocation_fails_when_the_initial_load_exceeds_it() -> None:
    config = make_config(hubspot_allocation=5_000, expected_records=2_000)
    finding = one(run_check("hubspot-allocation", config=config), Status.FAIL)
    assert "needs ~8,000 calls (2,000 records x 4 calls) but HubSpot is allocated 5,000" in finding.message
    assert "at least 8,000" in finding.remediation


def test_hubspot_allocation_warns_above_the_org_max() -> None:
    config = make_config(hubspot_allocation=200_000)
    finding = one(run_check("hubspot-allocation", config=config), Status.WARN)
    assert finding.message == "HubSpot's allocation of 200,000 calls cannot be honoured: the org's max is 150,000."


def test_hubspot_allocation_warns_above_what_remains() -> None:
    snapshot = make_snapshot(limits=limits(daily=LimitValue(150_000, 10_000)))
    finding = one(run_check("hubspot-allocation", snapshot), Status.WARN)
    assert "exceeds the 10,000 the org has left" in finding.message


def test_hubspot_allocation_errors_when_limits_unavailable() -> None:
    finding = one(run_check("hubspot-allocation", make_snapshot(limits=NO_LIMITS)), Status.ERROR)
    assert "could not read /limits" in finding.message


def test_hubspot_allocation_without_limits_still_fails_on_its_own_arithmetic() -> None:
    config = make_config(hubspot_allocation=1_000)
    findings = run_check("hubspot-allocation", make_snapshot(limits=NO_LIMITS), config)
    assert sorted(f.status.value for f in findings) == ["error", "fail"]
