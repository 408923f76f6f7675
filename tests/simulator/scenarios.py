"""The recorded orgs in cassettes/: a healthy org, a demo org with a few real problems, and one
org per failure mode. Each scenario is a FakeOrg plus the CLI arguments it is recorded with.

Regenerate every cassette with ``python tests/regen_cassettes.py`` after changing the collector
or a scenario; tests/test_cassettes.py fails when a cassette is stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from auditor.mappings import standard_mappings
from tests.simulator.describes import STANDARD_FIELDS, picklist_values
from tests.simulator.describes import field as describe_field
from tests.simulator.org import (
    MAINTENANCE_PAGE,
    Assignment,
    FakeOrg,
    FakeUser,
    Fault,
    Group,
    MutingSet,
    PermSet,
    error_body,
)
from tests.simulator.trust import (
    FakeTrust,
    impact,
    incident,
    instance_status,
    maintenance,
)

USER_ID = "0055g00000DxZzCAAV"
ADMIN_ID = "0055g00000AbCdEAAV"
PROFILE_ID = "00e5g000001Q8nOAAS"
ADMIN_PROFILE_ID = "00e5g000000VvAaAAK"
LICENSE_ID = "1005g000000cVbrAAE"
PLATFORM_LICENSE_ID = "1005g000000cVbsAAE"
PROFILE_SET = "0PS5g000006rQq1GAE"
SYNC_SET = "0PS5g000006rQq2GAE"
GROUP_SET = "0PS5g000006rQq3GAE"
GROUP_ID = "0PG5g000000TqRsGAK"
HUBSPOT_SET = "0PS5g000006rQq9GAE"
ADMIN_SET = "0PS5g000006rQq0GAE"
MUTING_SET = "0QM5g000000KzYxGAK"
SYNCED = ("Lead", "Contact", "Account", "Opportunity")

def _row_id(prefix: str, key: str) -> str:
    """A stable, Salesforce-shaped 18-character id derived from the row's content."""
    digest = hashlib.sha256(key.encode()).hexdigest().upper()
    return f"{prefix}5g0{digest[:9]}AAA"  # 3 + 3 + 9 + 3 = 18 characters, like a real id


def object_row(parent: str, sobject: str, *, create: bool = True, edit: bool = True, delete: bool = False,
               view_all: bool = True, modify_all: bool = True) -> dict[str, Any]:
    return {"Id": _row_id("110", parent + sobject), "ParentId": parent, "SobjectType": sobject, "PermissionsRead": True,
            "PermissionsCreate": create, "PermissionsEdit": edit, "PermissionsDelete": delete or modify_all,
            "PermissionsViewAllRecords": view_all or modify_all, "PermissionsModifyAllRecords": modify_all}


def field_row(parent: str, qualified: str, *, edit: bool = True) -> dict[str, Any]:
    return {"Id": _row_id("01k", parent + qualified), "ParentId": parent, "SobjectType": qualified.split(".")[0], "Field": qualified,
            "PermissionsRead": True, "PermissionsEdit": edit}


def permissionable_mapped_fields() -> list[str]:
    """The fields whose FieldPermissions rows decide the mapped fields: required, system and name fields
    have none, and an address component has none of its own: its compound (Contact.MailingAddress) has
    the row, as in a real org [C tests/real_samples/query__FieldPermissions__semijoin_v49__mohan.txt]."""
    carriers = set()
    for mapping in standard_mappings():
        fields = {f["name"]: f for f in STANDARD_FIELDS.get(mapping.sobject, [])}
        described = fields.get(mapping.field)
        if described is None or not described["permissionable"]:
            continue
        compound = fields.get(described["compoundFieldName"] or "")
        name = compound["name"] if compound is not None and compound["type"] == "address" else mapping.field
        carriers.add(f"{mapping.sobject}.{name}")
    return sorted(carriers)


def limits(api_remaining: int = 141_230, data_remaining: int = 6_120, file_remaining: int = 18_000) -> dict[str, Any]:
    """/limits as Salesforce returns it: every limit {Max, Remaining}; DailyApiRequests nests one
    entry per connected app [S public fixtures]."""
    return {
        "ActiveScratchOrgs": {"Max": 0, "Remaining": 0},
        "ConcurrentAsyncGetReportInstances": {"Max": 200, "Remaining": 200},
        "ConcurrentSyncReportRuns": {"Max": 20, "Remaining": 20},
        "DailyApiRequests": {"Max": 150_000, "Remaining": api_remaining,
                             "Ant Migration Tool": {"Max": 0, "Remaining": 0},
                             "Dataloader Bulk": {"Max": 0, "Remaining": 0},
                             "Salesforce Mobile Dashboards": {"Max": 0, "Remaining": 0}},
        "DailyAsyncApexExecutions": {"Max": 250_000, "Remaining": 250_000},
        "DailyBulkApiBatches": {"Max": 15_000, "Remaining": 15_000},
        "DailyBulkV2QueryFileStorageMB": {"Max": 976_562, "Remaining": 976_562},
        "DailyBulkV2QueryJobs": {"Max": 10_000, "Remaining": 10_000},
        "DailyScratchOrgs": {"Max": 0, "Remaining": 0},
        "DailyStandardVolumePlatformEvents": {"Max": 25_000, "Remaining": 25_000},
        "DataStorageMB": {"Max": 10_240, "Remaining": data_remaining},
        "FileStorageMB": {"Max": 20_480, "Remaining": file_remaining},
        "HourlyODataCallout": {"Max": 10_000, "Remaining": 10_000},
        "HourlyTimeBasedWorkflow": {"Max": 1_000, "Remaining": 1_000},
        "MassEmail": {"Max": 5_000, "Remaining": 5_000},
        "SingleEmail": {"Max": 5_000, "Remaining": 5_000},
    }


