"""What the audit asks Salesforce for: the subrequests of one audit, as data.

Everything the checks need fits in one ``/composite`` request on a typical org (which Salesforce
counts as ONE API call [C D-COMP]): the user, profile, license and org records, one describe per
object in scope, and five queries (the composite limit for query subrequests [C D-COMP-JA]).
Setup-object queries are filtered to exactly the user's permission sets with a semi-join on
PermissionSetAssignment, and FieldPermissions to exactly the mapped fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from auditor.config import AuditConfig
from auditor.permissions import field_permission_fields

_NO_SCOPE = AuditConfig(objects=(), mappings=())

HUBSPOT_NAMESPACE = "HubSpot_Inc"  # [S] field API names in public code; reference §2.11 step 7


# UserPermissionsMarketingUser: without the Marketing User checkbox no user can create or edit campaigns,
# whatever the object permissions say [S admin-and-sync-facts §3.8].
_USER_FIELDS = "Id,Username,Name,IsActive,UserType,ProfileId,UserPermissionsMarketingUser"
_ORG_FIELDS = "Id,Name,OrganizationType,InstanceName,IsSandbox,TrialExpirationDate,NamespacePrefix"
# The columns parse.parse_object_permissions / parse_field_permissions read: one definition each.
OBJECT_PERMISSIONS_SELECT = (
    "SELECT ParentId, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, "
    "PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions"
)
FIELD_PERMISSIONS_SELECT = "SELECT ParentId, SobjectType, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions"
SYSTEM_PERMISSIONS = ("ApiEnabled", "ViewAllData", "ModifyAllData", "ViewSetup", "ManageUsers", "EditTask", "EditEvent",
                      "CustomizeApplication", "AuthorApex")  # the last two: integration-user-posture (issue 15)


@dataclass(frozen=True)
class SubRequest:
    """One GET the audit needs; ``reference_id`` names its answer (and is its composite referenceId)."""

    reference_id: str
    url: str  # full path, /services/data/vNN.N/...
    is_query: bool


def soql_literal(value: str) -> str:
    """Quote a value for SOQL (backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _in_list(values: list[str]) -> str:
    return "(" + ",".join(soql_literal(v) for v in values) + ")"


_REFERENCE = re.compile(r"@\{[A-Za-z0-9_]+(?:\.[A-Za-z0-9_\[\]]+)+\}")


def query_url(version: str, soql: str) -> str:
    """The query URL for ``soql``; composite references (``@{user.records[0].Id}``) stay literal
    so Salesforce can substitute them [C D-COMP: references may appear in a subrequest's url]."""
    encoded = quote(soql, safe="")
    for token in set(_REFERENCE.findall(soql)):
        encoded = encoded.replace(quote(token, safe=""), token)
    return f"/services/data/v{version}/query?q={encoded}"


@dataclass(frozen=True)
class AuditPlan:
    subrequests: tuple[SubRequest, ...]


def plan_audit(config: AuditConfig, version: str, org_id: str, user_id: str | None, username: str | None) -> AuditPlan:
    """The subrequests of one audit, in dependency order.

    ``user_id`` is the audited user when known (the connected user). When auditing another user by
    username, the first subrequest finds them and later ones use composite references
    (``@{user.records[0].Id}``) so the whole plan still fits in one composite request.
    """
    base = f"/services/data/v{version}"
    subs: list[SubRequest] = []
    if user_id is not None:
        subs.append(SubRequest("user", f"{base}/sobjects/User/{user_id}?fields={_USER_FIELDS}", False))
        uid, profile_ref = user_id, "@{user.ProfileId}"
    else:
        assert username is not None
        soql = f"SELECT {_USER_FIELDS.replace(',', ', ')} FROM User WHERE Username = {soql_literal(username)}"
        subs.append(SubRequest("user", query_url(version, soql), True))
        uid, profile_ref = "@{user.records[0].Id}", "@{user.records[0].ProfileId}"
    subs.append(SubRequest("profile", f"{base}/sobjects/Profile/{profile_ref}?fields=Id,Name,UserLicenseId", False))
    subs.append(SubRequest("license", f"{base}/sobjects/UserLicense/@{{profile.UserLicenseId}}?fields=Id,Name", False))
    subs.append(SubRequest("org", f"{base}/sobjects/Organization/{org_id}?fields={_ORG_FIELDS}", False))

    objects = list(config.objects_in_scope())
    for sobject in objects:
        subs.append(SubRequest(f"describe_{sobject}", f"{base}/sobjects/{sobject}/describe", False))

    assigned = f"(SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '{uid}')"
    ps_fields = ", ".join(
        ["PermissionSet.Name", "PermissionSet.Label", "PermissionSet.NamespacePrefix", "PermissionSet.IsOwnedByProfile",
         "PermissionSet.Type", "PermissionSet.HasActivationRequired", "PermissionSet.Profile.Name"]
        + [f"PermissionSet.Permissions{p}" for p in SYSTEM_PERMISSIONS]
    )
    subs.append(SubRequest("assignments", query_url(version,
        f"SELECT Id, PermissionSetId, PermissionSetGroupId, ExpirationDate, IsActive, {ps_fields}, "
        "PermissionSetGroup.DeveloperName, PermissionSetGroup.MasterLabel, PermissionSetGroup.Status "
        f"FROM PermissionSetAssignment WHERE AssigneeId = '{uid}'"), True))
    # Not filtered by object: lookups can lead to objects only the describes reveal, and one
    # user's sets rarely hold more than a page of object rows.
    subs.append(SubRequest("object_permissions", query_url(version,
        f"{OBJECT_PERMISSIONS_SELECT} WHERE ParentId IN {assigned}"), True))
    # Mapped fields plus their likely compounds: an address component's FLS lives on its compound
    # (reference §2.7), so Contact.MailingAddress is read beside Contact.MailingCity in the same query.
    fields = list(field_permission_fields(m.qualified for m in config.mappings))
    if fields:
        subs.append(SubRequest("field_permissions", query_url(version,
            f"{FIELD_PERMISSIONS_SELECT} "
            f"WHERE ParentId IN {assigned} AND Field IN {_in_list(fields)}"), True))
    # ApexTrigger.TableEnumOrId holds the API name for custom objects as for standard ones
    # [C tests/real_samples/query__ApexTrigger_tooling__v49__mohan.txt], so every object in scope is asked for.
    subs.append(SubRequest("triggers", query_url(version,
        "SELECT Name, TableEnumOrId, NamespacePrefix, UsageBeforeInsert, UsageAfterInsert, UsageBeforeUpdate, "
        f"UsageAfterUpdate FROM ApexTrigger WHERE Status = 'Active' AND TableEnumOrId IN {_in_list(objects)}"), True))
    subs.append(SubRequest("hubspot_package", query_url(version,
        "SELECT Id, Name, Label, NamespacePrefix FROM PermissionSet "
        f"WHERE NamespacePrefix = {soql_literal(HUBSPOT_NAMESPACE)}"), True))
    return AuditPlan(tuple(subs))


def plan_whoami(version: str, org_id: str, user_id: str) -> tuple[SubRequest, ...]:
    """Just the user, profile, license and org records (``auditor whoami``): one composite."""
    return tuple(s for s in plan_audit(_NO_SCOPE, version, org_id, user_id, None).subrequests
                 if s.reference_id in ("user", "profile", "license", "org"))


def plan_group_aggregates(version: str, group_ids: list[str], mapped_fields: list[str]) -> tuple[SubRequest, ...]:
    """Fallback round for group assignments whose PermissionSetId is empty.

    Whether a group assignment's PermissionSetId points at the group's aggregate set is [U]
    (reference §2.4); when it does not, read the aggregate sets (PermissionSet.PermissionSetGroupId)
    and their rows directly.
    """
    groups = _in_list(group_ids)
    aggregate = f"(SELECT Id FROM PermissionSet WHERE PermissionSetGroupId IN {groups})"
    perms = ", ".join(f"Permissions{p}" for p in SYSTEM_PERMISSIONS)
    subs = [
        SubRequest("group_sets", query_url(version,
            f"SELECT Id, Name, Label, NamespacePrefix, Type, PermissionSetGroupId, {perms} FROM PermissionSet "
            f"WHERE PermissionSetGroupId IN {groups}"), True),
        SubRequest("group_object_permissions", query_url(version,
            f"{OBJECT_PERMISSIONS_SELECT} WHERE ParentId IN {aggregate}"), True),
    ]
    if mapped_fields:
        subs.append(SubRequest("group_field_permissions", query_url(version,
            f"{FIELD_PERMISSIONS_SELECT} "
            f"WHERE ParentId IN {aggregate} AND Field IN {_in_list(mapped_fields)}"), True))
    return tuple(subs)


MUTING_SET_PREFIX = "0QM"  # MutingPermissionSet key prefix [U: prefix, reference issue 4 brief]


def plan_mutings(version: str, group_ids: list[str], mapped_fields: list[str]) -> tuple[SubRequest, ...]:
    """Second round, only when the user has permission set group assignments: the groups' components
    and the object and field rows of their sets, to name the muting set that removes a permission.

    PermissionSetGroupComponent.PermissionSetId is polymorphic: PermissionSet or MutingPermissionSet
    [C object reference]. The semi-join reads the rows of every component; the collector keeps those of
    muting sets. The verdict itself comes from the group's aggregate set, which is assumed to have the
    muting applied already [U, reference §2.5].
    """
    groups = _in_list(group_ids)
    components = f"(SELECT PermissionSetId FROM PermissionSetGroupComponent WHERE PermissionSetGroupId IN {groups})"
    subs = [
        SubRequest("muting_components", query_url(version,
            "SELECT PermissionSetGroupId, PermissionSetId, PermissionSet.Name FROM PermissionSetGroupComponent "
            f"WHERE PermissionSetGroupId IN {groups}"), True),
        SubRequest("muting_object_permissions", query_url(version,
            f"{OBJECT_PERMISSIONS_SELECT} WHERE ParentId IN {components}"), True),
    ]
    if mapped_fields:
        subs.append(SubRequest("muting_field_permissions", query_url(version,
            f"{FIELD_PERMISSIONS_SELECT} "
            f"WHERE ParentId IN {components} AND Field IN {_in_list(mapped_fields)}"), True))
    return tuple(subs)


def plan_license_ceiling(version: str, license_id: str) -> tuple[SubRequest, ...]:
    """One more round, only when a synced object gets no Read from any of the user's sets: the
    ObjectPermissions rows of the user's license.

    ObjectPermissions.ParentId may be a UserLicense [C O-OP]. That such rows are the license's ceiling
    (a row per object the license allows, with the most it allows; no row = the license does not allow
    the object) is [U]: the collector keeps the rows as read, and the checks claim a license restriction
    only when there are rows to compare with. Sent as a composite so the license id stays out of the
    recorded URLs (``--record --anonymize`` rewrites ids in answers, not in query strings).
    """
    return (SubRequest("license_ceiling", query_url(version,
        f"{OBJECT_PERMISSIONS_SELECT} WHERE ParentId = {soql_literal(license_id)}"),
        True),)
