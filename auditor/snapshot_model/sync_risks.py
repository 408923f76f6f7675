"""What the sync round reads for the sync-error risk checks (issue 15): validation rules, duplicate rules,
permission set licences and record-triggered flows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationRuleInfo:
    """An active validation rule on a synced object (Tooling ``ValidationRule`` [C F5])."""

    id: str
    sobject: str  # EntityDefinition.QualifiedApiName
    name: str  # ValidationName
    error_message: str | None
    error_display_field: str | None  # a field API name, or None (top of page)
    formula: str | None  # Metadata.errorConditionFormula; None when that record's GET failed
    namespace_prefix: str | None = None


@dataclass(frozen=True)
class DuplicateRuleInfo:
    """One duplicate rule of an object, from the UI API duplicates resource [C F6b/F6c]."""

    name: str
    active: bool
    action_on_insert: str | None  # "Allow" or "Block"
    action_on_update: str | None

    @property
    def blocks(self) -> bool:
        return self.active and any((a or "").lower() == "block" for a in (self.action_on_insert, self.action_on_update))


@dataclass(frozen=True)
class PermissionSetLicenseGrant:
    """A permission set licence assigned to the user (``PermissionSetLicenseAssign`` [U object name])."""

    developer_name: str | None  # e.g. SalesforceAPIIntegrationPsl [S]
    label: str | None  # MasterLabel, e.g. "Salesforce API Integration"
    # PermissionSetLicense.MaximumPermissions<Name> [C field existence F10; values U]: True/False as read,
    # a name absent = not read.
    maximum_permissions: tuple[tuple[str, bool], ...] = ()

    def allows(self, permission: str) -> bool | None:
        return dict(self.maximum_permissions).get(permission)


@dataclass(frozen=True)
class RecordFlow:
    """An active record-triggered flow (``FlowDefinitionView`` [C object; S trigger fields, §3.1])."""

    api_name: str
    label: str
    sobject: str | None  # the trigger object (by id/API name, else label); None when not said
    trigger_type: str  # RecordBeforeSave, RecordAfterSave, RecordBeforeDelete
    record_trigger_type: str | None  # Create, Update, CreateAndUpdate, Delete
    namespace_prefix: str | None = None
