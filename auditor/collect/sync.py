"""The sync round (issue 15): what the sync-error and licence checks read, in as few calls as possible.

One ``/composite`` after the main one, holding at most four queries and three UI API GETs:

* Tooling ``ValidationRule`` (active rules; no ``Metadata``: Salesforce refuses it in a multi-row query
  with MALFORMED_QUERY [C F5; S message G3]);
* ``FlowDefinitionView`` (active record-triggered flows, for row-lock-risk) [C object; S trigger fields];
* ``PermissionSetLicenseAssign`` of the user, only when they are on the Salesforce Integration licence;
* ``GET ui-api/duplicates/{Lead,Contact,Account}`` (v50+) [C F6b].

Then, only when active rules exist on synced objects, one more composite of sObject GETs
(``tooling/sobjects/ValidationRule/{Id}``, 25 per composite) for the formulas. A typical org with the
family on therefore costs two counted calls more than without it.

[U] Whether ``/composite`` accepts Tooling and UI API subrequests: Salesforce documents sObject and
query resources. A refused subrequest is recorded as Unavailable and its check says "not evaluated";
nothing here ever turns a refusal into a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.checks.license import INTEGRATION_LICENSE, is_integration_licence
from auditor.checks.org import ROW_LOCK_RISK
from auditor.checks.sync import DUPLICATE_RULE_OBJECTS, SYNC_DUPLICATE_RULES, SYNC_VALIDATION_RULES
from auditor.collect.executor import Answer
from auditor.collect.parse import parse_part
from auditor.collect.parse_sync import (
    RECORD_TRIGGER_TYPES,
    parse_duplicate_rules,
    parse_permission_set_licenses,
    parse_record_flows,
    parse_validation_rule_rows,
    validation_rule_formula,
)
from auditor.collect.plan import SubRequest, query_url, soql_literal
from auditor.config import AuditConfig
from auditor.snapshot import (
    DuplicateRuleInfo,
    FailureKind,
    ObjectDescribe,
    OrgSnapshot,
    PermissionSetLicenseGrant,
    RecordFlow,
    Unavailable,
    UserInfo,
    ValidationRuleInfo,
)

# Filtered on Active only: whether EntityDefinition.QualifiedApiName accepts IN is [U]; the collector
# keeps the synced objects' rules.
VALIDATION_RULES_SOQL = (
    "SELECT Id, ValidationName, Active, ErrorMessage, ErrorDisplayField, NamespacePrefix, "
    "EntityDefinition.QualifiedApiName FROM ValidationRule WHERE Active = true"
)
_TRIGGER_TYPES = ",".join(soql_literal(t) for t in RECORD_TRIGGER_TYPES)
FLOWS_SOQL = (
    "SELECT ApiName, Label, TriggerType, RecordTriggerType, TriggerObjectOrEventId, TriggerObjectOrEventLabel, "
    "ActiveVersionId, NamespacePrefix FROM FlowDefinitionView "
    f"WHERE ActiveVersionId != null AND TriggerType IN ({_TRIGGER_TYPES})"
)
# Fallback when an org rejects a trigger field [S names, §3.1]: the label alone still names the object.
FLOWS_FALLBACK_SOQL = (
    "SELECT ApiName, Label, TriggerType, TriggerObjectOrEventLabel, ActiveVersionId FROM FlowDefinitionView "
    f"WHERE ActiveVersionId != null AND TriggerType IN ({_TRIGGER_TYPES})"
)
PSL_SOQL = (
    "SELECT PermissionSetLicenseId, PermissionSetLicense.DeveloperName, PermissionSetLicense.MasterLabel, "
    "PermissionSetLicense.MaximumPermissionsApiEnabled, PermissionSetLicense.MaximumPermissionsModifyAllData, "
    "PermissionSetLicense.MaximumPermissionsModifyMetadata FROM PermissionSetLicenseAssign WHERE AssigneeId = {user}"
)


def tooling_query_url(version: str, soql: str) -> str:
    return query_url(version, soql).replace(f"/services/data/v{version}/query", f"/services/data/v{version}/tooling/query", 1)


@dataclass(frozen=True)
class SyncNeeds:
    validation_rules: bool
    duplicate_rules: tuple[str, ...] | None  # objects to ask the UI API about; None: check skipped
    flows: bool
    permission_set_licenses: bool

    @property
    def anything(self) -> bool:
        return self.validation_rules or bool(self.duplicate_rules) or self.flows or self.permission_set_licenses


def sync_needs(config: AuditConfig, user: UserInfo | Unavailable) -> SyncNeeds:
    """What the enabled checks need: a skipped check costs nothing."""
    def enabled(check_id: str) -> bool:
        return check_id not in config.checks_disabled

    scope = {name.lower() for name in config.objects_in_scope()}
    return SyncNeeds(
        validation_rules=enabled(SYNC_VALIDATION_RULES.id),
        duplicate_rules=tuple(o for o in DUPLICATE_RULE_OBJECTS if o.lower() in scope) if enabled(SYNC_DUPLICATE_RULES.id) else None,
        flows=enabled(ROW_LOCK_RISK.id),
        permission_set_licenses=enabled(INTEGRATION_LICENSE.id) and isinstance(user, UserInfo) and is_integration_licence(user),
    )


def plan_sync(version: str, user_id: str, needs: SyncNeeds) -> tuple[SubRequest, ...]:
    base = f"/services/data/v{version}"
    subs: list[SubRequest] = []
    if needs.validation_rules:
        subs.append(SubRequest("validation_rules", tooling_query_url(version, VALIDATION_RULES_SOQL), True))
    if needs.flows:
        subs.append(SubRequest("record_flows", query_url(version, FLOWS_SOQL), True))
    if needs.permission_set_licenses:
        subs.append(SubRequest("permission_set_licenses", query_url(version, PSL_SOQL.format(user=soql_literal(user_id))), True))
    for sobject in needs.duplicate_rules or ():
        subs.append(SubRequest(f"duplicates_{sobject}", f"{base}/ui-api/duplicates/{sobject}", False))
    return tuple(subs)


def plan_validation_rule_records(version: str, rule_ids: Sequence[str]) -> tuple[SubRequest, ...]:
    """One sObject GET per active rule: ``Metadata`` (the formula) is readable one record at a time [C F5]."""
    return tuple(SubRequest(f"validation_rule_{i}", f"/services/data/v{version}/tooling/sobjects/ValidationRule/{rule_id}", False)
                 for i, rule_id in enumerate(rule_ids))


Run = Callable[[Sequence[SubRequest]], dict[str, Answer]]
Records = Callable[[dict[str, Answer], str, str], "list[dict[str, Any]] | Unavailable"]


@dataclass(frozen=True)
class SyncParts:
    validation_rules: tuple[ValidationRuleInfo, ...] | Unavailable | None
    duplicate_rules: tuple[tuple[str, tuple[DuplicateRuleInfo, ...] | Unavailable], ...] | None
    permission_set_licenses: tuple[PermissionSetLicenseGrant, ...] | Unavailable | None
    record_flows: tuple[RecordFlow, ...] | Unavailable | None


def _parsed(rows: list[dict[str, Any]] | Unavailable, what: str, parser: Callable[[Any], Any]) -> Any:
    return rows if isinstance(rows, Unavailable) else parse_part(Answer(200, rows), what, parser)


def _object_labels(snapshot: OrgSnapshot) -> dict[str, str]:
    return {d.label.lower(): d.name for _, d in snapshot.describes if isinstance(d, ObjectDescribe)}


def collect_sync(snapshot: OrgSnapshot, config: AuditConfig, run: Run, records: Records) -> SyncParts:
    """Send the sync round(s) and parse them. ``run`` sends subrequests (composite-packed); ``records``
    follows a query's pages. Nothing is sent when every check needing the round is skipped."""
    needs = sync_needs(config, snapshot.user)
    user_id = snapshot.user.id if isinstance(snapshot.user, UserInfo) else None
    if not needs.anything or user_id is None:
        skipped = Unavailable(FailureKind.NOT_COLLECTED, "not collected: the integration user could not be read")
        return SyncParts(
            validation_rules=skipped if needs.validation_rules else None,
            duplicate_rules=None if needs.duplicate_rules is None else tuple((o, skipped) for o in needs.duplicate_rules),
            permission_set_licenses=skipped if needs.permission_set_licenses else None,
            record_flows=skipped if needs.flows else None,
        )
    answers = run(plan_sync(snapshot.api_version, user_id, needs))
    rules = _validation_rules(snapshot, config, answers, run, records) if needs.validation_rules else None
    flows = None
    if needs.flows:
        rows = records(answers, "record_flows", "FlowDefinitionView")
        if isinstance(rows, Unavailable) and rows.error_code == "INVALID_FIELD":
            fallback = run((SubRequest("record_flows", query_url(snapshot.api_version, FLOWS_FALLBACK_SOQL), True),))
            rows = records(fallback, "record_flows", "FlowDefinitionView")
        labels = _object_labels(snapshot)
        flows = _parsed(rows, "FlowDefinitionView", lambda body: parse_record_flows(body, labels))
    licences = None
    if needs.permission_set_licenses:
        licences = _parsed(records(answers, "permission_set_licenses", "PermissionSetLicenseAssign"),
                           "PermissionSetLicenseAssign", parse_permission_set_licenses)
    duplicates = None if needs.duplicate_rules is None else tuple(
        (sobject, parse_part(answers.get(f"duplicates_{sobject}"), f"UI API duplicates of {sobject}", parse_duplicate_rules))
        for sobject in needs.duplicate_rules
    )
    return SyncParts(rules, duplicates, licences, flows)


def _validation_rules(snapshot: OrgSnapshot, config: AuditConfig, answers: dict[str, Answer], run: Run,
                      records: Records) -> tuple[ValidationRuleInfo, ...] | Unavailable:
    rows = records(answers, "validation_rules", "ValidationRule (Tooling)")
    parsed: tuple[ValidationRuleInfo, ...] | Unavailable = _parsed(rows, "ValidationRule (Tooling)", parse_validation_rule_rows)
    if isinstance(parsed, Unavailable):
        return parsed
    scope = {name.lower() for name in config.objects_in_scope()}
    rules = [rule for rule in parsed if rule.sobject.lower() in scope]
    if not rules:
        return ()
    formulas = run(plan_validation_rule_records(snapshot.api_version, [r.id for r in rules]))
    result = []
    for i, rule in enumerate(rules):
        formula = parse_part(formulas.get(f"validation_rule_{i}"), f"ValidationRule {rule.name}", validation_rule_formula)
        # A rule whose formula could not be read is still an active rule: report it, formula unknown.
        result.append(ValidationRuleInfo(rule.id, rule.sobject, rule.name, rule.error_message, rule.error_display_field,
                                         None if isinstance(formula, Unavailable) else formula, rule.namespace_prefix))
    return tuple(result)
