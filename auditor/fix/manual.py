"""Manual steps for what no permission set can do on its own: API access refused for the org (edition), the
HubSpot package's own permission set, and whether View Setup and Configuration is needed for /limits."""

from __future__ import annotations

from auditor.fix.builder import _Builder, _step, _who
from auditor.model import Finding
from auditor.permissions import system_permission_sources
from auditor.snapshot import FailureKind, OrgInfo, OrgSnapshot, Unavailable

HUBSPOT_PERMISSION_SET_NAME = "HubSpot_Integration_Permissions"  # [U: API name, reference hubspot-integration.md]


def _plan_api(builder: _Builder, finding: Finding, snapshot: OrgSnapshot) -> None:
    refusal = snapshot.api_refusal
    if refusal is None or refusal.error_code in ("API_CURRENTLY_DISABLED", "API_DISABLED_FOR_ORG"):
        builder.grant_user_permission("ApiEnabled", finding)
    if refusal is not None and refusal.error_code != "API_CURRENTLY_DISABLED":
        edition = f" (the org is {snapshot.org.edition})" if isinstance(snapshot.org, OrgInfo) else ""
        builder.manual(_step(
            finding,
            f"Salesforce refused API access for the whole org ({refusal.error_code}){edition}: if the edition has "
            "no API, no permission set helps.",
            "Check Setup > Company Settings > Company Information > Organization Edition: Professional Edition needs "
            "the API add-on (ask your Salesforce account executive), Group and Essentials editions cannot use the "
            "integration; Enterprise, Unlimited, Performance and Developer editions include the API.",
        ))


def _plan_hubspot_set(builder: _Builder, finding: Finding, snapshot: OrgSnapshot) -> None:
    package = snapshot.hubspot_package
    who = _who(snapshot)
    assign = (f"sf org assign permset --name {HUBSPOT_PERMISSION_SET_NAME} --on-behalf-of {who} "
              "--target-org <admin-alias>")
    if not isinstance(package, Unavailable) and not package.permission_set_ids:
        how = ("Reinstall or upgrade the HubSpot managed package (namespace HubSpot_Inc) so its permission set "
               f"exists, then assign it: {assign}")
    else:
        how = (f"{assign} (or Setup > Users > Permission Sets > HubSpot Integration Permissions > Manage "
               f"Assignments > Add Assignment > {who}). A managed package's set cannot be copied into this one.")
    builder.manual(_step(finding, finding.message, how))


def _view_setup_needed(snapshot: OrgSnapshot) -> bool:
    """The audit could not read /limits for lack of View Setup and Configuration, which HubSpot also needs
    [C hubspot-integration.md], and nothing grants it: only known in an own-session audit."""
    limits = snapshot.limits
    if not snapshot.audited_connected_user or isinstance(snapshot.sources, Unavailable):
        return False
    if not (isinstance(limits, Unavailable) and limits.kind is FailureKind.NO_ACCESS):
        return False
    return not system_permission_sources(snapshot, "ViewSetup")
