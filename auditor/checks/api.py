"""SF_API_DISABLED: can the integration user use the API at all?"""

from __future__ import annotations

from auditor.checks.base import (
    Check,
    expiry_warning,
    join,
    missing_sources,
    permission_set_to_edit,
    user_name,
)
from auditor.config import AuditConfig
from auditor.model import Finding, Status
from auditor.permissions import system_permission_sources
from auditor.snapshot import OrgInfo, OrgSnapshot, Unavailable, UserInfo
from auditor.suspensions import Suspension

_REENTER = "then re-enter the Salesforce credentials in HubSpot"


def _grant_api_enabled(snapshot: OrgSnapshot) -> str:
    return (
        f"Setup > Users > Permission Sets > {permission_set_to_edit(snapshot)} > System Permissions > Edit: "
        f"enable API Enabled and make sure the set is assigned to {user_name(snapshot)} (Manage Assignments); "
        f"{_REENTER}."
    )


def _run_api_enabled(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    refusal = snapshot.api_refusal
    if refusal is not None:
        when = "at login" if refusal.at_login else "on the first request"
        said = f"Salesforce refused API access {when} ({refusal.error_code}: {refusal.message})"
        if refusal.error_code == "API_CURRENTLY_DISABLED":
            message = f"{said}: {user_name(snapshot)} lacks API Enabled."
            return [API_ENABLED.finding(Status.FAIL, message, _grant_api_enabled(snapshot))]
        edition = f" The org is {snapshot.org.edition}." if isinstance(snapshot.org, OrgInfo) else ""
        if refusal.error_code == "API_DISABLED_FOR_ORG":
            message = (
                f"{said}. Over REST this cannot tell whether the org's edition has no API (Professional "
                f"without the API add-on, Group, Essentials) or {user_name(snapshot)} lacks API Enabled.{edition}"
            )
            remediation = (
                f"If the user lacks it: {_grant_api_enabled(snapshot)} If the edition has no API: buy the API "
                "add-on (Professional Edition) or move to Enterprise Edition or above; Group and Essentials "
                "editions cannot use the integration."
            )
            return [API_ENABLED.finding(Status.FAIL, message, remediation)]
        return [API_ENABLED.finding(Status.FAIL, f"{said}.{edition}", _grant_api_enabled(snapshot))]

    granted = system_permission_sources(snapshot, "ApiEnabled")
    if granted:
        expiring = expiry_warning(API_ENABLED, snapshot, config, "API Enabled", granted)
        return [expiring or API_ENABLED.finding(Status.PASS, f"API Enabled is granted by {join(granted)}.", sources=granted)]
    return [
        API_ENABLED.finding(
            Status.FAIL,
            f"Nothing grants API Enabled to {user_name(snapshot)}: HubSpot cannot call Salesforce.",
            _grant_api_enabled(snapshot),
            sources=missing_sources(snapshot),
        )
    ]


API_ENABLED = Check(
    id="api-enabled",
    suspension=Suspension.SF_API_DISABLED,
    title="The integration user has API Enabled and the org has API access",
    remediation=(
        "Add API Enabled to a permission set assigned to the integration user (Setup > Users > Permission "
        f"Sets > <set> > System Permissions); {_REENTER}."
    ),
    run=_run_api_enabled,
    requires=("sources",),
)


def _own_admin_session(snapshot: OrgSnapshot) -> Finding | None:
    """Who is audited matters: an administrator auditing their own session (no --user) sees their own access,
    not the integration user's. Said as a warn at the top of the user's findings."""
    if not snapshot.audited_connected_user or isinstance(snapshot.sources, Unavailable):
        return None
    admin = system_permission_sources(snapshot, "ModifyAllData") or system_permission_sources(snapshot, "ManageUsers")
    if not admin:
        return None
    return USER_ACTIVE.finding(
        Status.WARN,
        f"This audit is of your own session, {user_name(snapshot)}, an administrator ({join(admin)}): the verdicts "
        "are about this user, not about the user HubSpot will connect as.",
        "Log in as the integration user, or audit it from this session with --user <integration username>.",
        sources=admin,
    )


def _run_user_active(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    findings: list[Finding] = []
    user = snapshot.user
    if isinstance(user, UserInfo) and not user.is_active:
        findings.append(
            USER_ACTIVE.finding(
                Status.FAIL,
                f"Integration user '{user.username}' is inactive: Salesforce refuses its API sessions.",
                f"Setup > Users > Users > {user.name} > Edit: tick Active; {_REENTER}.",
            )
        )
    admin_note = _own_admin_session(snapshot)
    if admin_note is not None:
        findings.append(admin_note)
    org = snapshot.org
    if isinstance(org, Unavailable):
        findings.append(USER_ACTIVE.unavailable("the Organization (trial status unknown)", org))
    elif org.trial_expiration_date and not org.is_sandbox:
        findings.append(
            USER_ACTIVE.finding(
                Status.WARN,
                f"Org '{org.name}' is a trial ({org.edition}, expires {org.trial_expiration_date}): HubSpot does "
                "not support Salesforce trial orgs, and API access ends when the trial does.",
                "Connect HubSpot to a paid production org (or a sandbox for testing).",
            )
        )
    if not findings and isinstance(org, OrgInfo):
        kind = "sandbox" if org.is_sandbox else "production org"
        findings.append(
            USER_ACTIVE.finding(
                Status.PASS,
                f"Integration user {user_name(snapshot)} is active; '{org.name}' is a {kind}, not a trial.",
            )
        )
    return findings


USER_ACTIVE = Check(
    id="user-active",
    suspension=Suspension.SF_API_DISABLED,
    title="The integration user is active and the org is not a trial",
    remediation="Activate the integration user (Setup > Users > Users > <user> > Edit: Active); use a paid org.",
    run=_run_user_active,
    requires=("user",),
)
