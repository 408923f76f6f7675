"""The collector: the only code that talks to Salesforce's data API. Fills an OrgSnapshot.

Cost on a typical org (after login): ``GET /limits`` (which cannot go inside a composite
[C D-COMP]) and one ``POST /composite`` sent side by side, plus ``GET /services/oauth2/userinfo``
when the login did not say who the user is, plus one request per extra page of a query that
really exceeds a page. Conditional rounds, one composite each: permission set groups' muting sets
(and aggregate sets), and the user license's ceiling when a synced object gets no Read at all.
See auditor/collect/plan.py for what is asked.

One module per job: target.py (where and as whom), identity.py (who the session is; whoami),
collection.py (the main round), rounds.py (the conditional rounds), reading.py (answers into parts,
failures, service events), paging.py (the bounded nextRecordsUrl loop), stopped.py (the snapshots of
audits that stopped: refusal, incomplete, outage), parse/ (answers into snapshot parts), sync.py (the
sync round), trust.py (Salesforce Trust status). This module keeps the public API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.collect.collection import _Collection
from auditor.collect.executor import Strategy
from auditor.collect.identity import collect_identity
from auditor.collect.parse import classify
from auditor.collect.stopped import incomplete_snapshot, login_refusal_snapshot, refusal_snapshot
from auditor.collect.target import CollectTarget, _target
from auditor.collect.trust import with_trust_status
from auditor.config import AuditConfig
from auditor.snapshot import OrgSnapshot

if TYPE_CHECKING:
    from auditor.connect.session import OrgSession

__all__ = ["CollectTarget", "Strategy", "collect", "collect_identity", "incomplete_snapshot", "login_refusal_snapshot",
           "refusal_snapshot"]


def collect(session: OrgSession, config: AuditConfig, *, target_user: str | None = None,
            strategy: Strategy = Strategy.COMPOSITE, trust_status: bool = False) -> OrgSnapshot:
    """Read everything the checks need, in as few requests as Salesforce allows.

    With ``trust_status``, one more request, last and off the org: the instance's public Trust status
    (auditor/collect/trust.py; it never carries the org's token).

    Raises AuditIncomplete when the session is rejected, UsageError for an unknown ``--user``.
    Every other failure is recorded in the snapshot as Unavailable with its reason.
    """
    snapshot = _Collection(_target(session), config, strategy).run(target_user)
    return with_trust_status(snapshot, session.http) if trust_status else snapshot


# Used by classify-based callers (the CLI maps login-time errors with the same rules).
__all__ += ["classify"]
