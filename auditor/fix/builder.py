"""Accumulating a fix plan: the :class:`_Builder` that merges repeated grants and steps into one per object,
field and permission, and the small helpers every planner uses to word a manual step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from auditor.fix.values import (
    NEVER_GRANTED,
    Because,
    FieldGrant,
    FixPlan,
    ManualStep,
    ObjectGrant,
    UserPermissionGrant,
    with_dependencies,
)
from auditor.model import Finding
from auditor.permissions import PERMISSION_LABELS
from auditor.snapshot import OrgSnapshot, UserInfo


def _who(snapshot: OrgSnapshot) -> str:
    user = snapshot.user
    return user.username if isinstance(user, UserInfo) else "<integration user's username>"


def _labels(permissions: Iterable[str]) -> str:
    return ", ".join(PERMISSION_LABELS[name] for name in permissions)


def _step(finding: Finding, why: str, how: str, *, required: bool = True) -> ManualStep:
    return ManualStep(finding.check, finding.code, finding.object, finding.field, why, how, required)


class _Builder:
    """Accumulates grants and steps, merging repeats (one grant per object, field and permission)."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[str, set[str], list[Because]]] = {}
        self.fields: dict[str, tuple[str, bool, list[Because], list[str]]] = {}
        self.user_permissions: dict[str, list[Because]] = {}
        self.steps: dict[tuple[str | None, str | None, str], ManualStep] = {}

    def grant_object(self, sobject: str, permissions: Iterable[str], finding: Finding) -> None:
        name, held, reasons = self.objects.setdefault(sobject.lower(), (sobject, set(), []))
        held.update(permissions)
        if Because.of(finding) not in reasons:
            reasons.append(Because.of(finding))

    def grant_field(self, qualified: str, editable: bool, finding: Finding, covers: Iterable[str]) -> None:
        name, was_editable, reasons, covered = self.fields.get(qualified.lower(), (qualified, False, [], []))
        if Because.of(finding) not in reasons:
            reasons.append(Because.of(finding))
        covered.extend(c for c in covers if c not in covered)
        self.fields[qualified.lower()] = (name, was_editable or editable, reasons, covered)

    def grant_user_permission(self, name: str, finding: Finding) -> None:
        if name in NEVER_GRANTED:
            raise ValueError(f"the fix never grants {name}")
        reasons = self.user_permissions.setdefault(name, [])
        if Because.of(finding) not in reasons:
            reasons.append(Because.of(finding))

    def manual(self, step: ManualStep) -> None:
        # One step per thing to do: object-access and lookup-access on the same object share it.
        self.steps.setdefault((step.object, step.field, step.how), step)

    def plan(self, base: FixPlan, incomplete: list[str], not_addressed: list[Because]) -> FixPlan:
        return replace(
            base,
            objects=tuple(ObjectGrant(name, with_dependencies(held), tuple(reasons))
                          for _, (name, held, reasons) in sorted(self.objects.items()) if held),
            fields=tuple(FieldGrant(name, editable, tuple(reasons), tuple(covered))
                         for _, (name, editable, reasons, covered) in sorted(self.fields.items())),
            user_permissions=tuple(UserPermissionGrant(name, tuple(reasons))
                                   for name, reasons in sorted(self.user_permissions.items())),
            manual_steps=tuple(sorted(self.steps.values(), key=lambda s: (not s.required, s.suspension, s.check,
                                                                           s.object or "", s.field or "", s.how))),
            incomplete=tuple(incomplete),
            not_addressed=tuple(not_addressed),
        )