def healthy_org() -> FakeOrg:
    """Everything HubSpot needs, granted by the integration profile."""
    org = FakeOrg()
    org.users = [FakeUser(USER_ID, "hubspot.sync@acme.example.com", "HubSpot Sync", PROFILE_ID),
                 FakeUser(ADMIN_ID, "admin@acme.example.com", "Ada Admin", ADMIN_PROFILE_ID)]
    org.connected_user_id = USER_ID
    org.profiles = {PROFILE_ID: ("HubSpot Integration", LICENSE_ID), ADMIN_PROFILE_ID: ("System Administrator", LICENSE_ID)}
    org.licenses = {LICENSE_ID: "Salesforce"}
    org.perm_sets = [
        PermSet(PROFILE_SET, "X00ex000000018ozh_128_09_04_12_1", "HubSpot Integration",
                frozenset({"ApiEnabled", "EditTask", "EditEvent", "ViewSetup"}), PROFILE_ID, "HubSpot Integration"),
        PermSet(SYNC_SET, "HubSpot_Sync", "HubSpot Sync", frozenset()),
        PermSet(ADMIN_SET, "X00ex000000018ozh_128_09_04_12_2", "System Administrator",
                frozenset({"ApiEnabled", "ModifyAllData", "ViewAllData", "ViewSetup", "ManageUsers", "EditTask"}),
                ADMIN_PROFILE_ID, "System Administrator"),
    ]
    org.assignments = [Assignment("0Pa5g00000AAAA1CAA", USER_ID, PROFILE_SET),
                       Assignment("0Pa5g00000AAAA2CAA", USER_ID, SYNC_SET),
                       Assignment("0Pa5g00000AAAA0CAA", ADMIN_ID, ADMIN_SET)]
    org.object_perms = [object_row(PROFILE_SET, o) for o in SYNCED]
    org.object_perms.append(object_row(PROFILE_SET, "Campaign", create=False))
    org.field_perms = [field_row(PROFILE_SET, f) for f in permissionable_mapped_fields()]
    org.describes = {name: {} for name in ("Lead", "Contact", "Account", "Opportunity", "Campaign", "Task", "User")}
    org.limits = limits()
    return org


def _without_field(org: FakeOrg, qualified: str) -> None:
    org.field_perms = [r for r in org.field_perms if r["Field"] != qualified]


def _read_only(org: FakeOrg, qualified: str) -> None:
    for row in org.field_perms:
        if row["Field"] == qualified:
            row["PermissionsEdit"] = False


def demo_org() -> FakeOrg:
    """A realistic org with a few real problems (README's demo)."""
    org = healthy_org()
    profile_set = org.perm_sets[0]
    profile_set.system = frozenset({"EditTask", "EditEvent", "ViewSetup"})  # API Enabled comes from the permission set
    org.perm_sets[1].system = frozenset({"ApiEnabled"})
    for row in org.object_perms:
        if row["SobjectType"] == "Campaign":
            row["PermissionsEdit"] = False
            row["PermissionsModifyAllRecords"] = False
    _read_only(org, "Contact.MailingAddress")  # every Mailing* component with it
    _without_field(org, "Lead.Fax")
    org.limits = limits(data_remaining=612)
    org.triggers = [{"Id": "01q5g000000Jk1AAAS", "Name": "ContactDedupe", "TableEnumOrId": "Contact",
                     "NamespacePrefix": None, "UsageBeforeInsert": True, "UsageAfterInsert": False,
                     "UsageBeforeUpdate": True, "UsageAfterUpdate": True, "Status": "Active"}]
    # Issue 15: one active validation rule on a synced object (its formula costs the composite of sObject GETs).
    org.validation_rules = [{"Id": "03d5g000000AbD1AAK", "Object": "Lead", "ValidationName": "Email_Required",
                             "Active": True, "Formula": "ISBLANK(Email)", "ErrorMessage": "Enter an e-mail address.",
                             "ErrorDisplayField": "Email"}]
    return org


def api_via_permission_set() -> FakeOrg:
    org = healthy_org()
    org.perm_sets[0].system = frozenset({"EditTask", "ViewSetup"})
    org.perm_sets[1].system = frozenset({"ApiEnabled"})
    return org


