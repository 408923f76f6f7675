"""The main round of an audit: who the session is, the plan, ``GET /limits`` beside the one composite, an
early stop when Salesforce refuses API access or --user names no (or an inactive) user, then every part
read into the OrgSnapshot, followed by the conditional rounds (auditor/collect/rounds.py)."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from auditor.collect.executor import Answer, Strategy
from auditor.collect.identity import _identify, _OrgDown
from auditor.collect.parse import (
    UserLookup,
    audited_user_state,
    parse_describe,
    parse_field_permissions,
    parse_hubspot_package,
    parse_limits,
    parse_object_permissions,
    parse_org,
    parse_sources,
    parse_triggers,
    user_record,
)
from auditor.collect.plan import plan_audit
from auditor.collect.rounds import _Rounds
from auditor.collect.stopped import _api_refusal, outage_snapshot, refusal_snapshot
from auditor.collect.target import _now, _usage
from auditor.errors import UsageError
from auditor.snapshot import GroupComponent, MutingRow, OrgSnapshot, Unavailable, UserInfo


class _Collection(_Rounds):
    """One collection run: the main round, then the conditional rounds; collect() is the public entry point."""

    def run(self, target_user: str | None) -> OrgSnapshot:
        try:
            user_id, org_id, username = _identify(self.executor, self.target)
        except _OrgDown as down:
            self._failed("/services/oauth2/userinfo", down.failure)
            return outage_snapshot(self.target, down.failure, self._service_events(), self.config.objects_in_scope())
        audited_self = target_user is None or target_user in (user_id, username)
        if audited_self:
            plan = plan_audit(self.config, self.target.api_version, org_id, user_id, None)
        elif target_user is not None and target_user.startswith("005") and len(target_user) in (15, 18):
            plan = plan_audit(self.config, self.target.api_version, org_id, target_user, None)
        else:
            plan = plan_audit(self.config, self.target.api_version, org_id, None, target_user)

        if self.strategy is Strategy.COMPOSITE:
            # /limits cannot ride in a composite; send it alongside so the audit waits for one round trip.
            with ThreadPoolExecutor(max_workers=2) as pool:
                limits_future = pool.submit(self.executor.get, f"/services/data/v{self.target.api_version}/limits")
                answers = self.executor.run(plan.subrequests)
                limits_answer = limits_future.result()
        else:
            limits_answer = self.executor.get(f"/services/data/v{self.target.api_version}/limits")
            answers = self.executor.run(plan.subrequests)

        refusal = self._refusal([limits_answer, *answers.values()])
        if refusal is not None:
            return refusal

        if target_user is not None and not audited_self and audited_user_state(answers.get("user")) is UserLookup.NO_SUCH_USER:
            raise UsageError(f"--user {target_user}: no such user in this org")
        user = self.part(answers, "user", "User", user_record)
        if not isinstance(user, Unavailable):
            user = self._user(user, answers)
            if target_user is not None and not audited_self and isinstance(user, UserInfo) and not user.is_active:
                raise UsageError(f"--user {target_user}: the user is inactive (Salesforce refuses its API sessions); "
                                 "activate it in Setup > Users > Users, or audit the user HubSpot will connect as")

        assignments = self.records(answers, "assignments", "PermissionSetAssignment")
        sources: Any = assignments
        object_rows: Any = self.records(answers, "object_permissions", "ObjectPermissions")
        field_rows: Any = (
            self.records(answers, "field_permissions", "FieldPermissions") if "field_permissions" in answers else []
        )
        mutings: tuple[MutingRow, ...] | Unavailable = ()
        components: tuple[GroupComponent, ...] | Unavailable = ()
        if not isinstance(assignments, Unavailable):
            sources = self.parsed(assignments, "PermissionSetAssignment", parse_sources)
            if not isinstance(sources, Unavailable):
                sources, object_rows, field_rows = self._group_fallback(assignments, sources, object_rows, field_rows)
                mutings, components = self._mutings(assignments)
        object_permissions = self.parsed(object_rows, "ObjectPermissions", parse_object_permissions)
        field_permissions = self.parsed(field_rows, "FieldPermissions", parse_field_permissions)
        triggers = self.parsed(self.records(answers, "triggers", "ApexTrigger"), "ApexTrigger", parse_triggers)
        package = self.parsed(self.records(answers, "hubspot_package", "HubSpot permission set"),
                              "HubSpot permission set", parse_hubspot_package)
        describes = tuple(
            (name, self.part(answers, f"describe_{name}", f"describe of {name}", parse_describe))
            for name in self.config.objects_in_scope()
        )
        snapshot = OrgSnapshot(
            api_version=self.target.api_version,
            instance_url=self.target.instance_url,
            org=self.part(answers, "org", "Organization", parse_org),
            user=user,
            audited_connected_user=audited_self,
            sources=sources,
            object_permissions=object_permissions,
            field_permissions=field_permissions,
            describes=describes,
            limits=self.part({"limits": limits_answer}, "limits", "/limits", parse_limits),
            triggers=triggers,
            hubspot_package=package,
            service_events=self._service_events(),
            collected_at=_now(),
            api_usage=_usage(self.target.session),
            mutings=mutings,
            group_components=components,
        )
        snapshot = self._with_sync(snapshot)
        ceiling = self._license_ceiling(snapshot, answers)
        if ceiling is not None:
            snapshot = dataclasses.replace(snapshot, license_ceiling=ceiling)
        return dataclasses.replace(snapshot, service_events=self._service_events(), api_usage=_usage(self.target.session))

    def _refusal(self, answers: list[Answer]) -> OrgSnapshot | None:
        refused = _api_refusal(answers)
        return refusal_snapshot(self.target, *refused, at_login=False) if refused else None
