"""Auditing several orgs at once: bounded concurrency, one outcome per org, never one org's
failure stopping the others.

Each org gets its own session and connection (built by the ``audit`` callable the CLI passes),
so nothing is shared between threads but the read-only check registry. An org whose audit
raises an :class:`AuditorError` (unknown alias, login refused, session expired) gets an outcome
with that one-line reason and the error's exit status; its siblings carry on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from auditor.errors import AuditorError
from auditor.model import Report
from auditor.report.combined import OrgOutcome

DEFAULT_JOBS = 4
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def org_directory(target: str) -> str:
    """A directory name for an org's own files: the alias with anything unsafe replaced."""
    name = _UNSAFE.sub("_", target).strip(".") or "org"
    return name


def audit_orgs(targets: Sequence[str], audit: Callable[[str], Report], *, jobs: int = DEFAULT_JOBS,
               status_of: Callable[[Report], int]) -> list[OrgOutcome]:
    """Run ``audit`` for every target, at most ``jobs`` at a time; outcomes in ``targets`` order."""

    def one(target: str) -> OrgOutcome:
        try:
            report = audit(target)
        except AuditorError as exc:
            return OrgOutcome(target, None, exc.exit_status, str(exc))
        return OrgOutcome(target, report, status_of(report))

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(targets))), thread_name_prefix="audit") as pool:
        return list(pool.map(one, targets))