def expired_assignment() -> FakeOrg:
    """API Enabled comes only from a permission set whose assignment expired. Audited from an admin
    session with --user: without API Enabled the integration user's own session would be refused."""
    org = api_via_permission_set()
    org.connected_user_id = ADMIN_ID
    for assignment in org.assignments:
        if assignment.set_id == SYNC_SET:
            assignment.expires = "2024-01-31T00:00:00.000+0000"
    return org


def expiring_assignment(*, admin: bool = False) -> FakeOrg:
    """API Enabled comes only from a permission set whose assignment expires (in 2099: recorded cassettes are
    replayed at the real time, so the scenario is run with --expiry-warning-days 36500 to be "soon" until
    then). ``admin``: audited from the admin's session with --user."""
    org = api_via_permission_set()
    if admin:
        org.connected_user_id = ADMIN_ID
    for assignment in org.assignments:
        if assignment.set_id == SYNC_SET:
            assignment.expires = "2099-01-31T00:00:00.000+0000"
    return org


def access_via_group(*, aggregate_in_assignment: bool = True) -> FakeOrg:
    """Object access only through a permission set group's aggregate set."""
    org = healthy_org()
    org.groups = [Group(GROUP_ID, "HubSpot_Integration_Access", "HubSpot Integration Access")]
    org.perm_sets.append(PermSet(GROUP_SET, "X0PG5g000000TqRs", "HubSpot Integration Access", frozenset(),
                                 group_id=GROUP_ID))
    org.assignments.append(Assignment("0Pa5g00000AAAA3CAA", USER_ID, GROUP_SET, group_id=GROUP_ID))
    for row in org.object_perms:
        row["ParentId"] = GROUP_SET
    org.group_assignment_has_set = aggregate_in_assignment
    return org


def group_muting_edit() -> FakeOrg:
    """Object access only through a group; a muting set in the group removes Edit on Contact. The
    aggregate set has the muting applied [U, reference §2.5], so it lacks Edit on Contact too."""
    org = access_via_group()
    org.muting_sets = [MutingSet(MUTING_SET, "Mute_Contact_Edit", "Mute Contact Edit", GROUP_ID)]
    org.group_components = [(GROUP_ID, SYNC_SET)]
    for row in org.object_perms:
        if row["SobjectType"] == "Contact":
            row.update(PermissionsEdit=False, PermissionsDelete=False, PermissionsModifyAllRecords=False)
    org.object_perms.append({"Id": _row_id("110", MUTING_SET + "Contact"), "ParentId": MUTING_SET, "SobjectType": "Contact",
                             "PermissionsRead": False, "PermissionsCreate": False, "PermissionsEdit": True,
                             "PermissionsDelete": False, "PermissionsViewAllRecords": False,
                             "PermissionsModifyAllRecords": False})
    return org


def modify_all_data() -> FakeOrg:
    org = healthy_org()
    org.perm_sets[0].system = frozenset({"ApiEnabled", "ModifyAllData", "ViewAllData", "ViewSetup", "EditTask"})
    org.object_perms = []
    return org


def fls_second_page() -> FakeOrg:
    """FieldPermissions spans several pages; the one missing row is only visible once every page is read."""
    org = healthy_org()
    org.page_size = 20
    _without_field(org, "Opportunity.Amount")
    return org


def _faults(org: FakeOrg, *faults: Fault) -> FakeOrg:
    org.faults.extend(faults)
    return org


