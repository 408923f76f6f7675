"""What a check is, and the few helpers every check family shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

from auditor.config import AuditConfig
from auditor.model import Category, Finding, Status
from auditor.permissions import NOTHING_GRANTS_IT, expiring_grants, ignored_notes, valid_sources
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

T = TypeVar("T")


# The snapshot parts a check can declare it needs. "describes" means the describe step as a whole: unmet
# when no describe in scope could be read for a reason other than access (one object's failure stays
# that object's finding).
SnapshotPart = Literal["org", "user", "sources", "object_permissions", "field_permissions", "describes", "limits",
                       "triggers", "hubspot_package",
                       # issue 15's sync round; None in a snapshot saved before it (not collected)
                       "validation_rules", "duplicate_rules", "permission_set_licenses"]

# The reason of a part a snapshot does not hold at all (saved before the check existed, or the audit
# stopped before reading it).
NOT_COLLECTED_REASON = "not collected (the audit did not get that far, or the snapshot predates this check)"


@dataclass(frozen=True)
class Check:
    """One registered check: a stable id (public contract), its suspension, and a pure function.

    ``remediation`` is the general fix, shown in the check list; findings carry the concrete one.
    ``requires`` names the snapshot parts ``run`` reads unguarded: when one of them is Unavailable the
    engine (auditor/checks/__init__.py) emits a single "not evaluated: <cause>" error instead of running
    it, so one outage or refusal gives one finding per check, never one per object or field.
    """

    id: str
    suspension: Suspension | None  # None for a risk check (category other than SUSPENSION)
    title: str
    remediation: str
    run: Callable[[OrgSnapshot, AuditConfig], list[Finding]]
    requires: tuple[SnapshotPart, ...] = ()
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
        not_evaluated: str | None = None,
    ) -> Finding:
        """A finding of this check; the remediation defaults to the check's general one."""
        return Finding(
            not_evaluated=not_evaluated,
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


def unmet_requirement(snapshot: OrgSnapshot, requires: tuple[SnapshotPart, ...]) -> Unavailable | None:
    """The first required part of ``snapshot`` that could not be read, if any."""
    for name in requires:
        if name == "describes":
            parts = [described for _, described in snapshot.describes]
            unread = [p for p in parts if isinstance(p, Unavailable)]
            if parts and len(unread) == len(parts) and all(p.kind is not FailureKind.NO_ACCESS for p in unread):
                return unread[0]
            continue
        if name == "duplicate_rules" and snapshot.duplicate_rules:
            # Per object: unmet when none was read because something else stopped the audit; a refusal of
            # the resource itself stays the check's own finding (it says how to check by hand).
            rules = [read for _, read in snapshot.duplicate_rules]
            if all(isinstance(r, Unavailable) and r.kind is FailureKind.NOT_COLLECTED for r in rules):
                first = rules[0]
                assert isinstance(first, Unavailable)
                return first
            continue
        part = getattr(snapshot, name)
        if part is None:  # an optional part the snapshot does not hold
            return Unavailable(FailureKind.NOT_COLLECTED, NOT_COLLECTED_REASON)
        if isinstance(part, Unavailable):
            return part
    return None


# How a "not evaluated" finding names its cause, by failure kind.
_CAUSES = {
    FailureKind.ORG_UNAVAILABLE: "org unavailable",
    FailureKind.SERVER_ERROR: "Salesforce server error",
    FailureKind.API_LIMIT: "the org's API request limit is exceeded",
    FailureKind.API_DISABLED: "Salesforce refused API access",
    FailureKind.NO_ACCESS: "the auditing user cannot read it",
    FailureKind.UNEXPECTED: "an answer the auditor does not understand",
}
# The check that reports each cause itself: the not-evaluated finding points there.
_CAUSE_OWNERS = {
    FailureKind.ORG_UNAVAILABLE: "org-availability",
    FailureKind.SERVER_ERROR: "server-errors",
    FailureKind.API_LIMIT: "daily-api-headroom",
    FailureKind.UNEXPECTED: "unexpected-answers",
}


def root_cause(snapshot: OrgSnapshot, part: Unavailable) -> FailureKind:
    """The failure behind ``part``: its own kind, or for a part skipped because something else failed
    (NOT_COLLECTED), the kind of the first answer that never recovered."""
    if part.kind is not FailureKind.NOT_COLLECTED:
        return part.kind
    unrecovered = [e.kind for e in snapshot.service_events if not e.recovered]
    return unrecovered[0] if unrecovered else FailureKind.NOT_COLLECTED


def _short_detail(part: Unavailable, quoted_elsewhere: bool) -> str:
    """The reason; for an outage or server error just "PermissionSetAssignment: HTTP 503": the page text is
    quoted once, by the cause's own finding. A cause no other finding quotes (the auditing user cannot read
    the object) keeps its whole text here: reporters escape and cap it for the terminal, JSON keeps it."""
    reason = part.reason.removeprefix("not collected: ")
    if not quoted_elsewhere:
        return reason
    answer = " ".join(str(x) for x in (part.http_status and f"HTTP {part.http_status}", part.error_code) if x)
    if not answer or part.kind not in (FailureKind.ORG_UNAVAILABLE, FailureKind.SERVER_ERROR):
        return reason if len(reason) <= 160 else reason[:157] + "..."
    what = reason.partition(": ")[0]
    return f"{what}: {answer}" if what and not what.startswith("HTTP") else answer


def not_evaluated(check: Check, snapshot: OrgSnapshot, part: Unavailable) -> Finding:
    """The one finding of a check whose required input could not be read: "not evaluated: <cause>"."""
    kind = root_cause(snapshot, part)
    cause = _CAUSES.get(kind, "an input could not be read")
    owner = _CAUSE_OWNERS.get(kind)
    detail = _short_detail(part, quoted_elsewhere=owner is not None)
    hint = retry_hint(Unavailable(kind, part.reason))
    if owner is not None and owner != check.id:
        hint = f"See the {owner} finding. {hint}"
    return check.finding(Status.ERROR, f"not evaluated: {cause} ({detail})", hint, not_evaluated=cause)


def expiry_warning(check: Check, snapshot: OrgSnapshot, config: AuditConfig, what: str,
                   granted_by: tuple[str, ...], *, object: str | None = None) -> Finding | None:
    """The warn when every grant of ``what`` comes from assignments expiring within
    ``config.expiry_warning_days``: HubSpot loses the permission on that date (names the sets and dates)."""
    expiring = expiring_grants(snapshot, granted_by, config.expiry_warning_days)
    if not expiring:
        return None
    listed = "; ".join(f"{grant} expires {date}" for grant, date in expiring)
    return check.finding(
        Status.WARN,
        f"{what} for {user_name(snapshot)} comes only from assignments expiring within "
        f"{config.expiry_warning_days} days ({listed}): HubSpot loses it then.",
        "Setup > Users > Permission Sets > <set> > Manage Assignments: edit the assignment's expiration date (or "
        "remove it), or grant the permission through an assignment that does not expire.",
        object=object,
        sources=tuple(grant for grant, _ in expiring),
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


def by_synced_object(items: Iterable[T], sobject_of: Callable[[T], str | None],
                     scope: Iterable[str]) -> dict[str, list[T]]:
    """``items`` grouped under the in-scope object each names, in scope's spelling (Salesforce API
    names are case-insensitive); items naming no object, or one out of scope, are left out."""
    in_scope = {name.lower(): name for name in scope}
    grouped: dict[str, list[T]] = {}
    for item in items:
        sobject = sobject_of(item)
        if sobject is not None and sobject.lower() in in_scope:
            grouped.setdefault(in_scope[sobject.lower()], []).append(item)
    return grouped
