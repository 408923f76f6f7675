"""Findings and the report: what checks produce and reporters format."""

from __future__ import annotations

from dataclasses import dataclass, field
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


# Worst first: used to sort findings and to summarise.
STATUS_ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2, Status.PASS: 3}


@dataclass(frozen=True)
class Finding:
    check: str  # stable check id, e.g. "object-access"
    suspension: Suspension
    status: Status
    message: str
    remediation: str
    object: str | None = None  # "Contact"
    field: str | None = None  # qualified: "Contact.Email"
    lookup_path: tuple[str, ...] = ()  # e.g. ("Contact.AccountId", "Account.Region__c", "Region__c")
    sources: tuple[str, ...] = ()  # where access comes from, e.g. ("profile 'Integration'",)

    def sort_key(self) -> tuple[str, int, str, str, str, str]:
        return (
            self.suspension.value,
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
    # What `auditor fix` would grant (the JSON report carries it for `fix --from-report`); None = not planned.
    fix: FixPlan | None = None
    # Set for an offline run, e.g. "cassette cassettes/demo.yaml" or "snapshot org.json": then
    # api_usage is what the recorded audit cost, and nothing was sent this time.
    offline_source: str | None = None

    @property
    def would_suspend(self) -> tuple[Suspension, ...]:
        codes = {f.suspension for f in self.findings if f.status is Status.FAIL}
        return tuple(sorted(codes, key=lambda code: code.value))

    def count(self, status: Status) -> int:
        return sum(1 for f in self.findings if f.status is status)
