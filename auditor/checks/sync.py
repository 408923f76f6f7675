"""Sync-error risks (issue 15): what makes Salesforce reject the records HubSpot writes.

Not suspensions: every finding is ``warn`` (or ``error`` when its input could not be read), category
SYNC_ERROR_RISK, ``suspension`` None. Facts: shared/reference/admin-and-sync-facts.md §3.2-3.5.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from auditor.checks.base import NOT_COLLECTED_REASON, Check, SnapshotPart, join
from auditor.config import AuditConfig, FieldMapping
from auditor.model import Category, Finding, Status
from auditor.snapshot import FailureKind, FieldDescribe, ObjectDescribe, OrgSnapshot, Unavailable

FAMILY = "sync"
# Objects HubSpot creates records in (contacts -> Lead/Contact, companies -> Account, deals -> Opportunity).
CREATED_OBJECTS = ("Lead", "Contact", "Account", "Opportunity")
DUPLICATE_RULE_OBJECTS = ("Lead", "Contact", "Account")  # duplicate rules HubSpot's writes meet [C F6]
_PICKLIST_TYPES = frozenset({"picklist", "multipicklist"})
_SHOWN_VALUES = 25


def not_collected() -> Unavailable:
    """The part a check needs is not in the snapshot: the audit stopped before reading it (an outage), or the
    snapshot was saved before the check existed."""
    return Unavailable(FailureKind.NOT_COLLECTED, NOT_COLLECTED_REASON)


def _risk(check_id: str, title: str, remediation: str, run: Callable[[OrgSnapshot, AuditConfig], list[Finding]],
          requires: tuple[SnapshotPart, ...]) -> Check:
    # ``requires``: one "not evaluated" finding when the input is unreadable as a whole (issue 9's engine).
    return Check(id=check_id, suspension=None, category=Category.SYNC_ERROR_RISK, family=FAMILY, title=title,
                 remediation=remediation, run=run, requires=requires)


def _filled_by(config: AuditConfig, sobject: str, field: str) -> list[FieldMapping]:
    """Mappings through which HubSpot writes ``sobject.field``."""
    return [m for m in config.mappings if m.sobject.lower() == sobject.lower() and m.field.lower() == field.lower()
            and m.direction.needs_edit]


def _in_scope(snapshot: OrgSnapshot, config: AuditConfig, names: tuple[str, ...]) -> list[tuple[str, ObjectDescribe | Unavailable]]:
    scope = {n.lower() for n in config.objects_in_scope()}
    found = []
    for name in names:
        described = snapshot.describe(name)
        if name.lower() in scope and described is not None:
            found.append((name, described))
    return found


# --------------------------------------------------------------------------- sync-required-fields


def _required_unfilled(describe: ObjectDescribe, config: AuditConfig) -> list[FieldDescribe]:
    return [f for f in describe.fields
            # A checkbox is never null (it defaults to false), and calculated fields are not written [C §1.4].
            if not f.nillable and not f.defaulted_on_create and f.createable and not f.calculated
            and f.type not in ("boolean", "id") and not _filled_by(config, describe.name, f.name)]


def _run_required_fields(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    findings = []
    for name, described in _in_scope(snapshot, config, CREATED_OBJECTS):
        if isinstance(described, Unavailable):
            findings.append(SYNC_REQUIRED_FIELDS.unavailable(f"the describe of {name}", described, object=name))
            continue
        missing = _required_unfilled(described, config)
        if not missing:
            findings.append(SYNC_REQUIRED_FIELDS.finding(
                Status.PASS, f"Every field required on {name} is defaulted or filled by a mapping.", object=name))
        for f in missing:
            findings.append(SYNC_REQUIRED_FIELDS.finding(
                Status.WARN,
                f"{name}.{f.name} ({f.label}) is required when a record is created, has no default, and no HubSpot "
                f"property is mapped to it: every {name} HubSpot creates without it is rejected.",
                f"Map a HubSpot property to {name}.{f.name} (and make that property required where HubSpot records are "
                "created), give the field a default value, or make it not required (Setup > Object Manager > "
                f"{name} > Fields & Relationships).",
                object=name, field=f"{name}.{f.name}"))
    return findings


SYNC_REQUIRED_FIELDS = _risk(
    "sync-required-fields", "Required fields HubSpot does not fill on objects it creates records in",
    "Map a HubSpot property to each required field, give it a default, or make it not required.", _run_required_fields,
    ("describes",))


# --------------------------------------------------------------------------- sync-restricted-picklists


def _values(values: tuple[str, ...]) -> str:
    shown = ", ".join(values[:_SHOWN_VALUES])
    return shown + (f" and {len(values) - _SHOWN_VALUES} more" if len(values) > _SHOWN_VALUES else "") if values else "(none active)"


def _run_restricted_picklists(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    findings: list[Finding] = []
    checked = 0
    unreadable: set[str] = set()
    for mapping in config.mappings:
        if not mapping.direction.needs_edit:
            continue
        described = snapshot.describe(mapping.sobject)
        if described is None:
            continue
        if isinstance(described, Unavailable):
            if mapping.sobject.lower() not in unreadable:  # one cause, one finding: per object, not per field
                unreadable.add(mapping.sobject.lower())
                findings.append(SYNC_RESTRICTED_PICKLISTS.unavailable(
                    f"the describe of {mapping.sobject}", described, object=mapping.sobject))
            continue
        f = described.field(mapping.field)
        if f is None or f.type not in _PICKLIST_TYPES:
            continue
        checked += 1
        if f.restricted_picklist:
            findings.append(SYNC_RESTRICTED_PICKLISTS.finding(
                Status.WARN,
                f"{mapping.qualified} is a restricted picklist: Salesforce rejects any value HubSpot's "
                f"'{mapping.hubspot_property}' sends that is not one of its active values: {_values(f.picklist_values)}.",
                f"Make HubSpot's '{mapping.hubspot_property}' property ({mapping.hubspot_object}) a dropdown whose option "
                f"values match these exactly, or add the missing values to {mapping.qualified} in Salesforce.",
                object=mapping.sobject, field=mapping.qualified))
    if not findings:
        findings.append(SYNC_RESTRICTED_PICKLISTS.finding(
            Status.PASS, f"None of the {checked} picklists HubSpot writes is restricted."))
    return findings


SYNC_RESTRICTED_PICKLISTS = _risk(
    "sync-restricted-picklists", "Mapped fields that are restricted picklists",
    "Align the HubSpot property's options with the picklist's active values.", _run_restricted_picklists,
    ("describes",))


# --------------------------------------------------------------------------- sync-state-country-picklists

# StateCode/CountryCode on Lead, MailingStateCode... on Contact, BillingCountryCode... on Account [S X40].
_CODE_FIELD = re.compile(r"^(?:[A-Za-z]*)(?:State|Country)Code$")


def _run_state_country(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    fields: list[str] = []
    read_any = False
    failures: list[tuple[str, Unavailable]] = []
    for name, described in _in_scope(snapshot, config, DUPLICATE_RULE_OBJECTS):
        if isinstance(described, Unavailable):
            failures.append((name, described))
            continue
        read_any = True
        fields += [f"{name}.{f.name}" for f in described.fields if f.type == "picklist" and _CODE_FIELD.match(f.name)]
    if fields:
        return [SYNC_STATE_COUNTRY.finding(
            Status.WARN,
            f"State and Country/Territory picklists are enabled ({join(fields)}): Salesforce rejects a state or country "
            "HubSpot sends that is not one of the picklists' integration values, and a state without a country.",
            "Make HubSpot's State/Region and Country properties dropdowns whose values are Salesforce's integration "
            "values (Setup > State and Country/Territory Picklists), and always send a country with a state.")]
    if not read_any and failures:
        name, failure = failures[0]
        return [SYNC_STATE_COUNTRY.unavailable(f"the describe of {name}", failure, object=name)]
    return [SYNC_STATE_COUNTRY.finding(Status.PASS, "State and Country/Territory picklists are not enabled.")]


SYNC_STATE_COUNTRY = _risk(
    "sync-state-country-picklists", "State and Country/Territory picklists enabled",
    "Send Salesforce's integration values from HubSpot's State/Region and Country properties.", _run_state_country,
    ("describes",))


# --------------------------------------------------------------------------- sync-validation-rules


def _mapped_in(formula: str | None, sobject: str, config: AuditConfig) -> list[FieldMapping]:
    if not formula:
        return []
    return [m for m in config.mappings if m.sobject.lower() == sobject.lower()
            and re.search(rf"(?<![\w.]){re.escape(m.field)}(?!\w)", formula, re.IGNORECASE)]


def _run_validation_rules(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    rules = snapshot.validation_rules
    assert rules is not None and not isinstance(rules, Unavailable)  # required: the engine reports it once
    scope = {n.lower() for n in config.objects_in_scope()}
    findings = []
    for rule in sorted(rules, key=lambda r: (r.sobject, r.name)):
        if rule.sobject.lower() not in scope:
            continue
        mapped = _mapped_in(rule.formula, rule.sobject, config)
        uses = (f" Its formula uses mapped field{'s' if len(mapped) > 1 else ''} "
                f"{join([f'{m.qualified} (HubSpot {m.hubspot_property!r})' for m in mapped])}." if mapped else "")
        formula = f" Formula: {rule.formula}" if rule.formula else " (Its formula could not be read.)"
        findings.append(SYNC_VALIDATION_RULES.finding(
            Status.WARN,
            f"Active validation rule '{rule.name}' on {rule.sobject} rejects a HubSpot write that meets its condition, "
            f"with the error \"{rule.error_message or ''}\".{uses}{formula}",
            f"Setup > Object Manager > {rule.sobject} > Validation Rules > {rule.name}: make sure HubSpot's records "
            "satisfy it (or exclude the integration user in the formula, e.g. $User.Username), or deactivate it.",
            object=rule.sobject, field=f"{rule.sobject}.{rule.error_display_field}" if rule.error_display_field else None))
    if not findings:
        findings.append(SYNC_VALIDATION_RULES.finding(Status.PASS, "No active validation rules on the synced objects."))
    return findings


SYNC_VALIDATION_RULES = _risk(
    "sync-validation-rules", "Active validation rules on the synced objects",
    "Make HubSpot's records satisfy each active validation rule, or exclude the integration user from it.",
    _run_validation_rules, ("validation_rules",))


# --------------------------------------------------------------------------- sync-duplicate-rules


def _run_duplicate_rules(snapshot: OrgSnapshot, config: AuditConfig) -> list[Finding]:
    per_object = snapshot.duplicate_rules
    assert per_object is not None  # required: the engine reports a snapshot without it once
    findings = []
    if not per_object:
        return [SYNC_DUPLICATE_RULES.finding(Status.PASS, "None of Lead, Contact, Account is synced: no duplicate rules to check.")]
    unreadable = [(sobject, rules) for sobject, rules in per_object if isinstance(rules, Unavailable)]
    if unreadable:  # one cause, one finding: the resource refused for every object alike, typically
        names = [sobject for sobject, _ in unreadable]
        first = unreadable[0][1]
        assert isinstance(first, Unavailable)
        findings.append(SYNC_DUPLICATE_RULES.unavailable(
            f"the duplicate rules of {join(names)} (UI API ui-api/duplicates, API v50+)", first,
            "Not evaluated: check Setup > Duplicate Management > Duplicate Rules by hand for active rules whose "
            "action on create or edit is Block.", object=names[0] if len(names) == 1 else None))
    for sobject, rules in per_object:
        if isinstance(rules, Unavailable):
            continue
        blocking = [r for r in rules if r.blocks]
        if not blocking:
            findings.append(SYNC_DUPLICATE_RULES.finding(
                Status.PASS, f"No active duplicate rule on {sobject} blocks a create or an edit.", object=sobject))
        for rule in blocking:
            when = join([w for w, action in (("create", rule.action_on_insert), ("edit", rule.action_on_update))
                         if (action or "").lower() == "block"])
            findings.append(SYNC_DUPLICATE_RULES.finding(
                Status.WARN,
                f"Active duplicate rule '{rule.name}' on {sobject} blocks a {when} that matches an existing record: "
                f"HubSpot's {sobject} writes that match fail with a duplicate error.",
                f"Setup > Duplicate Management > Duplicate Rules > {rule.name}: set the action to Allow (with an alert "
                "or report) for the integration user, or dedupe in HubSpot before syncing.", object=sobject))
    return findings


SYNC_DUPLICATE_RULES = _risk(
    "sync-duplicate-rules", "Duplicate rules that block creates or edits",
    "Set blocking duplicate rules to Allow with an alert for the integration user.", _run_duplicate_rules,
    ("duplicate_rules",))
