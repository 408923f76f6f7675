"""A muting permission set inside a permission set group removes a permission; the finding names it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from auditor.model import Status
from auditor.permissions import field_access, object_access
from auditor.snapshot import (
    FailureKind,
    MutingRow,
    Unavailable,
    snapshot_from_json,
    snapshot_to_json,
)
from tests.factory import (
    field_row,
    make_snapshot,
    object_row,
    one,
    permission_set_group,
    run_check,
)
from tests.test_cli_scenarios import audit_json

ROOT = Path(__file__).resolve().parent.parent
MUTED = "Edit muted by 'Mute_Contact_Edit' in permission set group 'HubSpot Integration Access'"


def test_group_muting_edit_fails_and_names_the_muting_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, document, _ = audit_json("group-muting-edit")
    assert code == 1
    assert document["would_suspend"] == ["SF_OBJECT_PERMISSIONS"]
    failing = [f for f in document["findings"] if f["status"] == "fail"]
    assert [(f["check"], f["object"]) for f in failing] == [("object-access", "Contact")]
    assert MUTED in failing[0]["message"]
    assert MUTED in failing[0]["sources"]
    assert "Muting Permission Set" in failing[0]["remediation"]


def test_group_muting_round_costs_one_composite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, muting, _ = audit_json("group-muting-edit")
    _, demo, _ = audit_json("demo")
    # No groups: no extra round (the demo's 5/4 include the sync round's two composites, issue 15).
    assert demo["api_usage"] == {"http_requests": 5, "api_calls": 4}
    assert muting["api_usage"] == {"http_requests": 5, "api_calls": 4}  # userinfo, /limits, 3 composites


def _group_snapshot(*, aggregate_has_edit: bool, mutings: object = None) -> tuple[object, str]:
    group = permission_set_group("HubSpot Integration Access")
    base = make_snapshot()
    permissions = ("read", "create", "edit") if aggregate_has_edit else ("read", "create")
    rows = tuple(r for r in base.object_permissions if r.sobject != "Contact")  # type: ignore[union-attr]
    assert group.group_id is not None
    muting = MutingRow("0QM5g000000KzYxGAK", "Mute_Contact_Edit", group.group_id, "HubSpot Integration Access",
                       "Contact", None, ("edit",))
    field_muting = dataclasses.replace(muting, sobject="Contact", field="Contact.Email")
    fields = tuple(r for r in base.field_permissions if r.field != "Contact.Email")  # type: ignore[union-attr]
    snapshot = dataclasses.replace(
        base, sources=(*base.sources, group),  # type: ignore[misc]
        object_permissions=(*rows, object_row(group.id, "Contact", *permissions)),
        field_permissions=(*fields, field_row(group.id, "Contact.Email", edit=aggregate_has_edit)),
        mutings=(muting, field_muting) if mutings is None else mutings,
    )
    return snapshot, group.id


@pytest.mark.parametrize("aggregate_has_edit", [False, True])
def test_muting_removes_the_groups_grant_whether_or_not_the_aggregate_applied_it(aggregate_has_edit: bool) -> None:
    snapshot, _ = _group_snapshot(aggregate_has_edit=aggregate_has_edit)
    access = object_access(snapshot, "Contact")  # type: ignore[arg-type]
    assert access.edit == () and access.read
    assert access.muted_notes(("Edit",)) == (MUTED,)
    fls = field_access(snapshot, "Contact.Email")  # type: ignore[arg-type]
    assert fls.edit == () and fls.read
    assert fls.muted_notes(("Edit",)) == (MUTED,)


def test_field_access_names_the_muting_set() -> None:
    snapshot, _ = _group_snapshot(aggregate_has_edit=False)
    finding = one(run_check("field-access", snapshot), Status.FAIL, field="Contact.Email")  # type: ignore[arg-type]
    assert MUTED in finding.message and MUTED in finding.sources


def test_unreadable_mutings_leave_the_verdict_to_the_aggregate() -> None:
    failure = Unavailable(FailureKind.NO_ACCESS, "PermissionSetGroupComponent: HTTP 400 INVALID_TYPE")
    snapshot, _ = _group_snapshot(aggregate_has_edit=True, mutings=failure)
    assert object_access(snapshot, "Contact").edit  # type: ignore[arg-type]
    snapshot, _ = _group_snapshot(aggregate_has_edit=False, mutings=failure)
    finding = one(run_check("object-access", snapshot), Status.FAIL, object="Contact")  # type: ignore[arg-type]
    assert "muted" not in finding.message


def test_muting_does_not_touch_grants_from_outside_the_group() -> None:
    snapshot, _ = _group_snapshot(aggregate_has_edit=True)
    sync = next(s for s in snapshot.sources if s.label == "HubSpot Sync")  # type: ignore[attr-defined]
    snapshot = dataclasses.replace(snapshot, object_permissions=(  # type: ignore[type-var]
        *snapshot.object_permissions, object_row(sync.id, "Contact", "read", "edit")))  # type: ignore[attr-defined]
    assert object_access(snapshot, "Contact").edit == ("permission set 'HubSpot Sync'",)  # type: ignore[arg-type]


def test_old_snapshots_without_mutings_still_load() -> None:
    document = json.loads(snapshot_to_json(make_snapshot()))
    del document["mutings"]
    loaded = snapshot_from_json(json.dumps(document))
    assert loaded.mutings == ()
    snapshot, _ = _group_snapshot(aggregate_has_edit=False)
    assert snapshot_from_json(snapshot_to_json(snapshot)).mutings == snapshot.mutings  # type: ignore[arg-type]