# The body real orgs send [C tests/real_samples/error__403_REQUEST_LIMIT_EXCEEDED.txt].
REQUEST_LIMIT = error_body("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
API_DISABLED = error_body("API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.")
UNKNOWN_EXCEPTION = error_body("UNKNOWN_EXCEPTION",
                               "An unexpected error occurred. Please include this ErrorId if you contact support: 1383407581-97434 (-1193852826)")


def hubspot_package_unassigned() -> FakeOrg:
    org = healthy_org()
    org.perm_sets.append(PermSet(HUBSPOT_SET, "HubSpot_Integration_Permissions", "HubSpot Integration Permissions",
                                 namespace="HubSpot_Inc"))
    return org


def hubspot_set_via_group(*, admin: bool = False) -> FakeOrg:
    """The legacy package's permission set reaches the user only as a component of an assigned permission set
    group (a common modern setup): it counts as assigned. ``admin``: the session is the admin's (--user)."""
    org = hubspot_package_unassigned()
    org.groups = [Group(GROUP_ID, "HubSpot_Access", "HubSpot Access")]
    org.perm_sets.append(PermSet(GROUP_SET, "X0PG5g000000TqRs", "HubSpot Access", frozenset(), group_id=GROUP_ID))
    org.assignments.append(Assignment("0Pa5g00000AAAA3CAA", USER_ID, GROUP_SET, group_id=GROUP_ID))
    org.group_components = [(GROUP_ID, HUBSPOT_SET)]
    if admin:
        org.connected_user_id = ADMIN_ID
    return org


def not_marketing_user(*, admin: bool = False) -> FakeOrg:
    """Object permissions grant Campaign Edit, but the integration user's Marketing User checkbox is off.
    ``admin``: the session is the admin's, auditing the integration user with --user."""
    org = healthy_org()
    org.users[0].marketing_user = False
    if admin:
        org.connected_user_id = ADMIN_ID
    return org


def no_setup_access() -> FakeOrg:
    """The user lacks View Setup and Configuration: setup objects and /limits are refused."""
    org = healthy_org()
    denied = error_body("INSUFFICIENT_ACCESS", "insufficient access rights on object id")
    return _faults(org,
                   Fault(r"/limits", 403, denied),
                   Fault(r"FROM\+PermissionSetAssignment|FROM%20PermissionSetAssignment", 400,
                         error_body("INVALID_TYPE", "sObject type 'PermissionSetAssignment' is not supported."), subrequest=True),
                   Fault(r"ObjectPermissions", 400,
                         error_body("INVALID_TYPE", "sObject type 'ObjectPermissions' is not supported."), subrequest=True),
                   Fault(r"FieldPermissions", 400,
                         error_body("INVALID_TYPE", "sObject type 'FieldPermissions' is not supported."), subrequest=True),
                   # Issue 15: setup metadata needs View Setup too [U: the exact error for these two].
                   Fault(r"FROM%20ValidationRule", 400,
                         error_body("INVALID_TYPE", "sObject type 'ValidationRule' is not supported."), subrequest=True),
                   Fault(r"FROM%20FlowDefinitionView", 400,
                         error_body("INVALID_TYPE", "sObject type 'FlowDefinitionView' is not supported."), subrequest=True))


def lookup_chain() -> FakeOrg:
    """Account.Region__c -> Region__c, Region__c.Territory__c -> Territory__c; no Edit on Territory__c."""
    org = healthy_org()
    from tests.simulator.describes import field as describe_field

    org.describes["Account"] = {"extra_fields": [describe_field("Region__c", "reference", "Region", reference_to=("Region__c",))]}
    org.describes["Region__c"] = {}
    org.describes["Territory__c"] = {}
    org.object_perms += [object_row(PROFILE_SET, "Region__c", view_all=False, modify_all=False),
                         object_row(PROFILE_SET, "Territory__c", edit=False, create=False, view_all=False, modify_all=False)]
    org.field_perms += [field_row(PROFILE_SET, "Account.Region__c"), field_row(PROFILE_SET, "Region__c.Territory__c"),
                        field_row(PROFILE_SET, "Region__c.Code__c")]
    return org


def custom_object_trigger() -> FakeOrg:
    """lookup_chain() plus an active trigger on the mapped custom object Region__c (TableEnumOrId holds the API
    name, as real orgs answer [C tests/real_samples/query__ApexTrigger_tooling__v49__mohan.txt])."""
    org = lookup_chain()
    org.triggers = [{"Id": "01q5g000000Jk1CAAS", "Name": "RegionRollup", "TableEnumOrId": "Region__c",
                     "NamespacePrefix": None, "UsageBeforeInsert": False, "UsageAfterInsert": True,
                     "UsageBeforeUpdate": False, "UsageAfterUpdate": True, "Status": "Active"}]
    return org


def unmapped_lookup(*, admin: bool = False) -> FakeOrg:
    """Account has a custom lookup Region__c that no mapping names; the integration user cannot read Region__c."""
    from tests.simulator.describes import field as describe_field

    org = healthy_org()
    org.describes["Account"] = {"extra_fields": [describe_field("Region__c", "reference", "Region", reference_to=("Region__c",))]}
    if admin:
        org.connected_user_id = ADMIN_ID
    return org


def admin_session() -> FakeOrg:
    """healthy_org(), but the session belongs to the admin (who audits the integration user with --user)."""
    org = healthy_org()
    org.connected_user_id = ADMIN_ID
    return org


def inactive_integration_user() -> FakeOrg:
    """An admin session; the integration user it audits with --user is inactive."""
    org = admin_session()
    org.users[0].active = False
    return org


def license_without_campaign() -> FakeOrg:
    """The integration user's profile has the "Salesforce Platform" license, which does not include Campaign:
    the profile's set has no Campaign row and no permission set could add one. The license's own
    ObjectPermissions rows (ParentId = the UserLicense; read as its ceiling [U], reference §2.6) cover the
    other synced objects.

    Stylised: the real Salesforce Platform license leaves out Leads and Opportunities too [S Salesforce Help,
    features of Lightning Platform licenses]; only Campaign is left out here, to isolate one object. Like
    every scenario, the simulator answers describes whoever asks, so the user's describe of Campaign
    succeeds; whether it would fail in a real org is [U] (reference §7 item 2), and the check names the
    license on that path too (tests/test_license_ceiling.py).
    """
    org = healthy_org()
    org.licenses[PLATFORM_LICENSE_ID] = "Salesforce Platform"
    org.profiles[PROFILE_ID] = ("HubSpot Integration", PLATFORM_LICENSE_ID)
    org.object_perms = [r for r in org.object_perms if r["SobjectType"] != "Campaign"]
    org.object_perms += [object_row(PLATFORM_LICENSE_ID, o, delete=True) for o in (*SYNCED, "Asset", "Document")]
    return org


def hidden_field() -> FakeOrg:
    """Field-level security hides Contact.Title from the integration user: no FieldPermissions row, and the
    user's describe of Contact leaves the field out, as Salesforce does [S Z-FLS]."""
    org = healthy_org()
    _without_field(org, "Contact.Title")
    org.describes["Contact"] = {"hidden_fields": frozenset({"Title"})}
    return org


def describe_disagrees() -> FakeOrg:
    """FieldPermissions grant Edit on Contact.Email, but describe (as the user) says it is not updateable."""
    org = healthy_org()
    org.describes["Contact"] = {"read_only_fields": frozenset({"Email"})}
    return org


# Trust's answers (reference §5) for the --trust-status scenarios. --replay collects again, at the real time
# of the replay, and the check compares Trust's windows with that collection time: so the windows give the
# same verdict whatever day a cassette is replayed (until 2099). A maintenance from 2025 to 2099 is running;
# one planned in 2099 is beyond the 24-hour forecast. The "starts within 24 hours" warn is tested on
# hand-built snapshots (tests/test_checks_trust.py), whose collection time is fixed.
RUNNING_READ_ONLY = maintenance(918273, "USA596 Read-Only Database Maintenance", "2025-01-01T00:00:00.000Z",
                                "2099-01-01T00:00:00.000Z", maintenance_type="scheduledMaintenance")
FAR_RELEASE = maintenance(918274, "USA596 Summer '99 Major Release", "2099-06-13T03:00:00.000Z",
                          "2099-06-13T08:00:00.000Z")


def trust_maintenance() -> FakeOrg:
    """Trust reports MAINTENANCE_CORE with a read-only maintenance running on the org's instance."""
    org = healthy_org()
    org.trust = FakeTrust({org.instance_name: instance_status(
        org.instance_name, "MAINTENANCE_CORE", maintenances=(RUNNING_READ_ONLY, FAR_RELEASE))})
    return org


def trust_minor_incident() -> FakeOrg:
    """Trust reports MINOR_INCIDENT_CORE (an ongoing minor performance degradation); a release far ahead."""
    org = healthy_org()
    org.trust = FakeTrust({org.instance_name: instance_status(
        org.instance_name, "MINOR_INCIDENT_CORE", maintenances=(FAR_RELEASE,),
        incidents=(incident(27182, impact(31415, "2026-11-29T23:10:00.000Z")),))})
    return org


@dataclass(frozen=True)
class Scenario:
    name: str
    build: Callable[[], FakeOrg]
    args: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)  # extra input files: name -> content
    description: str = ""


