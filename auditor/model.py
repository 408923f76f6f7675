"""Findings and the report: what checks produce and reporters format."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from auditor.snapshot import ApiUsage, OrgInfo, UserInfo
from auditor.suspensions import Suspension

REPORT_SCHEMA_VERSION = 1


class Status(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"  # the check could not be evaluated; the message says why


class Category(str, Enum):
    """What a finding is about. Suspension findings predict HubSpot suspending the whole integration;
    the risk categories predict record-level trouble (issue 15): they carry no suspension code, are
    never in ``would_suspend`` and never decide exit status 1 on their own."""

    SUSPENSION = "SUSPENSION"
    SYNC_ERROR_RISK = "SYNC_ERROR_RISK"  # records HubSpot writes that Salesforce would reject
    CONNECTION_RISK = "CONNECTION_RISK"  # connect / reconnect trouble (e.g. phishing-resistant MFA)


# How reports title a risk category's section (a suspension's title is HubSpot's label).
CATEGORY_LABELS: dict[Category, str] = {
    Category.SYNC_ERROR_RISK: "Sync error risks (records Salesforce would reject; not a suspension)",
    Category.CONNECTION_RISK: "Connection risks (connecting or reconnecting HubSpot; not a suspension)",
}


# Worst first: used to sort findings and to summarise.
STATUS_ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2, Status.PASS: 3}


@dataclass(frozen=True)
class Finding:
    check: str  # stable check id, e.g. "object-access"
    suspension: Suspension | None  # None for the risk categories
    status: Status
    message: str
    remediation: str
    object: str | None = None  # "Contact"
    field: str | None = None  # qualified: "Contact.Email"
    lookup_path: tuple[str, ...] = ()  # e.g. ("Contact.AccountId", "Account.Region__c", "Region__c")
    sources: tuple[str, ...] = ()  # where access comes from, e.g. ("profile 'Integration'",)
    category: Category = Category.SUSPENSION

    @property
    def code(self) -> str:
        """The section a finding belongs to: its suspension code, else its risk category."""
        return self.suspension.value if self.suspension is not None else self.category.value

    def sort_key(self) -> tuple[bool, str, int, str, str, str, str]:
        return (
            self.suspension is None,  # risks after every suspension
            self.code,
            STATUS_ORDER[self.status],
            self.check,
            self.object or "",
            self.field or "",
            self.message,
        )


@dataclass(frozen=True)
class Report:
    """Everything a reporter needs. Findings are sorted; no timestamps, so outputs are stable."""

    findings: tuple[Finding, ...]
    org: OrgInfo | None
    user: UserInfo | None
    api_version: str
    instance_url: str
    api_usage: ApiUsage = field(default_factory=ApiUsage)

    @property
    def would_suspend(self) -> tuple[Suspension, ...]:
        codes = {f.suspension for f in self.findings if f.status is Status.FAIL and f.suspension is not None}
        return tuple(sorted(codes, key=lambda code: code.value))

    def count(self, status: Status) -> int:
        return sum(1 for f in self.findings if f.status is status)

    def suspension_findings(self, status: Status) -> tuple[Finding, ...]:
        """Findings of suspension checks only: the risk categories never decide the exit status (a risk
        check that could not be evaluated is shown as an error in its own section, and that is all)."""
        return tuple(f for f in self.findings if f.status is status and f.category is Category.SUSPENSION)
