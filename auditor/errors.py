"""Errors that end a run, each tied to its documented exit status. Only cli.py turns them into exits.

Also the facts about a refused session that more than one layer needs (the login in
``auditor.connect`` and the collector both meet them), so each is defined once, here, in a module
that imports nothing heavy.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """The documented exit statuses (a contract: README "Exit status", tested)."""

    OK = 0  # nothing fails
    SUSPENSION = 1  # at least one suspension is predicted (a finding with status fail)
    USAGE = 2  # bad flag, unreadable or malformed input file, missing setting
    INCOMPLETE = 3  # the audit could not complete
    INTERRUPTED = 130  # Ctrl-C (the shell's convention for SIGINT)


class AuditorError(Exception):
    """Base class: str(error) is the one-line message printed on stderr."""

    exit_status: ExitStatus = ExitStatus.INCOMPLETE


class UsageError(AuditorError):
    """Bad flags, unreadable or malformed input files, missing required settings (exit 2)."""

    exit_status = ExitStatus.USAGE


class AuditIncomplete(AuditorError):
    """The audit could not run or finish: login refused, host unreachable, session expired (exit 3)."""

    exit_status = ExitStatus.INCOMPLETE


class ReadOnlyViolation(AuditorError):
    """A request that could change the org was about to be sent. A bug in the auditor (exit 3)."""

    exit_status = ExitStatus.INCOMPLETE


# errorCode values meaning "API access is off" (the SF_API_DISABLED finding): over SOAP login with
# the integration user's own credentials, API_CURRENTLY_DISABLED means the user lacks API Enabled
# and API_DISABLED_FOR_ORG means the org has no API [S, shared/reference/salesforce-api.md §3.5].
API_REFUSAL_CODES = frozenset({"API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED"})


class ApiAccessRefused(Exception):
    """Salesforce refused the login because API access is off (the SF_API_DISABLED finding).

    Not an AuditorError on purpose: the CLI reports it as a predicted suspension (exit 1).
    """

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(f"{error_code}: {message}")
        self.error_code = error_code
        self.message = message


def session_rejected(error_code: str | None = None) -> AuditIncomplete:
    """The error for a session Salesforce no longer accepts (HTTP 401 mid-audit or at userinfo).

    A session passed as --access-token or borrowed from sf cannot refresh itself
    (shared/reference/salesforce-api.md §6.1, §6.2), so the fix is always a new login.
    """
    detail = f" ({error_code})" if error_code else ""
    return AuditIncomplete(
        f"Salesforce rejected the session{detail}: it expired or was revoked; log in again "
        "(a new access token, or 'sf org login web' for --target-org)"
    )