LOOKUP_MAPPINGS = (
    "hubspot_object,hubspot_property,salesforce_object,salesforce_field,direction\n"
    "contacts,email,Contact,Email,two_way\n"
    "contacts,associatedcompanyid,Contact,AccountId,two_way\n"
    "companies,name,Account,Name,two_way\n"
    "companies,region,Account,Region__c,two_way\n"
    "regions,territory,Region__c,Territory__c,two_way\n"
    "regions,code,Region__c,Code__c,two_way\n"
)
MISSING_FIELD_MAPPINGS = (
    "hubspot_object,hubspot_property,salesforce_object,salesforce_field,direction\n"
    "contacts,email,Contact,Email,two_way\n"
    "contacts,favorite_color,Contact,Favorite_Color__c,two_way\n"
)

SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("demo", demo_org, description="a few real problems: Campaign Edit, two fields' FLS, storage, a trigger, "
                                           "a validation rule"),
    Scenario("healthy", healthy_org, ("--hubspot-allocation", "20000"), description="everything HubSpot needs"),
    Scenario("api-via-permission-set", api_via_permission_set, description="API Enabled only from a permission set"),
    Scenario("expired-assignment", expired_assignment, ("--user", "hubspot.sync@acme.example.com"),
             description="API Enabled only from a permission set whose assignment expired"),
    Scenario("expiring-assignment", expiring_assignment, ("--expiry-warning-days", "36500", "--hubspot-allocation", "20000"),
             description="API Enabled only from a permission set whose assignment expires (within the window)"),
    Scenario("expiring-assignment-admin", lambda: expiring_assignment(admin=True),
             ("--user", "hubspot.sync@acme.example.com", "--expiry-warning-days", "36500", "--hubspot-allocation", "20000"),
             description="the same org audited by an admin with --user"),
    Scenario("access-via-group", access_via_group, description="object access only from a permission set group"),
    Scenario("group-without-aggregate-id", lambda: access_via_group(aggregate_in_assignment=False),
             description="group assignment with empty PermissionSetId: the collector reads the aggregate set"),
    Scenario("group-muting-edit", group_muting_edit,
             description="a muting permission set in the user's group removes Edit on Contact"),
    Scenario("modify-all-data", modify_all_data, description="Modify All Data and no object rows"),
    Scenario("fls-second-page", fls_second_page, description="a missing FieldPermissions row beyond the first page"),
    Scenario("api-disabled", lambda: _faults(healthy_org(), Fault(r"^/services/data/", 403, API_DISABLED)),
             description="REST refuses every data call with API_DISABLED_FOR_ORG"),
    Scenario("api-limit-exhausted", lambda: _with_limits(api_remaining=0), description="DailyApiRequests used up"),
    Scenario("request-limit-refused", lambda: _faults(healthy_org(), Fault(r"^/services/data/", 403, REQUEST_LIMIT)),
             description="every data call refused with 403 REQUEST_LIMIT_EXCEEDED"),
    Scenario("storage-full", lambda: _with_limits(data_remaining=0), description="DataStorageMB used up"),
    Scenario("org-unavailable", lambda: _faults(healthy_org(),
             Fault(r"^/services/data/", 503, MAINTENANCE_PAGE, "text/html;charset=UTF-8")),
             description="503 maintenance page on every data call"),
    Scenario("server-error", lambda: _faults(healthy_org(), Fault(r"/composite", 500, UNKNOWN_EXCEPTION)),
             description="500 UNKNOWN_EXCEPTION on the composite call, every retry"),
    Scenario("flaky", lambda: _faults(healthy_org(), Fault(r"/composite", 503, error_body(
             "SERVER_UNAVAILABLE", "Server too busy"), times=1)), ("--hubspot-allocation", "20000"),
             description="the first composite answers 503, the retry succeeds"),
    Scenario("unknown-error", lambda: _faults(healthy_org(), Fault(r"/limits", 200, '{"DailyApiRequests": {"Max": 150000, "Rem')),
             description="/limits answers truncated JSON"),
    Scenario("row-lock-risk", lambda: _with_triggers(), ("--hubspot-allocation", "20000"),
             description="active Apex triggers on Lead and Contact"),
    Scenario("hubspot-package-unassigned", hubspot_package_unassigned,
             description="legacy HubSpot package installed, its permission set not assigned"),
    Scenario("hubspot-set-via-group", hubspot_set_via_group, ("--hubspot-allocation", "20000"),
             description="the HubSpot package's permission set is assigned through a permission set group"),
    Scenario("hubspot-set-via-group-admin", lambda: hubspot_set_via_group(admin=True),
             ("--user", "hubspot.sync@acme.example.com", "--hubspot-allocation", "20000"),
             description="the same org audited by an admin with --user"),
    Scenario("not-marketing-user", not_marketing_user, ("--hubspot-allocation", "20000"),
             description="Campaign Edit granted, but the user's Marketing User checkbox is off"),
    Scenario("not-marketing-user-admin", lambda: not_marketing_user(admin=True),
             ("--user", "hubspot.sync@acme.example.com", "--hubspot-allocation", "20000"),
             description="the same org audited by an admin with --user"),
    Scenario("no-setup-access", no_setup_access, description="no View Setup and Configuration"),
    Scenario("session-expired", lambda: _faults(healthy_org(), Fault(r"/services/oauth2/userinfo|^/services/data/", 401,
             error_body("INVALID_SESSION_ID", "Session expired or invalid"))), description="401 on the first request"),
    Scenario("lookup-chain", lookup_chain, ("--mappings", "{dir}/lookup-mappings.csv"), {"lookup-mappings.csv": LOOKUP_MAPPINGS},
             description="Account.Region__c -> Region__c.Territory__c -> Territory__c without Edit"),
    Scenario("custom-object-trigger", custom_object_trigger, ("--mappings", "{dir}/lookup-mappings.csv"),
             {"lookup-mappings.csv": LOOKUP_MAPPINGS}, description="an active trigger on the mapped custom object Region__c"),
    Scenario("unmapped-lookup", unmapped_lookup, ("--hubspot-allocation", "20000"),
             description="an unmapped custom lookup on Account leads to Region__c, which the user cannot read"),
    Scenario("unmapped-lookup-admin", lambda: unmapped_lookup(admin=True),
             ("--user", "hubspot.sync@acme.example.com", "--hubspot-allocation", "20000"),
             description="the same org audited by an admin with --user"),
    Scenario("admin-audits-integration-user", admin_session,
             ("--user", "hubspot.sync@acme.example.com", "--hubspot-allocation", "20000"),
             description="an admin session audits the integration user by username (composite references)"),
    Scenario("unknown-user", admin_session, ("--user", "nobody@acme.example.com"),
             description="--user names no user in the org: one line, exit 2"),
    Scenario("inactive-user", inactive_integration_user, ("--user", "hubspot.sync@acme.example.com"),
             description="--user names an inactive user: one line, exit 2"),
    Scenario("admin-own-session", admin_session, ("--hubspot-allocation", "20000"),
             description="an admin audits their own session without --user"),
    Scenario("license-without-campaign", license_without_campaign,
             description="the integration user's license (Salesforce Platform) does not include Campaign"),
    Scenario("hidden-field", hidden_field, ("--hubspot-allocation", "20000"),
             description="FLS hides mapped Contact.Title: absent from the user's describe, no FieldPermissions row"),
    Scenario("describe-disagrees", describe_disagrees, ("--hubspot-allocation", "20000"),
             description="FieldPermissions grant Edit on Contact.Email but describe says it is not updateable"),
    Scenario("missing-field-mapping", healthy_org, ("--mappings", "{dir}/missing-field.csv"), {"missing-field.csv": MISSING_FIELD_MAPPINGS},
             description="a mapping names a field that does not exist"),
    Scenario("trust-maintenance", trust_maintenance, ("--trust-status", "--hubspot-allocation", "20000"),
             description="--trust-status: Trust lists a read-only maintenance running on the org's instance"),
    Scenario("trust-minor-incident", trust_minor_incident, ("--trust-status", "--hubspot-allocation", "20000"),
             description="--trust-status: Trust reports a minor incident on the org's instance"),
)}


