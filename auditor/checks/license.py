"""The Salesforce Integration user licence (SF_OBJECT_PERMISSIONS) and the integration user's posture
(CONNECTION_RISK). Facts: shared/reference/admin-and-sync-facts.md §1.1-1.2."""

from __future__ import annotations

from auditor.checks.base import Check, join, user_name
from auditor.checks.sync import not_collected
from auditor.config import AuditConfig
from auditor.model import Category, Finding, Status
from auditor.permissions import objects_without_read, system_permission_sources
from auditor.snapshot import OrgSnapshot, PermissionSetLicenseGrant, Unavailable, UserInfo
from auditor.suspensions import Suspension

INTEGRATION_LICENCE_NAME = "Salesforce Integration"  # UserLicense.Name [C F1; U field path]
# The current API-only profile and the deprecated one ("isn't available in newly provisioned orgs") [C F1].
API_ONLY_PROFILES = ("Minimum Access - API Only Integrations", "Salesforce API Only System Integrations")
PSL_DEVELOPER_NAME = "SalesforceAPIIntegrationPsl"  # [S G7, G8]
PSL_LABEL = "Salesforce API Integration"  # [C F1]
PSL_HOW_TO = (
    f"Setup > Users > {{user}} > Permission Set License Assignments > Edit Assignments: tick '{PSL_LABEL}' and save. "
    f"Then give object access with permission sets created with License = '{PSL_LABEL}' (a set that requires the "
    "'Salesforce' user licence cannot be assigned to this user), and re-run the audit."
)
# Objects HubSpot's deal sync writes; HubSpot's article asks for Modify All Data for it (hubspot-integration.md).
_DEAL_OBJECTS = frozenset({"opportunity"})


def is_integration_licence(user: UserInfo) -> bool:
    """The user is on the Salesforce Integration licence, recognised by licence name or by either API-only
    profile name (a renamed licence label would still show the profile) [U: field paths]."""
    profile = (user.profile_name or "").strip().lower()
    return (user.user_license or "").strip().lower() == INTEGRATION_LICENCE_NAME.lower() or profile in {
        p.lower() for p in API_ONLY_PROFILES}


def _is_api_psl(grant: PermissionSetLicenseGrant) -> bool:
    return (grant.developer_name or "").lower() == PSL_DEVELOPER_NAME.lower() or (grant.label or "").lower() == PSL_LABEL.lower()


def _run_integration_license(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    user = snapshot.user
    assert not isinstance(user, Unavailable)  # required: the engine reports it once
    if not is_integration_licence(user):
        return [INTEGRATION_LICENSE.finding(
            Status.PASS, f"{user_name(snapshot)} is on the '{user.user_license or 'unknown'}' licence, not the Salesforce "
            "Integration licence: no permission set licence is needed.")]
    # Needed only for a user on the Integration licence, so guarded here rather than in ``requires``.
    grants = snapshot.permission_set_licenses if snapshot.permission_set_licenses is not None else not_collected()
    if isinstance(grants, Unavailable):
        return [INTEGRATION_LICENSE.unavailable(
            "the user's permission set licences (PermissionSetLicenseAssign)", grants)]
    where = f"licence '{user.user_license}', profile '{user.profile_name}'"
    psl = next((g for g in grants if _is_api_psl(g)), None)
    if psl is None:
        blocked = objects_without_read(snapshot, (r.sobject for r in config.objects))
        cause = (f" This is why {join(list(blocked))} cannot be read: without it the licence cannot grant standard objects."
                 if blocked else " Without it the licence cannot grant standard objects such as Account and Contact.")
        return [INTEGRATION_LICENSE.finding(
            Status.FAIL,
            f"{user_name(snapshot)} is on the Salesforce Integration licence ({where}) but has no '{PSL_LABEL}' permission "
            f"set licence ({PSL_DEVELOPER_NAME}).{cause}",
            PSL_HOW_TO.format(user=user.username), sources=(where,))]
    findings = [INTEGRATION_LICENSE.finding(
        Status.PASS, f"{user_name(snapshot)} is on the Salesforce Integration licence ({where}) with the '{PSL_LABEL}' "
        "permission set licence assigned.", sources=(where,))]
    deal_sync = any(r.sobject.lower() in _DEAL_OBJECTS for r in config.objects)
    if deal_sync and psl.allows("ModifyAllData") is False:
        findings.append(INTEGRATION_LICENSE.finding(
            Status.WARN,
            f"The '{PSL_LABEL}' permission set licence does not allow Modify All Data "
            "(PermissionSetLicense.MaximumPermissionsModifyAllData is false), which HubSpot asks for to sync deals.",
            "If HubSpot's deal sync reports permission errors, grant the object and field access it needs on Opportunity "
            "explicitly, or connect HubSpot with a user on the full Salesforce licence.", object="Opportunity"))
    return findings


INTEGRATION_LICENSE = Check(
    id="integration-license",
    suspension=Suspension.SF_OBJECT_PERMISSIONS,
    title="Salesforce Integration licence has the Salesforce API Integration permission set licence",
    remediation=PSL_HOW_TO.format(user="<integration user>"),
    run=_run_integration_license,
    requires=("user",),
)

# ------------------------------------------------------------------------ integration-user-posture

# Privileges that make Salesforce demand phishing-resistant MFA at UI login from July 2026 [S X4-X6, §1.2].
PRIVILEGED_PERMISSIONS = ("ModifyAllData", "ViewAllData", "CustomizeApplication", "AuthorApex")
_ADMIN_PROFILE = "System Administrator"


def _run_posture(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    user = snapshot.user
    assert not isinstance(user, Unavailable)  # required (with sources): the engine reports it once
    held = [(p, system_permission_sources(snapshot, p)) for p in PRIVILEGED_PERMISSIONS]
    held = [(p, granted) for p, granted in held if granted]
    admin = (user.profile_name or "").lower() == _ADMIN_PROFILE.lower()
    if not held and not admin:
        return [INTEGRATION_USER_POSTURE.finding(
            Status.PASS, f"{user_name(snapshot)} holds none of System Administrator, {join(list(PRIVILEGED_PERMISSIONS))}.")]
    what = ([f"the '{_ADMIN_PROFILE}' profile"] if admin else []) + [p for p, _ in held]
    granted_by = tuple(dict.fromkeys(source for _, granted in held for source in granted))
    if admin:
        granted_by = (f"profile '{user.profile_name}'", *granted_by)
    return [INTEGRATION_USER_POSTURE.finding(
        Status.WARN,
        f"{user_name(snapshot)} holds {join(what)}: from July 2026 Salesforce requires phishing-resistant MFA "
        "(a security key or passkey) for such users at the UI login that HubSpot's connect and reconnect use.",
        "Before connecting or reconnecting HubSpot, register a security key or passkey for this user, or remove "
        "these privileges from the integration user (HubSpot needs object and field access, not administration).",
        sources=granted_by)]


INTEGRATION_USER_POSTURE = Check(
    id="integration-user-posture",
    suspension=None,
    category=Category.CONNECTION_RISK,
    family="sync",
    title="Integration user's privileges and phishing-resistant MFA at (re)connect",
    remediation="Register a security key or passkey for the integration user, or remove admin privileges from it.",
    run=_run_posture,
    requires=("user", "sources"),
)
