"""One cause, one finding: a check whose required input could not be read gives a single
"not evaluated: <cause>" error (declared by ``Check.requires``, emitted by the engine), and the cause
itself is reported once, by the check that owns it."""

from __future__ import annotations

import dataclasses
import json
import typing
from collections import Counter
from pathlib import Path

import pytest

from auditor.checks import CHECKS, evaluate
from auditor.checks.base import SnapshotPart
from auditor.model import Status
from auditor.snapshot import FailureKind, ServiceEvent, Unavailable
from tests.clirun import run_cli
from tests.factory import make_config, make_snapshot

ROOT = Path(__file__).resolve().parent.parent


def test_every_declared_requirement_is_a_snapshot_part() -> None:
    parts = set(typing.get_args(SnapshotPart))
    for check in CHECKS:
        assert set(check.requires) <= parts, check.id


def _down(kind: FailureKind, code: str | None, status: int) -> object:
    """A snapshot of an audit where every org answer failed with ``kind``: parts NOT_COLLECTED behind one event."""
    skipped = Unavailable(FailureKind.NOT_COLLECTED, f"not collected: HTTP {status}", code, status)
    event = ServiceEvent(kind, "/services/data/v62.0/composite", status, code, "down", recovered=False)
    snapshot = make_snapshot()
    return dataclasses.replace(
        snapshot, org=skipped, user=skipped, sources=skipped, object_permissions=skipped, field_permissions=skipped,
        describes=tuple((name, skipped) for name, _ in snapshot.describes), limits=skipped, triggers=skipped,
        hubspot_package=skipped, service_events=(event,),
        # issue 15's sync round, stopped by the same outage
        validation_rules=skipped, permission_set_licenses=skipped, record_flows=skipped,
        duplicate_rules=tuple((name, skipped) for name, _ in snapshot.duplicate_rules or ()))


@pytest.mark.parametrize(
    ("kind", "code", "status", "cause", "owner"),
    [
        (FailureKind.ORG_UNAVAILABLE, None, 503, "org unavailable", "org-availability"),
        (FailureKind.SERVER_ERROR, "UNKNOWN_EXCEPTION", 500, "Salesforce server error", "server-errors"),
        (FailureKind.API_LIMIT, "REQUEST_LIMIT_EXCEEDED", 403, "the org's API request limit is exceeded",
         "daily-api-headroom"),
    ],
)
def test_an_outage_gives_one_fail_and_one_not_evaluated_per_dependent_check(
    kind: FailureKind, code: str | None, status: int, cause: str, owner: str
) -> None:
    findings = evaluate(_down(kind, code, status), make_config())  # type: ignore[arg-type]
    per_check = Counter(f.check for f in findings)
    assert max(per_check.values()) == 1, per_check
    failed = [f for f in findings if f.status is Status.FAIL]
    assert [f.check for f in failed] == [owner]
    dependent = [c.id for c in CHECKS if c.requires]
    for finding in findings:
        if finding.check in dependent:
            assert finding.status is Status.ERROR
            assert finding.message.startswith(f"not evaluated: {cause} ("), finding.message
            assert f"See the {owner} finding." in finding.remediation


def test_a_single_unreadable_describe_stays_that_objects_finding() -> None:
    """"describes" is unmet only when the describe step failed as a whole."""
    broken = Unavailable(FailureKind.SERVER_ERROR, "describe of Account: HTTP 500", "UNKNOWN_EXCEPTION", 500)
    snapshot = make_snapshot()
    snapshot = dataclasses.replace(snapshot, describes=tuple(
        (name, broken if name == "Account" else d) for name, d in snapshot.describes))
    errors = [f for f in evaluate(snapshot, make_config()) if f.status is Status.ERROR]
    assert errors and all(f.object == "Account" for f in errors if f.check in ("field-access", "field-mappings"))


@pytest.mark.parametrize(
    ("cassette", "owner", "before"),
    [("org-unavailable", "org-availability", 31), ("request-limit-refused", "daily-api-headroom", 46)],
)
def test_outage_cassettes_give_one_fail_and_at_most_one_finding_per_check(
    monkeypatch: pytest.MonkeyPatch, cassette: str, owner: str, before: int
) -> None:
    """Before issue 9 these audits gave 31 and 46 findings (28 and 42 fail/error)."""
    monkeypatch.chdir(ROOT)
    result = run_cli("audit", "--replay", str(ROOT / "cassettes" / f"{cassette}.yaml"), "--format", "json")
    assert result.exit_code == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert len(findings) <= len(CHECKS) < before
    assert max(Counter(f["check"] for f in findings).values()) == 1
    assert [f["check"] for f in findings if f["status"] == "fail"] == [owner]
