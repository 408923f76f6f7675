"""The conditional rounds after the main composite, one composite each and only when needed: the aggregate
sets of permission set groups missing from the assignments, the groups' muting sets and components, the
sync round (auditor/collect/sync.py), and the user license's ceiling when a synced object gets no Read."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from auditor.collect.executor import Answer
from auditor.collect.parse import group_sources, parse_group_components, parse_mutings, parse_object_permissions, parse_part
from auditor.collect.plan import plan_group_aggregates, plan_license_ceiling, plan_mutings
from auditor.collect.reading import _Reader
from auditor.collect.sync import collect_sync
from auditor.permissions import field_permission_fields, objects_without_read
from auditor.snapshot import FailureKind, GroupComponent, MutingRow, ObjectPermissionRow, OrgSnapshot, Unavailable


class _Rounds(_Reader):
    """The conditional rounds of one collection run (the main round is _Collection.run)."""

    def _with_sync(self, snapshot: OrgSnapshot) -> OrgSnapshot:
        """The sync round (issue 15, auditor/collect/sync.py). Its queries ask for things whose shapes are
        partly unconfirmed, so a refusal is kept as Unavailable (the check says "not evaluated") without a
        service event."""
        parts = collect_sync(snapshot, self.config, self.executor.run,
                             lambda answers, ref, what: self.records(answers, ref, what, optional=True))
        return dataclasses.replace(snapshot, validation_rules=parts.validation_rules, duplicate_rules=parts.duplicate_rules,
                                   permission_set_licenses=parts.permission_set_licenses, record_flows=parts.record_flows)

    def _license_ceiling(self, snapshot: OrgSnapshot, answers: dict[str, Answer]) -> tuple[ObjectPermissionRow, ...] | Unavailable | None:
        """The user license's ObjectPermissions rows, read in one more round only when a synced object gets
        no Read from any of the user's sets (nor View/Modify All Data): then the finding can say whether the
        license rules the object out. None when not needed, so a healthy org pays nothing.

        What UserLicense-parented rows mean is [U] (reference §2.6): read as a ceiling. Tolerant: a failed
        answer is kept as Unavailable without a service event, and no answer ever turns into a claim.
        """
        if not objects_without_read(snapshot, (r.sobject for r in self.config.objects)):
            return None
        profile = answers.get("profile")
        license_id = profile.body.get("UserLicenseId") if profile is not None and profile.ok and isinstance(profile.body, dict) else None
        if not isinstance(license_id, str) or not re.fullmatch(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?", license_id):
            return Unavailable(FailureKind.NOT_COLLECTED, "user license ceiling: the profile did not name the license")
        what = "ObjectPermissions of the user license"
        rows = self.records(self.executor.run(plan_license_ceiling(self.target.api_version, license_id)),
                            "license_ceiling", what, optional=True)
        if isinstance(rows, Unavailable):
            return rows
        parsed: tuple[ObjectPermissionRow, ...] | Unavailable = parse_part(Answer(200, rows), what, parse_object_permissions)
        return parsed

    def _group_fallback(self, assignments: list[dict[str, Any]], sources: Any, object_rows: Any, field_rows: Any) -> tuple[Any, Any, Any]:
        missing = sorted({
            str(a["PermissionSetGroupId"]) for a in assignments
            if a.get("PermissionSetGroupId") and not a.get("PermissionSetId")
        })
        if not missing:
            return sources, object_rows, field_rows
        fields = list(field_permission_fields(m.qualified for m in self.config.mappings))
        answers = self.executor.run(plan_group_aggregates(self.target.api_version, missing, fields))
        group_sets = self.records(answers, "group_sets", "permission set group aggregates")
        more_objects = self.records(answers, "group_object_permissions", "ObjectPermissions (groups)")
        more_fields = self.records(answers, "group_field_permissions", "FieldPermissions (groups)") if fields else []
        if isinstance(group_sets, Unavailable):
            return group_sets, object_rows, field_rows
        extra = self.parsed(group_sets, "permission set group aggregates", lambda rows: group_sources(rows, assignments))
        if isinstance(extra, Unavailable):
            return extra, object_rows, field_rows
        combined_objects = more_objects if isinstance(more_objects, Unavailable) else (
            object_rows if isinstance(object_rows, Unavailable) else object_rows + more_objects)
        combined_fields = more_fields if isinstance(more_fields, Unavailable) else (
            field_rows if isinstance(field_rows, Unavailable) else field_rows + more_fields)
        return tuple(sources) + tuple(extra), combined_objects, combined_fields

    def _mutings(self, assignments: list[dict[str, Any]]
                 ) -> tuple[tuple[MutingRow, ...] | Unavailable, tuple[GroupComponent, ...] | Unavailable]:
        """The muting sets of the user's permission set groups, and the groups' permission sets: a second
        round, sent only when the user has group assignments (so an audit without groups costs nothing more)."""
        labels: dict[str, str] = {}
        for a in assignments:
            group_id = a.get("PermissionSetGroupId")
            if not isinstance(group_id, str) or not group_id:
                continue
            group = a.get("PermissionSetGroup")
            label = (group.get("MasterLabel") or group.get("DeveloperName")) if isinstance(group, dict) else None
            labels[group_id] = label if isinstance(label, str) else group_id
        if not labels:
            return (), ()
        fields = list(field_permission_fields(m.qualified for m in self.config.mappings))
        answers = self.executor.run(plan_mutings(self.target.api_version, sorted(labels), fields))
        components = self.records(answers, "muting_components", "PermissionSetGroupComponent")
        object_rows = self.records(answers, "muting_object_permissions", "ObjectPermissions (muting sets)")
        field_rows: list[dict[str, Any]] | Unavailable = (
            self.records(answers, "muting_field_permissions", "FieldPermissions (muting sets)") if fields else [])
        members: tuple[GroupComponent, ...] | Unavailable = (
            components if isinstance(components, Unavailable) else
            parse_part(Answer(200, components), "PermissionSetGroupComponent", parse_group_components))
        for part in (components, object_rows, field_rows):
            if isinstance(part, Unavailable):
                return part, members
        assert not isinstance(components, Unavailable) and not isinstance(object_rows, Unavailable)
        assert not isinstance(field_rows, Unavailable)
        result: tuple[MutingRow, ...] | Unavailable = parse_part(
            Answer(200, None), "muting permission sets",
            lambda _: parse_mutings(components, object_rows, field_rows, labels))
        if isinstance(result, Unavailable):
            self._failed("muting permission sets", result)
        return result, members
