"""Describe results shaped like Salesforce's REST describe (sobjects/{Name}/describe).

Every field entry carries the full key set Salesforce returns (see reference §1.4 and the
DescribeFieldResult of the SOAP/REST API); objects carry the documented object-level keys. The
field lists are trimmed to the fields the audit reads plus the system fields every object has.
"""

from __future__ import annotations

from typing import Any

_SOAP_TYPES = {
    "id": "tns:ID", "reference": "tns:ID", "string": "xsd:string", "picklist": "xsd:string",
    "textarea": "xsd:string", "email": "xsd:string", "phone": "xsd:string", "url": "xsd:string",
    "boolean": "xsd:boolean", "datetime": "xsd:dateTime", "date": "xsd:date", "currency": "xsd:double",
    "double": "xsd:double", "int": "xsd:int", "multipicklist": "xsd:string", "address": "urn:address",
}
_LENGTHS = {"id": 18, "reference": 18, "string": 255, "picklist": 255, "textarea": 32000, "email": 80,
            "phone": 40, "url": 255, "multipicklist": 4099}

KEY_PREFIXES = {"Lead": "00Q", "Contact": "003", "Account": "001", "Opportunity": "006", "Campaign": "701",
                "Task": "00T", "User": "005", "Region__c": "a01", "Territory__c": "a02"}


def field(name: str, type_: str, label: str | None = None, *, reference_to: tuple[str, ...] = (),
          required: bool = False, permissionable: bool | None = None, calculated: bool = False,
          createable: bool = True, updateable: bool = True, defaulted: bool = False,
          custom: bool | None = None, relationship_name: str | None = None,
          compound: str | None = None) -> dict[str, Any]:
    """One DescribeFieldResult. Required and system fields are not permissionable [C §1.4]; ``compound``
    is describe's compoundFieldName (an address component's compound, or "Name" for a name part)."""
    is_custom = name.endswith("__c") if custom is None else custom
    polymorphic = len(reference_to) > 1
    if type_ == "reference" and relationship_name is None:
        relationship_name = name[:-3] + "__r" if is_custom else (name[:-2] if name.endswith("Id") else name)
    length = 0 if type_ in ("reference", "id") else _LENGTHS.get(type_, 0)
    return {
        "aggregatable": type_ not in ("textarea",), "aiPredictionField": False, "autoNumber": False,
        "byteLength": length * 3 if length else (18 if type_ in ("id", "reference") else 0),
        "calculated": calculated, "calculatedFormula": "TODAY() - DATEVALUE(CreatedDate)" if calculated else None,
        "cascadeDelete": False, "caseSensitive": False, "compoundFieldName": compound, "controllerName": None,
        "createable": createable and not calculated, "custom": is_custom, "defaultValue": None,
        "defaultValueFormula": None, "defaultedOnCreate": defaulted, "dependentPicklist": False,
        "deprecatedAndHidden": False, "digits": 9 if type_ == "int" else 0, "displayLocationInDecimal": False,
        "encrypted": False, "externalId": False, "extraTypeInfo": "personname" if name in ("FirstName", "LastName") else None,
        "filterable": type_ != "textarea", "filteredLookupInfo": None, "formulaTreatNullNumberAsZero": False,
        "groupable": type_ not in ("textarea", "currency", "double", "datetime"), "highScaleNumber": False,
        "htmlFormatted": False, "idLookup": type_ == "id" or name in ("Email", "Username"), "inlineHelpText": None,
        "label": label or name, "length": length, "mask": None, "maskType": None, "name": name,
        "nameField": name == "Name", "namePointing": polymorphic, "nillable": not required and type_ != "boolean",
        "permissionable": (not required and type_ != "id") if permissionable is None else permissionable,
        "picklistValues": [], "polymorphicForeignKey": polymorphic,
        "precision": 18 if type_ == "currency" else 0, "queryByDistance": type_ == "address", "referenceTargetField": None,
        "referenceTo": list(reference_to), "relationshipName": relationship_name, "relationshipOrder": None,
        "restrictedDelete": False, "restrictedPicklist": False, "scale": 2 if type_ == "currency" else 0,
        "searchPrefilterable": type_ == "reference", "soapType": _SOAP_TYPES[type_], "sortable": type_ != "textarea",
        "type": type_, "unique": False, "updateable": updateable and not calculated,
        "writeRequiresMasterRead": False,
    }


def name_fields() -> list[dict[str, Any]]:
    """Lead and Contact name parts, as real describes answer them: not permissionable, compound "Name"
    [C real describes, tests/real_samples/describe__Contact__cumulusci.json]."""
    return [
        field("LastName", "string", "Last Name", required=True, compound="Name"),
        field("FirstName", "string", "First Name", permissionable=False, compound="Name"),
        field("Salutation", "picklist", permissionable=False, compound="Name"),
        field("Name", "string", "Full Name", required=True, createable=False, updateable=False),
    ]


