"""The round trip: deploy the generated set to the audited snapshot the way Salesforce would (a new set
assigned to the user, tests/fix_support.py) and audit again. Every permission failure disappears except
the ones the manual steps name, and nothing else changes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from auditor.checks import evaluate
from auditor.config import AuditConfig
from auditor.fix.plan import FIXABLE_SUSPENSIONS, plan_fix
from auditor.fix.writer import DEFAULT_NAME, description, permission_set_xml
from auditor.mappings import load_mapping_file
from auditor.model import Finding, Status
from auditor.snapshot import OrgSnapshot, snapshot_from_json
from tests.clirun import run_cli
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    PROFILE_SET_ID,
    field_row,
    make_config,
    make_snapshot,
    object_row,
    permission_set_group,
    profile_source,
    with_field_rows,
    with_object_rows,
    with_sources,
    without_field_rows,
    without_object_rows,
)
from tests.fix_support import DeployRefused, apply_permission_set

ROOT = Path(__file__).resolve().parent.parent


def _key(finding: Finding) -> tuple[str, str, str | None, str | None]:
    return (finding.check, finding.status.value, finding.object, finding.field)


def round_trip(snapshot: OrgSnapshot, config: AuditConfig) -> None:
    before = evaluate(snapshot, config)
    plan = plan_fix(before, snapshot, config)
    assert not plan.incomplete
    xml = permission_set_xml(plan, label="Fix", description_text=description(plan))
    after = evaluate(apply_permission_set(snapshot, xml, DEFAULT_NAME), config)

    manual = {(step.check, step.object, step.field) for step in plan.required_steps}
    manual_objects = {(step.object, step.field) for step in plan.required_steps}
    still_failing = [f for f in after if f.status is Status.FAIL and f.suspension in FIXABLE_SUSPENSIONS]
    for finding in still_failing:
        assert (finding.check, finding.object, finding.field) in manual or (finding.object, finding.field) in manual_objects, \
            f"still failing and not a manual step: {finding}"
    # every required manual step still fails (the set did not pretend to fix it)
    for check, sobject, field in manual:
        assert any((f.object, f.field) == (sobject, field) for f in still_failing), (check, sobject, field)
    # nothing else changes: findings outside the permission suspensions are identical
    others = sorted(_key(f) for f in before if f.suspension not in FIXABLE_SUSPENSIONS)
    assert sorted(_key(f) for f in after if f.suspension not in FIXABLE_SUSPENSIONS) == others
    # no permission finding got worse (no new warn, error or fail)
    worse = {_key(f) for f in after if f.suspension in FIXABLE_SUSPENSIONS and f.status is not Status.PASS}
    assert worse <= {_key(f) for f in before}


def _broken() -> OrgSnapshot:
    snapshot = make_snapshot()
    assert isinstance(snapshot.sources, tuple)
    sources = tuple(s for s in snapshot.sources if s.id != PROFILE_SET_ID)
    snapshot = dataclasses.replace(snapshot, sources=(profile_source("EditEvent", "ViewSetup"),) + sources)
    snapshot = without_object_rows(snapshot, "Campaign")
    snapshot = with_object_rows(without_object_rows(snapshot, "Account"), object_row(HUBSPOT_SYNC_SET_ID, "Account", "read"))
    snapshot = without_field_rows(snapshot, "Lead.Fax", "Contact.MailingCity", "Opportunity.Amount")
    snapshot = with_field_rows(without_field_rows(snapshot, "Contact.Title"), field_row(HUBSPOT_SYNC_SET_ID, "Contact.Title", edit=False))
    return with_sources(snapshot, permission_set_group("Sales", status="Outdated"))


def test_round_trip_on_a_broken_org() -> None:
    snapshot = _broken()
    config = make_config()
    assert sum(f.status is Status.FAIL for f in evaluate(snapshot, config)) >= 8
    round_trip(snapshot, config)


def test_healthy_org_round_trip_changes_nothing() -> None:
    round_trip(make_snapshot(), make_config())


def test_deploy_refuses_what_salesforce_refuses() -> None:
    """The round trip's stand-in for Salesforce is strict, so it can catch a writer bug."""
    bad = ('<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">'
           "<objectPermissions><allowCreate>false</allowCreate><allowDelete>false</allowDelete><allowEdit>true</allowEdit>"
           "<allowRead>false</allowRead><modifyAllRecords>false</modifyAllRecords><object>Lead</object>"
           "<viewAllRecords>false</viewAllRecords></objectPermissions></PermissionSet>")
    with pytest.raises(DeployRefused, match="depends on"):
        apply_permission_set(make_snapshot(), bad, "X")


# Recorded orgs with permission failures, with the flags they were recorded with.
CASSETTES = [
    ("demo", ()),
    ("fls-second-page", ()),
    ("group-muting-edit", ()),
    ("license-without-campaign", ()),
    ("hubspot-package-unassigned", ()),
    ("lookup-chain", ("--mappings", "cassettes/inputs/lookup-mappings.csv")),
    ("expired-assignment", ("--user", "hubspot.sync@acme.example.com")),
    ("healthy", ()),
]


@pytest.mark.parametrize("name, flags", CASSETTES, ids=[c[0] for c in CASSETTES])
def test_round_trip_over_recorded_orgs(name: str, flags: tuple[str, ...], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    saved = tmp_path / "snapshot.json"
    result = run_cli("audit", "--replay", f"cassettes/{name}.yaml", *flags, "--save-snapshot", str(saved), "-f", "json")
    assert result.exit_code in (0, 1), result.stderr
    snapshot = snapshot_from_json(saved.read_text(encoding="utf-8"))
    mappings = flags[1] if flags[:1] == ("--mappings",) else None
    config = make_config(mappings=load_mapping_file(Path(mappings))) if mappings else make_config()
    round_trip(snapshot, dataclasses.replace(config, hubspot_allocation=None, expected_records=None))


def test_round_trip_catches_a_missing_grant(monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.test_fix_roundtrip as this

    real = this.plan_fix
    monkeypatch.setattr(this, "plan_fix", lambda *a: dataclasses.replace(real(*a), fields=real(*a).fields[1:]))
    with pytest.raises(AssertionError, match="still failing"):
        round_trip(_broken(), make_config())


def test_round_trip_with_compound_address_fields() -> None:
    """Describe as Salesforce gives it (MailingAddress, components naming it): the set grants the compound
    only (apply_permission_set refuses a component), and the address failures clear."""
    # tests/factory.py describes Contact as Salesforce does; the address's FLS row is the compound's.
    snapshot = without_field_rows(make_snapshot(), "Contact.MailingAddress")
    config = make_config()
    plan = plan_fix(evaluate(snapshot, config), snapshot, config)
    assert [g.field for g in plan.fields] == ["Contact.MailingAddress"]
    round_trip(snapshot, config)