def _with_limits(**kwargs: int) -> FakeOrg:
    org = healthy_org()
    org.limits = limits(**kwargs)
    return org


def _with_triggers() -> FakeOrg:
    org = healthy_org()
    org.triggers = [
        {"Id": "01q5g000000Jk1AAAS", "Name": "LeadRouting", "TableEnumOrId": "Lead", "NamespacePrefix": None,
         "UsageBeforeInsert": True, "UsageAfterInsert": True, "UsageBeforeUpdate": False, "UsageAfterUpdate": True, "Status": "Active"},
        {"Id": "01q5g000000Jk1BAAS", "Name": "ContactRollup", "TableEnumOrId": "Contact", "NamespacePrefix": "acme",
         "UsageBeforeInsert": False, "UsageAfterInsert": True, "UsageBeforeUpdate": False, "UsageAfterUpdate": True, "Status": "Active"},
    ]
    return org


def dumps(value: Any) -> str:
    return json.dumps(value)


# --------------------------------------------------------------------------- issue 15: sync-error risks

INTEGRATION_LICENSE_ID = "1005g000000cVbtAAE"
API_ONLY_PROFILE_ID = "00e5g000001Q8nPAAS"
API_INTEGRATION_SET = "0PS5g000006rQqAGAE"
API_PSL = {  # PermissionSetLicense of the Salesforce API Integration PSL [S G7/G8 name; C F10 fields]
    "Id": "0PL5g000000TqRsGAK", "DeveloperName": "SalesforceAPIIntegrationPsl", "MasterLabel": "Salesforce API Integration",
    # [U] What this PSL allows is open (facts §5 item 2); the scenario assumes API and Modify All Data allowed.
    "MaximumPermissionsApiEnabled": True, "MaximumPermissionsModifyAllData": True, "MaximumPermissionsModifyMetadata": False,
}


