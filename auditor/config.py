"""What the audit checks against: scope, field mappings and thresholds (pure values)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Direction(str, Enum):
    """Sync direction of one mapping; decides whether the field needs Read, Edit or both."""

    TO_HUBSPOT = "salesforce_to_hubspot"  # Salesforce -> HubSpot: needs Read
    TO_SALESFORCE = "hubspot_to_salesforce"  # HubSpot -> Salesforce: needs Edit
    TWO_WAY = "two_way"  # both

    @property
    def needs_read(self) -> bool:
        return True  # Edit requires Read in Salesforce, so every direction needs Read

    @property
    def needs_edit(self) -> bool:
        return self is not Direction.TO_HUBSPOT


@dataclass(frozen=True)
class FieldMapping:
    hubspot_object: str  # "contacts"
    hubspot_property: str  # "email"
    sobject: str  # "Contact"
    field: str  # "Email" (API name, unqualified)
    direction: Direction = Direction.TWO_WAY

    @property
    def qualified(self) -> str:
        return f"{self.sobject}.{self.field}"


@dataclass(frozen=True)
class ObjectRequirement:
    """The object permissions HubSpot needs on one synced object."""

    sobject: str
    read: bool = True
    create: bool = False
    edit: bool = False

    def needed(self) -> tuple[str, ...]:
        return tuple(
            name for name, wanted in (("Read", self.read), ("Create", self.create), ("Edit", self.edit)) if wanted
        )


# HubSpot's article lists Leads, Contacts, Accounts, Opportunities, Campaigns, Tasks and Users.
# Create is required where HubSpot creates records; Campaign needs Read and Edit (HubSpot adds
# members to campaigns); User needs Read (owners are matched by user).
DEFAULT_OBJECTS: tuple[ObjectRequirement, ...] = (
    ObjectRequirement("Lead", create=True, edit=True),
    ObjectRequirement("Contact", create=True, edit=True),
    ObjectRequirement("Account", create=True, edit=True),
    ObjectRequirement("Opportunity", create=True, edit=True),
    ObjectRequirement("Campaign", edit=True),
    ObjectRequirement("Task", create=True, edit=True),
    ObjectRequirement("User"),
)


@dataclass(frozen=True)
class AuditConfig:
    objects: tuple[ObjectRequirement, ...] = DEFAULT_OBJECTS
    mappings: tuple[FieldMapping, ...] = ()
    mappings_source: str = "HubSpot standard mappings"
    headroom_percent: float = 10.0  # warn when less than this share of a limit is left
    hubspot_allocation: int | None = None  # calls per rolling 24 h configured in HubSpot
    expected_records: int | None = None  # records the initial sync will create in Salesforce
    calls_per_record: int = 4  # HubSpot's rule of thumb: up to 4 API calls per synced contact
    record_size_kb: int = 2  # Salesforce counts most records as 2 KB of data storage
    checks_disabled: frozenset[str] = field(default_factory=frozenset)
    # Warn when every grant of a needed permission comes from assignments expiring within this many days.
    expiry_warning_days: int = 14

    def requirement(self, sobject: str) -> ObjectRequirement | None:
        for requirement in self.objects:
            if requirement.sobject.lower() == sobject.lower():
                return requirement
        return None

    def objects_in_scope(self) -> tuple[str, ...]:
        """Synced objects plus every object a mapping names, in a stable order."""
        names = [r.sobject for r in self.objects]
        for mapping in self.mappings:
            if mapping.sobject.lower() not in {n.lower() for n in names}:
                names.append(mapping.sobject)
        return tuple(names)
