"""The eleven reasons HubSpot suspends its Salesforce integration.

Source: HubSpot's knowledge-base article "Resolve Salesforce integration suspension errors"
(see shared/reference/suspensions.md). The codes are the auditor's public contract: they appear
in every output format and never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Suspension(str, Enum):
    """Stable suspension codes, in HubSpot's order."""

    SF_API_LIMIT_EXCEEDED = "SF_API_LIMIT_EXCEEDED"
    SF_API_DISABLED = "SF_API_DISABLED"
    UNKNOWN_ERROR = "UNKNOWN_ERROR"
    SF_OBJECT_PERMISSIONS = "SF_OBJECT_PERMISSIONS"
    SF_FIELD_PERMISSIONS = "SF_FIELD_PERMISSIONS"
    SF_ORG_LOCKED = "SF_ORG_LOCKED"
    SF_STORAGE_LIMIT = "SF_STORAGE_LIMIT"
    SF_ORG_UNAVAILABLE = "SF_ORG_UNAVAILABLE"
    SF_SERVER_ERROR = "SF_SERVER_ERROR"
    HUBSPOT_API_LIMIT = "HUBSPOT_API_LIMIT"
    MISSING_FIELD_MAPPINGS = "MISSING_FIELD_MAPPINGS"


@dataclass(frozen=True)
class SuspensionInfo:
    code: Suspension
    label: str
    remedy: str


SUSPENSIONS: dict[Suspension, SuspensionInfo] = {
    info.code: info
    for info in (
        SuspensionInfo(
            Suspension.SF_API_LIMIT_EXCEEDED,
            "Salesforce org API limit exceeded",
            "Set an API call allocation for HubSpot; during a migration ask Salesforce support "
            "for a temporary raise.",
        ),
        SuspensionInfo(
            Suspension.SF_API_DISABLED,
            "Salesforce org API access disabled",
            "Grant API Enabled to the user's profile or a permission set, then re-enter the "
            "credentials in HubSpot.",
        ),
        SuspensionInfo(
            Suspension.UNKNOWN_ERROR,
            "Unknown error",
            "Clear Suspension; contact HubSpot support if it persists.",
        ),
        SuspensionInfo(
            Suspension.SF_OBJECT_PERMISSIONS,
            "Salesforce object permissions missing",
            "Assign the HubSpot Integration permission set; give Read and Edit on every synced "
            "object and every object reached by lookup.",
        ),
        SuspensionInfo(
            Suspension.SF_FIELD_PERMISSIONS,
            "Salesforce field permissions missing",
            "Grant field-level Read and Edit on every synced field.",
        ),
        SuspensionInfo(
            Suspension.SF_ORG_LOCKED,
            "Salesforce org locked",
            "Clear Suspension; if it persists, a Salesforce admin must release the lock.",
        ),
        SuspensionInfo(
            Suspension.SF_STORAGE_LIMIT,
            "Salesforce org storage limits exceeded",
            "Free storage (e.g. bulk-delete HubSpot-created records).",
        ),
        SuspensionInfo(
            Suspension.SF_ORG_UNAVAILABLE,
            "Salesforce org unavailable",
            "Check Salesforce's status site (status.salesforce.com).",
        ),
        SuspensionInfo(
            Suspension.SF_SERVER_ERROR,
            "Salesforce.com server error",
            "Clear Suspension; check Salesforce status or contact Salesforce support.",
        ),
        SuspensionInfo(
            Suspension.HUBSPOT_API_LIMIT,
            "HubSpot API limit exceeded",
            "Review the Salesforce API call allocation in HubSpot and raise it.",
        ),
        SuspensionInfo(
            Suspension.MISSING_FIELD_MAPPINGS,
            "Missing field mappings",
            "Restore HubSpot's standard mappings; contact HubSpot support if it persists.",
        ),
    )
}
