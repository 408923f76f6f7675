"""Findings and the report: what checks produce and reporters format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING

from auditor.snapshot import ApiUsage, OrgInfo, UserInfo
from auditor.suspensions import Suspension

if TYPE_CHECKING:
    from auditor.fix.plan import FixPlan

REPORT_SCHEMA_VERSION = 1


class Status(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"  # the check could not be evaluated; the message says why


class FailOn(str, Enum):
    """What makes the exit status 1 (``--fail-on``, settings key ``fail_on``)."""

    FAIL = "fail"  # a fail finding (the default)
    WARN = "warn"  # a fail or a warn finding
    NEVER = "never"  # nothing: report only (exit 3 still means the audit could not complete)


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
class Ignore:
    """One ``[[ignore]]`` entry of the settings file: a known finding accepted, with its reason.

    ``object`` and ``field`` narrow it (``field`` qualified, "Contact.MailingCountry"); without
    them it covers every finding of ``check``. After ``until`` it no longer applies.
    """

    check: str
    reason: str
    object: str | None = None
    field: str | None = None
    until: date | None = None
    source: str = ""  # where it is declared, for messages: "auditor.toml: ignore[2]"

    def describe(self) -> str:
        """"field-access Contact.MailingCountry" """
        where = self.field or self.object
        return f"{self.check} {where}" if where else self.check


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
    ignored: Ignore | None = None  # accepted by an [[ignore]] entry: reported, never fails the build
    category: Category = Category.SUSPENSION
    # The cause when the check could not run because an input it requires was unreadable ("org
    # unavailable"): the human formats show every check stopped by one cause on one line.
    not_evaluated: str | None = None

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
    """Everything a reporter needs. Findings are sorted, and no finding carries a timestamp.

    ``audited_at`` (UTC) and ``duration_s`` exist for the formats that require them (JUnit's
    ``timestamp`` and ``time``); the other formats leave them out, so they stay byte-stable.
    """

    findings: tuple[Finding, ...]
    org: OrgInfo | None
    user: UserInfo | None
    api_version: str
    instance_url: str
    api_usage: ApiUsage = field(default_factory=ApiUsage)
    # What `auditor fix` would grant (the JSON report carries it for `fix --from-report`); None = not planned.
    fix: FixPlan | None = None
    # Set for an offline run, e.g. "cassette cassettes/demo.yaml" or "snapshot org.json": then
    # api_usage is what the recorded audit cost, and nothing was sent this time.
    offline_source: str | None = None
    # Who is audited matters: True = the connected session's own user (a login as the integration
    # user, or an admin's own session), False = the user named by --user, read through setup objects.
    audited_connected_user: bool = True
    audited_at: datetime | None = None
    duration_s: float = 0.0
    expired_ignores: tuple[Ignore, ...] = ()  # [[ignore]] entries past their date: no longer applied

    @property
    def would_suspend(self) -> tuple[Suspension, ...]:
        """Codes with a fail that is not ignored (risk findings carry no code)."""
        codes = {
            f.suspension
            for f in self.findings
            if f.status is Status.FAIL and f.ignored is None and f.suspension is not None
        }
        return tuple(sorted(codes, key=lambda code: code.value))

    def count(self, status: Status) -> int:
        """Findings with ``status`` that are not ignored (an ignored one counts under ignored_count)."""
        return sum(1 for f in self.findings if f.status is status and f.ignored is None)

    @property
    def ignored_count(self) -> int:
        return sum(1 for f in self.findings if f.ignored is not None)

    def suspension_findings(self, status: Status) -> tuple[Finding, ...]:
        """Findings of suspension checks only, not ignored: the risk categories never decide the exit
        status by default (a risk check that could not be evaluated is shown as an error in its own
        section, and that is all)."""
        return tuple(
            f
            for f in self.findings
            if f.status is status and f.category is Category.SUSPENSION and f.ignored is None
        )
