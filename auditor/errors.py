"""Errors that end a run, each tied to its documented exit status. Only cli.py turns them into exits."""

from __future__ import annotations


class AuditorError(Exception):
    """Base class: str(error) is the one-line message printed on stderr."""

    exit_status = 3


class UsageError(AuditorError):
    """Bad flags, unreadable or malformed input files, missing required settings (exit 2)."""

    exit_status = 2


class AuditIncomplete(AuditorError):
    """The audit could not run or finish: login refused, host unreachable, session expired (exit 3)."""

    exit_status = 3


class ReadOnlyViolation(AuditorError):
    """A request that could change the org was about to be sent. A bug in the auditor (exit 3)."""

    exit_status = 3
