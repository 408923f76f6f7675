"""The fix plan on hand-built snapshots: one case per kind of gap, each saying what must be granted
(object permissions with their dependencies, fields, user permissions) and what becomes a manual step."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from auditor.checks import evaluate
from auditor.fix.plan import FixPlan, NEVER_GRANTED, plan_fix, with_dependencies
from auditor.permissions import fls_carrier
from auditor.snapshot import FieldDescribe, HubSpotPackage, ObjectDescribe, OrgSnapshot
from tests.factory import (
    HUBSPOT_SYNC_SET_ID,
    PROFILE_SET_ID,
    change_field_describe,
    field_row,
    make_config,
    make_snapshot,
    object_describe,
    object_row,
    permission_set,
    permission_set_group,
    profile_source,
    text_field,
    unavailable,
    with_describe,
    with_field_rows,
    with_object_rows,
    with_sources,
    without_field_rows,
    without_object_rows,
    without_source,
)


def _profile(*permissions: str) -> Callable[[OrgSnapshot], OrgSnapshot]:
    def change(snapshot: OrgSnapshot) -> OrgSnapshot:
        assert isinstance(snapshot.sources, tuple)
        others = tuple(s for s in snapshot.sources if s.id != PROFILE_SET_ID)
        return dataclasses.replace(snapshot, sources=(profile_source(*permissions),) + others)
    return change


def _plan(snapshot: OrgSnapshot) -> FixPlan:
    config = make_config()
    return plan_fix(evaluate(snapshot, config), snapshot, config)


def _grants(plan: FixPlan) -> dict[str, object]:
    return {
        **{f"object {g.sobject}": g.permissions for g in plan.objects},
        **{f"field {g.field}": "Read, Edit" if g.editable else "Read" for g in plan.fields},
        **{f"user {g.name}": True for g in plan.user_permissions},
    }


# (case, break the healthy org, expected grants, expected manual steps as (check, object or field))
CASES: list[tuple[str, Callable[[OrgSnapshot], OrgSnapshot], dict[str, object], list[tuple[str, str | None]]]] = [
    ("healthy org: nothing", lambda s: s, {}, []),
    ("Edit missing on Campaign: Read comes along (Edit needs Read in the same set)",
     lambda s: with_object_rows(without_object_rows(s, "Campaign"), object_row(HUBSPOT_SYNC_SET_ID, "Campaign", "read")),
     {"object Campaign": ("read", "edit")}, []),
    ("no access to Lead at all: Read, Create, Edit",
     lambda s: without_object_rows(s, "Lead"), {"object Lead": ("read", "create", "edit")}, []),
    ("field Read and Edit missing", lambda s: without_field_rows(s, "Lead.Fax"), {"field Lead.Fax": "Read, Edit"}, []),
    ("field Edit missing: Read comes along",
     lambda s: with_field_rows(without_field_rows(s, "Contact.Title"), field_row(HUBSPOT_SYNC_SET_ID, "Contact.Title", edit=False)),
     {"field Contact.Title": "Read, Edit"}, []),
    ("API Enabled missing", _profile("EditTask", "EditEvent", "ViewSetup"), {"user ApiEnabled": True}, []),
    ("Task Create/Edit come from Edit Tasks", _profile("ApiEnabled", "EditEvent", "ViewSetup"), {"user EditTask": True}, []),
    ("a muted Edit is granted outside the group",
     lambda s: with_object_rows(
         with_sources(without_object_rows(s, "Contact"), permission_set_group("Sales", source_id="0PSgroupSales000AAA")),
         object_row(HUBSPOT_SYNC_SET_ID, "Contact", "read"),
     ),
     {"object Contact": ("read", "create", "edit")}, []),
    ("HubSpot package set unassigned: manual",
     lambda s: dataclasses.replace(s, hubspot_package=HubSpotPackage(True, ("0PSpkg000000000AAA",), "HubSpot Integration Permissions")),
     {}, [("hubspot-permission-set", None)]),
    ("inactive user: manual", lambda s: dataclasses.replace(s, user=dataclasses.replace(s.user, is_active=False)),  # type: ignore[arg-type]
     {}, [("user-active", None)]),
    ("licence without Campaign: manual naming the licence, the rest still granted",
     lambda s: dataclasses.replace(
         without_object_rows(without_object_rows(s, "Campaign"), "Lead"),
         license_ceiling=tuple(object_row("100licence00000AAA", o, "read", "create", "edit", "delete")
                               for o in ("Lead", "Contact", "Account", "Opportunity"))),
     {"object Lead": ("read", "create", "edit")}, [("lookup-access", "Campaign")]),  # one step for both checks
    ("a stale permission set group is an advisory step",
     lambda s: with_sources(s, permission_set_group("Sales", status="Outdated")), {}, [("object-access", None)]),
]


@pytest.mark.parametrize("case, change, grants, steps", CASES, ids=[c[0] for c in CASES])
def test_plan(case: str, change: Callable[[OrgSnapshot], OrgSnapshot], grants: dict[str, object],
              steps: list[tuple[str, str | None]]) -> None:
    plan = _plan(change(make_snapshot()))
    assert _grants(plan) == grants
    assert [(s.check, s.field or s.object) for s in plan.manual_steps] == steps
    assert not plan.incomplete


def test_one_grant_per_object_however_many_findings() -> None:
    # object-access and lookup-access (Opportunity.CampaignId) both fail on Campaign: one grant, both reasons
    plan = _plan(without_object_rows(make_snapshot(), "Campaign"))
    assert [g.sobject for g in plan.objects] == ["Campaign"]
    assert {b.check for b in plan.objects[0].because} == {"object-access", "lookup-access"}


def test_stale_group_step_is_not_required() -> None:
    plan = _plan(with_sources(make_snapshot(), permission_set_group("Sales", status="Outdated")))
    assert plan.manual_steps and not plan.required_steps


def test_unreadable_permissions_make_the_plan_incomplete() -> None:
    # Decided from the snapshot's unreadable part, not from the "not evaluated" finding's wording: one line
    # for the part, naming it and every check it kept from running.
    plan = _plan(make_snapshot(object_permissions=unavailable()))
    assert len(plan.incomplete) == 1 and plan.incomplete[0].startswith("ObjectPermissions could not be read")
    assert "object-access" in plan.incomplete[0] and "lookup-access" in plan.incomplete[0]
    assert not plan.grants_anything
    fls = _plan(make_snapshot(field_permissions=unavailable()))
    assert [line.split(" could not")[0] for line in fls.incomplete] == ["FieldPermissions"]


def test_view_setup_granted_when_the_audit_could_not_read_limits_for_lack_of_it() -> None:
    snapshot = _profile("ApiEnabled", "EditTask", "EditEvent")(make_snapshot(limits=unavailable()))
    assert "user ViewSetup" in _grants(_plan(snapshot))
    # with View Setup already granted, the unreadable /limits is something else: no grant
    assert "user ViewSetup" not in _grants(_plan(make_snapshot(limits=unavailable())))


def test_failures_outside_permissions_are_listed_not_fixed() -> None:
    from auditor.snapshot import Limits, LimitValue

    snapshot = make_snapshot(limits=Limits(LimitValue(150_000, 0), LimitValue(100, 50), LimitValue(100, 50)))
    plan = _plan(snapshot)
    assert not plan.grants_anything and [b.check for b in plan.not_addressed] == ["daily-api-headroom"]


def test_never_grants_the_dangerous_permissions() -> None:
    broken = without_source(_profile()(make_snapshot()), HUBSPOT_SYNC_SET_ID)
    plan = _plan(broken)
    assert plan.objects and plan.fields
    assert not {g.name for g in plan.user_permissions} & NEVER_GRANTED
    assert all("modify_all" not in g.permissions and "view_all" not in g.permissions for g in plan.objects)


def test_dependencies() -> None:
    assert with_dependencies(["create"]) == ("read", "create")
    assert with_dependencies(["delete"]) == ("read", "edit", "delete")
    assert with_dependencies(["modify_all"]) == ("read", "edit", "delete", "view_all", "modify_all")


# --------------------------------------------------------------------------- compound address fields


def test_component_maps_to_its_address_compound_and_name_parts_do_not() -> None:
    # tests/factory.py builds Contact's describe as Salesforce gives it: MailingAddress (type address), its
    # components naming it in compoundFieldName, name parts naming the compound "Name".
    described = make_snapshot().describe("Contact")
    assert isinstance(described, ObjectDescribe)
    city, first = described.field("MailingCity"), described.field("FirstName")
    assert city is not None and first is not None
    assert fls_carrier(described, city).name == "MailingAddress"
    assert fls_carrier(described, first).name == "FirstName"
    plain = object_describe("Contact", text_field("MailingCity"))
    assert fls_carrier(plain, plain.fields[1]).name == "MailingCity"  # no compoundFieldName: itself


@pytest.mark.parametrize("failing_field", ["Contact.MailingCity", "Contact.MailingAddress"])
def test_address_grant_is_on_the_compound_once(failing_field: str) -> None:
    """Whether a finding names a component or the compound (field-access names the compound), the plan grants
    the compound, once, covering the mapped components."""
    from auditor.fix.plan import _Builder, _plan_field
    from auditor.model import Finding, Status
    from auditor.suspensions import Suspension

    # The address's field-level security is the compound's row (reference §2.7): remove it.
    snapshot = without_field_rows(make_snapshot(), "Contact.MailingAddress")
    builder = _Builder()
    for name in (failing_field, "Contact.MailingCountry"):
        finding = Finding("field-access", Suspension.SF_FIELD_PERMISSIONS, Status.FAIL, f"lacks Read on {name}", "",
                          object="Contact", field=name)
        _plan_field(builder, finding, snapshot, make_config())
    plan = builder.plan(FixPlan(None, None, "62.0", None), [], [])
    assert [(g.field, g.editable) for g in plan.fields] == [("Contact.MailingAddress", True)]
    assert "Contact.MailingCity" in plan.fields[0].covers and "Contact.MailingCountry" in plan.fields[0].covers
    assert len(plan.fields[0].because) == 2


def test_address_failure_from_the_audit_grants_the_compound_only() -> None:
    plan = _plan(without_field_rows(make_snapshot(), "Contact.MailingAddress"))
    assert _grants(plan) == {"field Contact.MailingAddress": "Read, Edit"}
    assert not plan.manual_steps


def test_fields_of_an_object_without_read_are_granted_with_it() -> None:
    # field-access leaves Contact's fields to the object-access finding (one cause, one finding); the new set
    # must still carry their field-level security, the address on its compound only.
    snapshot = without_field_rows(without_object_rows(make_snapshot(), "Contact"), "Contact.Title",
                                  "Contact.MailingAddress")
    plan = _plan(snapshot)
    contact_fields = {g.field: g.editable for g in plan.fields}
    assert contact_fields == {"Contact.MailingAddress": True, "Contact.Title": True}
    assert {b.check for g in plan.fields for b in g.because} == {"object-access"}


def test_calculated_field_never_gets_edit() -> None:
    snapshot = without_field_rows(change_field_describe(make_snapshot(), "Lead.Fax", calculated=True), "Lead.Fax")
    assert _grants(_plan(snapshot)) == {"field Lead.Fax": "Read"}


def test_plan_is_pure_and_deterministic() -> None:
    snapshot = without_object_rows(without_field_rows(make_snapshot(), "Lead.Fax", "Contact.Title"), "Campaign")
    assert _plan(snapshot) == _plan(snapshot)


def test_expired_assignment_grant_comes_back_in_the_new_set() -> None:
    expired = permission_set("API", "ApiEnabled", expiration_date="2020-01-01T00:00:00Z")
    snapshot = with_sources(_profile("EditTask", "EditEvent", "ViewSetup")(make_snapshot()), expired)
    assert _grants(_plan(snapshot)) == {"user ApiEnabled": True}
