"""What a check is, and the few helpers every check family shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.config import AuditConfig
from auditor.model import Category, Finding, Status
from auditor.permissions import NOTHING_GRANTS_IT, ignored_notes, valid_sources
from auditor.snapshot import (
    FailureKind,
    OrgSnapshot,
    PermissionSource,
    ServiceEvent,
    SourceKind,
    Unavailable,
    UserInfo,
)
from auditor.suspensions import Suspension


@dataclass(frozen=True)
class Check:
    """One registered check: a stable id (public contract), its suspension, and a pure function.

    ``remediation`` is the general fix, shown in the check list; findings carry the concrete one.
    """

    id: str
    suspension: Suspension | None  # None for a risk check (category other than SUSPENSION)
    title: str
    remediation: str
    run: Callable[[OrgSnapshot, AuditConfig], list[Finding]]
    category: Category = Category.SUSPENSION
    family: str | None = None  # a name ``--skip`` accepts for several checks at once, e.g. "sync"

    @property
    def code(self) -> str:
        """The suspension code, else the risk category: what the check list and reports show."""
        return self.suspension.value if self.suspension is not None else self.category.value

    def finding(
        self,
        status: Status,
        message: str,
        remediation: str | None = None,
        *,
        object: str | None = None,
        field: str | None = None,
        lookup_path: tuple[str, ...] = (),
        sources: tuple[str, ...] = (),
    ) -> Finding:
        """A finding of this check; the remediation defaults to the check's general one."""
        return Finding(
            check=self.id,
            suspension=self.suspension,
            status=status,
            message=message,
            remediation=remediation if remediation is not None else self.remediation,
            object=object,
            field=field,
            lookup_path=lookup_path,
            sources=sources,
            category=self.category,
        )

    def unavailable(
        self,
        what: str,
        part: Unavailable,
        hint: str | None = None,
        *,
        object: str | None = None,
        field: str | None = None,
    ) -> Finding:
        """The error finding for an input the collector could not read: never a silent pass."""
        return self.finding(
            Status.ERROR,
            f"could not read {what}: {describe_unavailable(part)}",
            hint or retry_hint(part),
            object=object,
            field=field,
        )


def describe_unavailable(part: Unavailable) -> str:
    """The reason, plus the HTTP status and error code when the reason does not already say them."""
    extra = [str(item) for item in (part.http_status, part.error_code) if item and str(item) not in part.reason]
    return part.reason + (f" ({' '.join(extra)})" if extra else "")


VIEW_SETUP_HINT = (
    "Audit with a user who has View Setup and Configuration (Setup > Users > Permission Sets > "
    "<set> > System Permissions), then re-run the audit."
)


def retry_hint(part: Unavailable) -> str:
    """A generic fix for an unreadable input, by failure kind."""
    if part.kind is FailureKind.NO_ACCESS:
        return VIEW_SETUP_HINT
    if part.kind in (FailureKind.ORG_UNAVAILABLE, FailureKind.SERVER_ERROR):
        return "Check status.salesforce.com for the org's instance, then re-run the audit."
    if part.kind is FailureKind.API_LIMIT:
        return "The org is over its daily API allocation; re-run the audit once calls are available again."
    return "Re-run the audit; if it persists, report it with the saved snapshot."


def user_name(snapshot: OrgSnapshot) -> str:
    """How findings name the integration user."""
    user = snapshot.user
    return f"'{user.username}'" if isinstance(user, UserInfo) else "the integration user"


def permission_set_to_edit(snapshot: OrgSnapshot) -> str:
    """The permission set a remediation should point at: an assigned (and unexpired) HubSpot one if
    there is one, else the first such set, else a placeholder. Managed (namespaced) sets cannot be
    edited, and a group's aggregate set is not edited directly, so neither is suggested."""
    candidates: list[PermissionSource] = []
    if not isinstance(snapshot.sources, Unavailable):
        candidates = [
            s for s in valid_sources(snapshot) if s.kind is SourceKind.PERMISSION_SET and s.namespace_prefix is None
        ]
    for source in candidates:
        if "hubspot" in source.label.lower():
            return source.label
    if candidates:
        return candidates[0].label
    return f"<a permission set assigned to {user_name(snapshot)}>"


def missing_sources(snapshot: OrgSnapshot) -> tuple[str, ...]:
    """``sources`` for a permission fail: nothing grants it, plus any assignment that was ignored."""
    return (NOTHING_GRANTS_IT, *ignored_notes(snapshot))


def describe_event(event: ServiceEvent) -> str:
    """"/services/data/v62.0/limits answered HTTP 503 SERVER_UNAVAILABLE: 'Server too busy'"."""
    answer = " ".join(part for part in (event.http_status and f"HTTP {event.http_status}", event.error_code) if part)
    return f"{event.path} answered {answer or 'an error'}: '{event.message}'"


def join(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items)


def percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0