def _rule(rule_id: str, sobject: str, name: str, formula: str, message: str, *, active: bool = True,
          display_field: str | None = None) -> dict[str, Any]:
    return {"Id": rule_id, "Object": sobject, "ValidationName": name, "Active": active, "Formula": formula,
            "ErrorMessage": message, "ErrorDisplayField": display_field}


def _flow(api_name: str, sobject: str, trigger: str, *, active: bool = True, record_trigger: str = "CreateAndUpdate",
          latest_active: bool | None = None) -> dict[str, Any]:
    return {"DurableId": "300" + api_name[:12].ljust(12, "0"), "ApiName": api_name, "Label": api_name.replace("_", " "),
            "ProcessType": "AutoLaunchedFlow", "TriggerType": trigger, "RecordTriggerType": record_trigger,
            "TriggerObjectOrEventId": sobject, "TriggerObjectOrEventLabel": sobject,
            "ActiveVersionId": "3015g000000" + api_name[:7].ljust(7, "0") if active else None,
            "IsActive": active if latest_active is None else latest_active}


def _duplicate_rule(name: str, *, insert: str, update: str, active: bool = True) -> dict[str, Any]:
    """A UI API Duplicate Rule entry [C F6c]."""
    return {"actionOnInsert": insert, "actionOnUpdate": update, "active": active, "duplicateRuleFilters": [],
            "matchRules": [{"matchEngine": "FuzzyMatchEngine", "name": f"Standard_{name}_Matching_Rule", "objectApiName": "Contact"}],
            "name": name, "operationsOnInsert": ["Alert", "Report"], "operationsOnUpdate": ["Alert"]}


def integration_licence_org(*, with_psl: bool = True) -> FakeOrg:
    """The integration user on the Salesforce Integration licence and the API-only profile (facts §1.1). Object
    access comes from a permission set created with License = Salesforce API Integration: without the PSL such
    a set cannot be assigned, and standard objects cannot be granted at all [S X28, X29]."""
    org = healthy_org()
    org.licenses[INTEGRATION_LICENSE_ID] = "Salesforce Integration"
    org.profiles[API_ONLY_PROFILE_ID] = ("Minimum Access - API Only Integrations", INTEGRATION_LICENSE_ID)
    org.users[0].profile_id = API_ONLY_PROFILE_ID
    org.perm_sets[0] = PermSet(PROFILE_SET, "X00ex000000018ozh_128_09_04_12_3", "Minimum Access - API Only Integrations",
                               frozenset({"ApiEnabled", "EditTask", "EditEvent"}), API_ONLY_PROFILE_ID,
                               "Minimum Access - API Only Integrations")
    org.object_perms = []
    org.field_perms = []
    if with_psl:
        org.perm_sets.append(PermSet(API_INTEGRATION_SET, "HubSpot_API_Integration", "HubSpot API Integration",
                                     frozenset({"ViewSetup"})))
        org.assignments.append(Assignment("0Pa5g00000AAAA3CAA", USER_ID, API_INTEGRATION_SET))
        org.object_perms = [object_row(API_INTEGRATION_SET, o) for o in SYNCED]
        org.object_perms.append(object_row(API_INTEGRATION_SET, "Campaign", create=False))
        org.field_perms = [field_row(API_INTEGRATION_SET, f) for f in permissionable_mapped_fields()]
        org.psl_assignments = [(USER_ID, dict(API_PSL))]
    return org


