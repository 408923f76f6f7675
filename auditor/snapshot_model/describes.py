"""What describe said of an object and its fields (:class:`ObjectDescribe`, :class:`FieldDescribe`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldDescribe:
    name: str
    label: str
    type: str
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    permissionable: bool = True
    calculated: bool = False
    createable: bool = True
    updateable: bool = True
    nillable: bool = True
    defaulted_on_create: bool = False
    polymorphic: bool = False
    # describe's compoundFieldName: "MailingAddress" for MailingCity, "Name" for FirstName [C real describes,
    # reference §2.7]. Field-level security of an address component lives on its compound only.
    compound_field_name: str | None = None
    # Issue 15 (sync-error risks): describe's restrictedPicklist and the active picklistValues [C §3.4].
    restricted_picklist: bool = False
    picklist_values: tuple[str, ...] = ()  # active values only, in describe order

    def custom_name(self) -> bool:
        """A custom field (API name ending in __c)."""
        return self.name.lower().endswith("__c")


@dataclass(frozen=True)
class ObjectDescribe:
    name: str
    label: str
    custom: bool
    queryable: bool
    createable: bool
    updateable: bool
    fields: tuple[FieldDescribe, ...]

    def field(self, name: str) -> FieldDescribe | None:
        wanted = name.lower()
        for candidate in self.fields:
            if candidate.name.lower() == wanted:
                return candidate
        return None