def address_fields(prefix: str, label: str, *, compound: str | None = None) -> list[dict[str, Any]]:
    """An address's components and its compound field, as real describes answer them: every component
    permissionable with compoundFieldName naming the compound; the compound of type address,
    permissionable, neither createable nor updateable [C real describes, reference §2.7]. FieldPermissions
    rows exist for the compound only (tests/real_samples/query__FieldPermissions__semijoin_v49__mohan.txt)."""
    compound = compound or f"{prefix}Address"
    spaced = f"{label} " if label else ""
    parts = [("Street", "textarea", "Street"), ("City", "string", "City"), ("State", "string", "State/Province"),
             ("PostalCode", "string", "Zip/Postal Code"), ("Country", "string", "Country"),
             ("Latitude", "double", "Latitude"), ("Longitude", "double", "Longitude"),
             ("GeocodeAccuracy", "picklist", "Geocode Accuracy")]
    return [field(f"{prefix}{part}", type_, f"{spaced}{text}", compound=compound) for part, type_, text in parts] + [
        field(compound, "address", f"{spaced}Address" if label else "Address", createable=False, updateable=False)]


def picklist_values(*values: str, inactive: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """describe's picklistValues entries [C salesforce-api.md §1.4]."""
    return [{"active": value not in inactive, "defaultValue": False, "label": value, "validFor": None, "value": value}
            for value in (*values, *inactive)]


def system_fields() -> list[dict[str, Any]]:
    return [
        field("Id", "id", "Record ID", required=True, createable=False, updateable=False, permissionable=False),
        field("IsDeleted", "boolean", "Deleted", createable=False, updateable=False, permissionable=False),
        field("CreatedDate", "datetime", "Created Date", required=True, createable=False, updateable=False, defaulted=True),
        field("CreatedById", "reference", "Created By ID", reference_to=("User",), required=True, createable=False,
              updateable=False, defaulted=True),
        field("LastModifiedDate", "datetime", "Last Modified Date", required=True, createable=False, updateable=False, defaulted=True),
        field("SystemModstamp", "datetime", "System Modstamp", required=True, createable=False, updateable=False, defaulted=True),
    ]


STANDARD_FIELDS: dict[str, list[dict[str, Any]]] = {
    "Lead": [
        *name_fields(), field("Title", "string"), field("Company", "string", required=True),
        *address_fields("", ""), field("Phone", "phone", "Business Phone"),
        field("Fax", "phone", "Business Fax"), field("Email", "email"), field("Website", "url"),
        field("Description", "textarea"), field("LeadSource", "picklist", "Lead Source"),
        field("Status", "picklist", required=True, defaulted=True), field("Industry", "picklist"),
        field("Rating", "picklist"), field("AnnualRevenue", "currency", "Annual Revenue"),
        field("NumberOfEmployees", "int", "Employees"),
        field("OwnerId", "reference", "Owner ID", reference_to=("Group", "User"), required=True, defaulted=True),
        field("HasOptedOutOfEmail", "boolean", "Email Opt Out"),
        field("Days_Open__c", "double", "Days Open", calculated=True),
    ],
    "Contact": [
        *name_fields(), field("Title", "string"),
        field("AccountId", "reference", "Account ID", reference_to=("Account",)),
        field("OwnerId", "reference", "Owner ID", reference_to=("User",), required=True, defaulted=True),
        field("Phone", "phone", "Business Phone"), field("Fax", "phone", "Business Fax"),
        *address_fields("Mailing", "Mailing"), *address_fields("Other", "Other"), field("Email", "email"),
        field("LeadSource", "picklist", "Lead Source"), field("Description", "textarea", "Contact Description"),
        field("HasOptedOutOfEmail", "boolean", "Email Opt Out"),
    ],
    "Account": [
        field("Name", "string", "Account Name", required=True, compound="Name"), field("Website", "url"),
        field("Phone", "phone"),
        field("Industry", "picklist"),
        field("OwnerId", "reference", "Owner ID", reference_to=("User",), required=True, defaulted=True),
        *address_fields("Billing", "Billing"), *address_fields("Shipping", "Shipping"),
    ],
    "Opportunity": [
        field("Name", "string", required=True), field("StageName", "picklist", "Stage", required=True),
        field("CloseDate", "date", "Close Date", required=True), field("Amount", "currency"),
        field("OwnerId", "reference", "Owner ID", reference_to=("User",), required=True, defaulted=True),
        field("AccountId", "reference", "Account ID", reference_to=("Account",)),
        field("CampaignId", "reference", "Campaign ID", reference_to=("Campaign",)),
    ],
    "Campaign": [
        field("Name", "string", required=True), field("Status", "picklist"), field("Type", "picklist"),
        field("IsActive", "boolean", "Active"),
        field("OwnerId", "reference", "Owner ID", reference_to=("User",), required=True, defaulted=True),
    ],
    "Task": [
        field("Subject", "string"), field("Status", "picklist", required=True, defaulted=True),
        field("Priority", "picklist", required=True, defaulted=True), field("Type", "picklist"),
        field("ActivityDate", "date", "Due Date Only"), field("Description", "textarea", "Comments"),
        field("WhoId", "reference", "Name ID", reference_to=("Contact", "Lead")),
        field("WhatId", "reference", "Related To ID", reference_to=("Account", "Opportunity", "Campaign", "Case", "Contract")),
        field("OwnerId", "reference", "Assigned To ID", reference_to=("Group", "User"), required=True, defaulted=True),
    ],
    "User": [
        field("Username", "string", required=True), field("LastName", "string", "Last Name", required=True),
        field("FirstName", "string", "First Name"), field("Name", "string", "Full Name", createable=False, updateable=False),
        field("Email", "email", required=True), field("IsActive", "boolean", "Active"),
        field("ProfileId", "reference", "Profile ID", reference_to=("Profile",), required=True),
        field("UserType", "picklist", "User Type", createable=False, updateable=False),
    ],
    "Region__c": [
        field("Name", "string", "Region Name", required=True, custom=False),
        field("Territory__c", "reference", "Territory", reference_to=("Territory__c",)),
        field("Code__c", "string", "Code"),
    ],
    "Territory__c": [
        field("Name", "string", "Territory Name", required=True, custom=False),
    ],
}

LABELS = {"Lead": ("Lead", "Leads"), "Contact": ("Contact", "Contacts"), "Account": ("Account", "Accounts"),
          "Opportunity": ("Opportunity", "Opportunities"), "Campaign": ("Campaign", "Campaigns"),
          "Task": ("Task", "Tasks"), "User": ("User", "Users"), "Region__c": ("Region", "Regions"),
          "Territory__c": ("Territory", "Territories")}


def describe(name: str, version: str, *, extra_fields: list[dict[str, Any]] | None = None,
             hidden_fields: frozenset[str] = frozenset(), read_only_fields: frozenset[str] = frozenset(),
             createable: bool = True, updateable: bool = True,
             field_overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A DescribeSObjectResult. ``hidden_fields`` are left out, as Salesforce leaves out fields
    hidden from the requesting user by field-level security [S Z-FLS]; ``read_only_fields`` answer
    createable/updateable false (read-only for the requesting user, reference §7 item 2 [U])."""
    label, plural = LABELS.get(name, (name, name + "s"))
    fields = system_fields() + [dict(f) for f in STANDARD_FIELDS.get(name, [])] + list(extra_fields or [])
    fields = [f for f in fields if f["name"] not in hidden_fields]
    fields = [dict(f, createable=False, updateable=False) if f["name"] in read_only_fields else f for f in fields]
    # Issue 15: e.g. {"LeadSource": {"restrictedPicklist": True, "picklistValues": [...]}}.
    fields = [dict(f, **(field_overrides or {}).get(f["name"], {})) for f in fields]
    custom = name.endswith("__c")
    base = f"/services/data/v{version}/sobjects/{name}"
    return {
        "actionOverrides": [], "activateable": False, "associateEntityType": None, "associateParentEntity": None,
        "childRelationships": [], "compactLayoutable": True, "createable": createable, "custom": custom,
        "customSetting": False, "dataTranslationEnabled": False, "deepCloneable": False, "defaultImplementation": None,
        "deletable": createable, "deprecatedAndHidden": False, "extendedBy": None, "extendsInterfaces": None,
        "feedEnabled": not custom, "fields": fields, "hasSubtypes": False, "implementedBy": None,
        "implementsInterfaces": None, "isInterface": False, "isSubtype": False, "keyPrefix": KEY_PREFIXES.get(name, "a09"),
        "label": label, "labelPlural": plural, "layoutable": True, "listviewable": None, "lookupLayoutable": None,
        "mergeable": name in ("Lead", "Contact", "Account"), "mruEnabled": True, "name": name, "namedLayoutInfos": [],
        "networkScopeFieldName": None, "queryable": True, "recordTypeInfos": [], "replicateable": True,
        "retrieveable": True, "searchLayoutable": True, "searchable": True, "sobjectDescribeOption": "FULL",
        "supportedScopes": [{"label": "All " + plural.lower(), "name": "everything"}], "triggerable": True,
        "undeletable": createable, "updateable": updateable,
        "urls": {"compactLayouts": f"{base}/describe/compactLayouts", "rowTemplate": f"{base}/{{ID}}",
                 "approvalLayouts": f"{base}/describe/approvalLayouts", "uiDetailTemplate": None,
                 "uiEditTemplate": None, "defaultValues": f"{base}/defaultValues?recordTypeId&fields",
                 "describe": f"{base}/describe", "uiNewRecord": None, "quickActions": f"{base}/quickActions",
                 "layouts": f"{base}/describe/layouts", "sobject": base},
    }