def sync_risks() -> FakeOrg:
    """Every sync-error risk once, next to its harmless twin (which must not be reported)."""
    org = healthy_org()
    org.validation_rules = [
        _rule("03d5g000000AbC1AAK", "Lead", "Phone_or_Email", "AND(ISBLANK(Phone), ISBLANK(Email))",
              "Enter a phone number or an e-mail address.", display_field="Phone"),
        _rule("03d5g000000AbC2AAK", "Opportunity", "Amount_Positive", "Amount <= 0", "The amount must be positive."),
        _rule("03d5g000000AbC3AAK", "Contact", "Old_Title_Rule", "ISBLANK(Title)", "Title required.", active=False),
        _rule("03d5g000000AbC4AAK", "Case", "Case_Rule", "ISBLANK(Subject)", "Subject required."),  # not synced
    ]
    org.duplicate_rules = {
        "Contact": [_duplicate_rule("Contact_Email_Block", insert="Block", update="Allow")],
        "Lead": [_duplicate_rule("Lead_Alert_Only", insert="Allow", update="Allow")],
        "Account": [_duplicate_rule("Account_Inactive_Block", insert="Block", update="Block", active=False)],
    }
    org.flows = [
        _flow("Account_Rollup", "Account", "RecordAfterSave"),
        # An active older version under a newer draft: IsActive false, still runs [C doc; U reading].
        _flow("Contact_Enrich", "Contact", "RecordBeforeSave", latest_active=False),
        _flow("Lead_Old_Flow", "Lead", "RecordAfterSave", active=False),  # no active version: not reported
    ]
    org.describes["Lead"] = {
        "extra_fields": [describe_field("StateCode", "picklist", "State/Province Code"), describe_field("CountryCode", "picklist", "Country Code"),
                         describe_field("Region__c", "string", "Region", required=True)],
        "field_overrides": {"LeadSource": {"restrictedPicklist": True, "picklistValues": picklist_values(
            "Web", "Phone Inquiry", "Partner Referral", inactive=("Trade Show",))},
                            "Industry": {"picklistValues": picklist_values("Agriculture", "Banking")}},
    }
    org.describes["Account"] = {"extra_fields": [describe_field("BillingStateCode", "picklist", "Billing State/Province Code"),
                                                 describe_field("BillingCountryCode", "picklist", "Billing Country Code")]}
    return org


def sync_clean() -> FakeOrg:
    """Only the harmless twins: an inactive rule, alert-only and inactive duplicate rules, a flow without an active
    version, an unrestricted picklist. Every sync check passes."""
    org = healthy_org()
    org.validation_rules = [_rule("03d5g000000AbC3AAK", "Contact", "Old_Title_Rule", "ISBLANK(Title)", "Title required.",
                                  active=False)]
    org.duplicate_rules = {"Lead": [_duplicate_rule("Lead_Alert_Only", insert="Allow", update="Allow")],
                           "Account": [_duplicate_rule("Account_Inactive_Block", insert="Block", update="Block", active=False)]}
    org.flows = [_flow("Lead_Old_Flow", "Lead", "RecordAfterSave", active=False),
                 _flow("Nightly_Cleanup", "Lead", "Scheduled")]
    org.describes["Lead"] = {"field_overrides": {"Industry": {"picklistValues": picklist_values("Agriculture", "Banking")}}}
    return org


def ui_api_unavailable() -> FakeOrg:
    org = sync_clean()
    org.ui_api_duplicates = False
    return org


SCENARIOS.update({s.name: s for s in (
    Scenario("integration-licence", integration_licence_org, ("--hubspot-allocation", "20000"),
             description="Salesforce Integration licence, API-only profile, PSL assigned: a valid set-up"),
    Scenario("integration-licence-without-psl", lambda: integration_licence_org(with_psl=False),
             ("--hubspot-allocation", "20000"),
             description="Salesforce Integration licence without the Salesforce API Integration PSL"),
    Scenario("sync-risks", sync_risks, ("--hubspot-allocation", "20000"),
             description="validation rules, a blocking duplicate rule, restricted and State/Country picklists, "
                         "a required unmapped field, record-triggered flows"),
    Scenario("sync-clean", sync_clean, ("--hubspot-allocation", "20000"),
             description="inactive rules, alert-only duplicate rules, inactive flows: nothing to report"),
    Scenario("ui-api-unavailable", ui_api_unavailable, ("--hubspot-allocation", "20000"),
             description="the UI API duplicates resource answers NOT_FOUND: duplicate rules not evaluated"),
)})
