"""Who the session is: the user and org ids from the login, else from OAuth userinfo (one request), and
``collect_identity`` for ``auditor whoami`` (that plus one composite for the org and the user)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.collect.executor import Executor, Strategy
from auditor.collect.parse import classify, parse_org, user_record
from auditor.collect.plan import plan_whoami
from auditor.collect.reading import _Reader
from auditor.collect.stopped import _api_refusal
from auditor.collect.target import CollectTarget, _target
from auditor.config import AuditConfig
from auditor.errors import AuditIncomplete, session_rejected
from auditor.snapshot import OrgInfo, Unavailable, UserInfo

if TYPE_CHECKING:
    from auditor.connect.session import OrgSession


class _OrgDown(Exception):
    """The very first request got a 5xx (after retries): nothing else can be read."""

    def __init__(self, failure: Unavailable) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _identify(executor: Executor, target: CollectTarget) -> tuple[str, str, str | None]:
    """(user id, org id, username) of the session: from the login, else from OAuth userinfo."""
    if target.user_id and target.org_id:
        return target.user_id, target.org_id, target.username
    # userinfo answers for the token's own user only [C help: remoteaccess_using_userinfo_endpoint];
    # keys user_id / organization_id / preferred_username per OpenID Connect [S].
    answer = executor.get("/services/oauth2/userinfo")
    if answer.status in (401, 403):
        raise session_rejected()
    if answer.status >= 500:
        raise _OrgDown(classify(answer))
    body = answer.body if isinstance(answer.body, dict) else {}
    user_id, org_id = body.get("user_id"), body.get("organization_id")
    if not answer.ok or not isinstance(user_id, str) or not isinstance(org_id, str):
        raise AuditIncomplete(f"could not tell which user the session belongs to (userinfo answered HTTP {answer.status})")
    username = body.get("preferred_username")
    return user_id, org_id, username if isinstance(username, str) else None


def collect_identity(session: OrgSession) -> tuple[OrgInfo | Unavailable, UserInfo | Unavailable]:
    """The org and the connected user, for ``auditor whoami``: one identity request at most and one composite."""
    target = _target(session)
    run = _Reader(target, AuditConfig(objects=(), mappings=()), Strategy.COMPOSITE)
    try:
        user_id, org_id, _ = _identify(run.executor, target)
    except _OrgDown as down:
        raise AuditIncomplete(f"Salesforce did not answer: {down.failure.reason}") from None
    answers = run.executor.run(plan_whoami(target.api_version, org_id, user_id))
    refused = _api_refusal(list(answers.values()))
    if refused is not None:
        raise AuditIncomplete(f"Salesforce refused API access ({refused[0]}): {refused[1]}")
    user = run.part(answers, "user", "User", user_record)
    if not isinstance(user, Unavailable):
        user = run._user(user, answers)
    return run.part(answers, "org", "Organization", parse_org), user
