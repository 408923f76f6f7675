"""An in-process stand-in for one Salesforce org, answering over `responses` callbacks.

It speaks the REST shapes of shared/reference/salesforce-api.md: query envelopes with
``attributes`` on every record and relationship object, ``nextRecordsUrl`` pagination,
``/composite`` with ``compositeResponse`` and ``@{ref}`` substitution, JSON-array error bodies,
``Sforce-Limit-Info`` on every counted response, HTML maintenance pages. It interprets only the
SOQL the auditor sends (FROM object plus the filters it uses); an unknown query is a 400
MALFORMED_QUERY, as Salesforce would answer, so a changed collector cannot pass silently.

Cassettes are made by recording real CLI runs against it (tests/regen_cassettes.py).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
import responses

from tests.simulator.describes import describe as build_describe
from tests.simulator.trust import FakeTrust

JSON = "application/json;charset=UTF-8"
Handler = Callable[[str, str], tuple[int, dict[str, str], str]]


@dataclass
class PermSet:
    id: str  # 0PS...
    name: str
    label: str
    system: frozenset[str] = frozenset()  # e.g. {"ApiEnabled"}
    profile_id: str | None = None  # set for a profile's own set
    profile_name: str | None = None
    group_id: str | None = None  # set for a group's aggregate set
    namespace: str | None = None
    activation_required: bool = False

    @property
    def type(self) -> str:
        return "Profile" if self.profile_id else ("Group" if self.group_id else "Regular")


@dataclass
class Group:
    id: str  # 0PG...
    developer_name: str
    label: str
    status: str = "Updated"


@dataclass
class MutingSet:
    """A MutingPermissionSet inside one group (ids start with 0QM [U: prefix])."""

    id: str
    developer_name: str
    label: str
    group_id: str


@dataclass
class Assignment:
    id: str  # 0Pa...
    user_id: str
    set_id: str | None
    group_id: str | None = None
    expires: str | None = None
    is_active: bool = True


@dataclass
class FakeUser:
    id: str
    username: str
    name: str
    profile_id: str
    active: bool = True
    user_type: str = "Standard"
    marketing_user: bool = True


@dataclass
class Fault:
    """Answer requests whose path matches ``pattern`` with a canned response, ``times`` times
    (None: always). ``subrequest`` faults apply inside /composite."""

    pattern: str
    status: int
    body: str
    content_type: str = JSON
    times: int | None = None
    subrequest: bool = False


def error_body(code: str, message: str) -> str:
    return json.dumps([{"message": message, "errorCode": code}])


MAINTENANCE_PAGE = (
    "<!DOCTYPE html><html><head><title>Salesforce - Maintenance</title></head><body>"
    "<h1>We are down for maintenance</h1><p>Sorry for the inconvenience. We'll be back shortly.</p>"
    "</body></html>"
)


@dataclass
class FakeOrg:
    host: str = "acme.my.salesforce.com"
    version: str = "62.0"
    org_id: str = "00D5g000004SzXbEAK"
    org_name: str = "Acme Corporation"
    edition: str = "Enterprise Edition"
    instance_name: str = "USA596"
    is_sandbox: bool = False
    trial_expiration: str | None = None
    users: list[FakeUser] = field(default_factory=list)
    connected_user_id: str = ""
    profiles: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, license id)
    licenses: dict[str, str] = field(default_factory=dict)  # id -> name (ids start with 100)
    perm_sets: list[PermSet] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    # ParentId, SobjectType, Permissions*. ParentId is polymorphic [C O-OP]: a permission set, a muting set, or
    # a UserLicense (a license's rows are its ceiling [U]); only the auditor's filters keep them apart.
    object_perms: list[dict[str, Any]] = field(default_factory=list)
    field_perms: list[dict[str, Any]] = field(default_factory=list)  # ParentId, SobjectType, Field, Permissions*
    describes: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> describe kwargs
    triggers: list[dict[str, Any]] = field(default_factory=list)
    limits: dict[str, Any] = field(default_factory=dict)
    page_size: int = 2000
    api_usage: int = 1187
    faults: list[Fault] = field(default_factory=list)
    group_assignment_has_set: bool = True  # whether a group assignment's PermissionSetId is filled
    muting_sets: list[MutingSet] = field(default_factory=list)
    group_components: list[tuple[str, str]] = field(default_factory=list)  # (group id, PermissionSet id)
    trust: FakeTrust | None = None  # the public Trust API, answered alongside the org (--trust-status)
    # Issue 15 (sync-error risks), in the shapes of shared/reference/admin-and-sync-facts.md §1.1, §3.1-3.3.
    validation_rules: list[dict[str, Any]] = field(default_factory=list)  # Tooling ValidationRule records
    flows: list[dict[str, Any]] = field(default_factory=list)  # FlowDefinitionView rows
    duplicate_rules: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # object -> UI API duplicateRules
    ui_api_duplicates: bool = True  # False: the UI API duplicates resource answers NOT_FOUND
    psl_assignments: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (user id, PermissionSetLicense)

    _cursors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _cursor_seq: int = 0

    # ----------------------------------------------------------------- plumbing

    @property
    def base(self) -> str:
        return f"https://{self.host}"

    def install(self, mock: responses.RequestsMock) -> None:
        pattern = re.compile(re.escape(self.base) + r"/.*")
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            mock.add_callback(method, pattern, callback=self._callback)
        if self.trust is not None:
            self.trust.install(mock)

    def _callback(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        url = urllib.parse.urlsplit(request.url or "")
        path = url.path + (f"?{url.query}" if url.query else "")
        if not (request.headers.get("Authorization") or "").startswith("Bearer "):
            return 401, {"Content-Type": JSON}, error_body("INVALID_SESSION_ID", "Session expired or invalid")
        if request.method == "POST" and re.fullmatch(rf"/services/data/v{re.escape(self.version)}/composite/?", url.path):
            return self._composite(url.path, request.body)
        if request.method != "GET":
            return 405, {"Content-Type": JSON}, error_body("METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed.")
        return self._answer(path, top_level=True)

    def _fault(self, path: str, *, subrequest: bool) -> Fault | None:
        for fault in self.faults:
            if fault.subrequest == subrequest and re.search(fault.pattern, path) and fault.times != 0:
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    def _headers(self, counted: bool, content_type: str = JSON) -> dict[str, str]:
        headers = {"Content-Type": content_type}
        if counted:
            self.api_usage += 1
            max_calls = self.limits.get("DailyApiRequests", {}).get("Max", 100000)
            headers["Sforce-Limit-Info"] = f"api-usage={self.api_usage}/{max_calls}"
        return headers

    def _answer(self, path: str, *, top_level: bool) -> tuple[int, dict[str, str], str]:
        fault = self._fault(path, subrequest=not top_level)
        if fault is not None:
            return fault.status, self._headers(top_level and fault.status < 500, fault.content_type), fault.body
        status, body = self.get(path)
        return status, self._headers(top_level and path.startswith("/services/data/v")), json.dumps(body)

    def _composite(self, path: str, raw: Any) -> tuple[int, dict[str, str], str]:
        fault = self._fault(path, subrequest=False)
        if fault is not None:
            return fault.status, self._headers(fault.status < 500, fault.content_type), fault.body
        document = json.loads(raw)
        subrequests = document["compositeRequest"]
        if len(subrequests) > 25 or sum("/query" in s["url"] for s in subrequests) > 5:
            return 400, self._headers(True), error_body("INVALID_REQUEST", "Too many subrequests or queries in composite")
        results: list[dict[str, Any]] = []
        by_reference: dict[str, Any] = {}
        for sub in subrequests:
            url, missing = self._substitute(sub["url"], by_reference)
            if missing:
                status, body = 400, [{"errorCode": "PROCESSING_HALTED",
                                      "message": f"Invalid reference specified. No value for {missing} found."}]
            else:
                fault = self._fault(url, subrequest=True)
                if fault is not None:
                    status, body = fault.status, json.loads(fault.body)
                else:
                    status, body = self.get(url)
            by_reference[sub["referenceId"]] = body if status == 200 else None
            results.append({"body": body, "httpHeaders": {}, "httpStatusCode": status, "referenceId": sub["referenceId"]})
        return 200, self._headers(True), json.dumps({"compositeResponse": results})

    @staticmethod
    def _substitute(url: str, answers: dict[str, Any]) -> tuple[str, str | None]:
        missing: str | None = None

        def value(match: re.Match[str]) -> str:
            nonlocal missing
            current: Any = answers.get(match.group(1))
            for key, index in re.findall(r"\.([A-Za-z0-9_]+)|\[(\d+)\]", match.group(2)):
                if isinstance(current, dict) and key:
                    current = current.get(key)
                elif isinstance(current, list) and index and int(index) < len(current):
                    current = current[int(index)]
                else:
                    current = None
            if not isinstance(current, str):
                missing = match.group(0)
                return ""
            return current

        return re.sub(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])+)\}", value, url), missing

    # ------------------------------------------------------------------ resources

    def get(self, path: str) -> tuple[int, Any]:
        """Answer one GET (top level or inside a composite): (status, JSON body)."""
        split = urllib.parse.urlsplit(path)
        params = urllib.parse.parse_qs(split.query)
        if split.path == "/services/oauth2/userinfo":
            user = self.user(self.connected_user_id)
            return 200, {
                "sub": f"https://login.salesforce.com/id/{self.org_id}/{user.id}", "user_id": user.id,
                "organization_id": self.org_id, "preferred_username": user.username, "nickname": user.username.split("@")[0],
                "name": user.name, "email": user.username, "email_verified": True, "zoneinfo": "America/Los_Angeles",
                "user_type": "STANDARD", "language": "en_US", "locale": "en_US", "utcOffset": -28800000,
                "active": user.active, "is_app_installed": True, "updated_at": "2026-10-02T17:04:11Z",
            }
        match = re.fullmatch(rf"/services/data/v{re.escape(self.version)}/(.*)", split.path)
        if match is None:
            return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
        rest = match.group(1).rstrip("/")
        if rest == "limits":
            return 200, self.limits
        if rest == "query":
            return self.query(params.get("q", [""])[0])
        if rest.startswith("query/"):
            return self.query_more(rest.split("/", 1)[1])
        if rest in ("tooling/query", "ui-api") or rest.startswith(("tooling/", "ui-api/")):
            from tests.simulator.sync import answer_sync

            return answer_sync(self, rest, params)
        describe = re.fullmatch(r"sobjects/(\w+)/describe", rest)
        if describe:
            name = describe.group(1)
            if name not in self.describes:
                return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
            return 200, build_describe(name, self.version, **self.describes[name])
        record = re.fullmatch(r"sobjects/(\w+)/(\w+)", rest)
        if record:
            return self.retrieve(record.group(1), record.group(2), params.get("fields", [""])[0].split(","))
        return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]

    def user(self, user_id: str) -> FakeUser:
        return next(u for u in self.users if u.id == user_id)

    def _attributes(self, sobject: str, record_id: str) -> dict[str, str]:
        return {"type": sobject, "url": f"/services/data/v{self.version}/sobjects/{sobject}/{record_id}"}

    def retrieve(self, sobject: str, record_id: str, fields: list[str]) -> tuple[int, Any]:
        record: dict[str, Any] | None = None
        if sobject == "User":
            user = next((u for u in self.users if u.id == record_id), None)
            if user:
                record = {"Id": user.id, "Username": user.username, "Name": user.name, "IsActive": user.active,
                          "UserType": user.user_type, "ProfileId": user.profile_id,
                          "UserPermissionsMarketingUser": user.marketing_user}
        elif sobject == "Profile" and record_id in self.profiles:
            name, license_id = self.profiles[record_id]
            record = {"Id": record_id, "Name": name, "UserLicenseId": license_id}
        elif sobject == "UserLicense" and record_id in self.licenses:
            record = {"Id": record_id, "Name": self.licenses[record_id]}
        elif sobject == "Organization" and record_id == self.org_id:
            record = {"Id": self.org_id, "Name": self.org_name, "OrganizationType": self.edition,
                      "InstanceName": self.instance_name, "IsSandbox": self.is_sandbox,
                      "TrialExpirationDate": self.trial_expiration, "NamespacePrefix": None}
        if record is None:
            return 404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
        unknown = [f for f in fields if f and f not in record]
        if unknown:
            return 400, [{"errorCode": "INVALID_FIELD", "message": f"No such column '{unknown[0]}' on sobject of type {sobject}"}]
        chosen = {f: record[f] for f in fields if f} or record
        return 200, {"attributes": self._attributes(sobject, record_id), **chosen}

    # ---------------------------------------------------------------------- SOQL

    def query(self, soql: str) -> tuple[int, Any]:
        found = re.search(r"\bFROM\s+(\w+)", soql)
        handler = getattr(self, f"_q_{found.group(1)}", None) if found else None
        if handler is None:
            return 400, [{"errorCode": "MALFORMED_QUERY", "message": f"unexpected query: {soql[:80]}"}]
        result = handler(soql)
        if isinstance(result, tuple):
            return result
        selected = [c.strip() for c in re.search(r"SELECT\s+(.*?)\s+FROM\s", soql, re.S).group(1).split(",")]
        try:
            projected = [_project(record, selected) for record in result]
        except KeyError as exc:
            return 400, [{"errorCode": "INVALID_FIELD", "message": f"No such column {exc} on entity '{found.group(1)}'"}]
        return 200, self._page(projected, first=True)

    def _page(self, records: list[dict[str, Any]], *, first: bool, locator: str | None = None, offset: int = 0) -> dict[str, Any]:
        total = len(records)
        if locator is None and total > self.page_size:
            self._cursor_seq += 1
            locator = f"01g5g00000{self._cursor_seq:08d}"
            self._cursors[locator] = records
        page = records[offset:offset + self.page_size]
        done = offset + self.page_size >= total
        body: dict[str, Any] = {"totalSize": total, "done": done}
        if not done:
            body["nextRecordsUrl"] = f"/services/data/v{self.version}/query/{locator}-{offset + self.page_size}"
        body["records"] = page
        return body

    def query_more(self, locator_offset: str) -> tuple[int, Any]:
        locator, _, offset = locator_offset.rpartition("-")
        if locator not in self._cursors:
            return 400, [{"errorCode": "INVALID_QUERY_LOCATOR", "message": "invalid query locator"}]
        return 200, self._page(self._cursors[locator], first=False, locator=locator, offset=int(offset))

    @staticmethod
    def _literal(soql: str, column: str) -> str | None:
        found = re.search(rf"\b{column}\s*=\s*'((?:[^'\\]|\\.)*)'", soql)
        return found.group(1).replace("\\'", "'") if found else None

    @staticmethod
    def _in_list(soql: str, column: str) -> list[str] | None:
        found = re.search(rf"\b{column}\s+IN\s+\(('[^)]*')\)", soql)
        return re.findall(r"'([^']*)'", found.group(1)) if found else None

    def _assigned_set_ids(self, user_id: str) -> set[str]:
        ids = set()
        for a in self.assignments:
            if a.user_id != user_id:
                continue
            if a.set_id and (a.group_id is None or self.group_assignment_has_set):
                ids.add(a.set_id)
        return ids

    def _components(self, group_ids: set[str]) -> list[tuple[str, str, str, str]]:
        """(group id, component id, sObject type, name) of the groups' components, muting sets included."""
        rows = []
        for group_id, set_id in self.group_components:
            if group_id in group_ids:
                permission_set = next((s for s in self.perm_sets if s.id == set_id), None)
                if permission_set is not None:
                    rows.append((group_id, set_id, "PermissionSet", permission_set.name))
        rows += [(m.group_id, m.id, "MutingPermissionSet", m.developer_name) for m in self.muting_sets if m.group_id in group_ids]
        return rows

    def _parents(self, soql: str) -> set[str]:
        single = re.search(r"\bParentId\s*=\s*'(\w+)'", soql)
        if single:  # one parent, e.g. a UserLicense: its rows sit in the same table as the sets' rows
            return {single.group(1)}
        component = re.search(r"FROM\s+PermissionSetGroupComponent\s+WHERE\s+PermissionSetGroupId\s+IN\s+\(('[^)]*')\)", soql)
        if component:
            return {row[1] for row in self._components(set(re.findall(r"'([^']*)'", component.group(1))))}
        assignee = re.search(r"AssigneeId\s*=\s*'(\w+)'", soql)
        if assignee:
            return self._assigned_set_ids(assignee.group(1))
        groups = re.search(r"PermissionSetGroupId\s+IN\s+\(('[^)]*')\)", soql)
        if groups:
            wanted = set(re.findall(r"'([^']*)'", groups.group(1)))
            return {s.id for s in self.perm_sets if s.group_id in wanted}
        raise ValueError(f"unsupported permission filter in {soql}")

    def _q_User(self, soql: str) -> list[dict[str, Any]]:
        username = self._literal(soql, "Username")
        return [{"attributes": self._attributes("User", u.id), "Id": u.id, "Username": u.username, "Name": u.name,
                 "IsActive": u.active, "UserType": u.user_type, "ProfileId": u.profile_id,
                 "UserPermissionsMarketingUser": u.marketing_user}
                for u in self.users if u.username == username]

    def _set_fields(self, s: PermSet, prefix: str = "") -> dict[str, Any]:
        from auditor.collect.plan import SYSTEM_PERMISSIONS

        record: dict[str, Any] = {
            "attributes": self._attributes("PermissionSet", s.id), "Name": s.name, "Label": s.label,
            "NamespacePrefix": s.namespace, "IsOwnedByProfile": s.profile_id is not None, "Type": s.type,
            "HasActivationRequired": s.activation_required,
            "Profile": ({"attributes": self._attributes("Profile", s.profile_id), "Name": s.profile_name}
                        if s.profile_id else None),
        }
        record.update({f"Permissions{p}": p in s.system for p in SYSTEM_PERMISSIONS})
        return record

    def _q_PermissionSetAssignment(self, soql: str) -> list[dict[str, Any]] | tuple[int, Any]:
        user_id = self._literal(soql, "AssigneeId")
        rows = []
        for a in self.assignments:
            if a.user_id != user_id:
                continue
            set_id = a.set_id if (a.group_id is None or self.group_assignment_has_set) else None
            permission_set = next((s for s in self.perm_sets if s.id == set_id), None)
            group = next((g for g in self.groups if g.id == a.group_id), None)
            rows.append({
                "attributes": self._attributes("PermissionSetAssignment", a.id), "Id": a.id,
                "PermissionSetId": set_id, "PermissionSetGroupId": a.group_id, "ExpirationDate": a.expires,
                "IsActive": a.is_active,
                "PermissionSet": self._set_fields(permission_set) if permission_set else None,
                "PermissionSetGroup": ({"attributes": self._attributes("PermissionSetGroup", group.id),
                                        "DeveloperName": group.developer_name, "MasterLabel": group.label,
                                        "Status": group.status} if group else None),
            })
        return rows

    def _q_ObjectPermissions(self, soql: str) -> list[dict[str, Any]]:
        parents = self._parents(soql)
        return [{"attributes": self._attributes("ObjectPermissions", row["Id"]), **{k: v for k, v in row.items()}}
                for row in self.object_perms if row["ParentId"] in parents]

    def _q_FieldPermissions(self, soql: str) -> list[dict[str, Any]]:
        parents = self._parents(soql)
        fields = {f.lower() for f in (self._in_list(soql, "Field") or [])}
        return [{"attributes": self._attributes("FieldPermissions", row["Id"]), **row}
                for row in self.field_perms if row["ParentId"] in parents and row["Field"].lower() in fields]

    def _q_PermissionSetGroupComponent(self, soql: str) -> list[dict[str, Any]]:
        groups = set(self._in_list(soql, "PermissionSetGroupId") or [])
        return [{"attributes": self._attributes("PermissionSetGroupComponent", f"0PC{set_id[3:]}"),
                 "PermissionSetGroupId": group_id, "PermissionSetId": set_id,
                 # Polymorphic relationship: attributes.type names the referenced object [S].
                 "PermissionSet": {"attributes": self._attributes(kind, set_id), "Name": name}}
                for group_id, set_id, kind, name in self._components(groups)]

    def _q_FlowDefinitionView(self, soql: str) -> list[dict[str, Any]]:
        from tests.simulator.sync import flow_rows

        return flow_rows(self, soql)

    def _q_PermissionSetLicenseAssign(self, soql: str) -> list[dict[str, Any]]:
        from tests.simulator.sync import psl_rows

        return psl_rows(self, soql)

    def _q_ApexTrigger(self, soql: str) -> list[dict[str, Any]]:
        objects = set(self._in_list(soql, "TableEnumOrId") or [])
        return [{"attributes": self._attributes("ApexTrigger", t["Id"]), **t}
                for t in self.triggers if t["TableEnumOrId"] in objects and t.get("Status", "Active") == "Active"]

    def _q_PermissionSet(self, soql: str) -> list[dict[str, Any]]:
        namespace = self._literal(soql, "NamespacePrefix")
        if namespace is not None:
            return [{"attributes": self._attributes("PermissionSet", s.id), "Id": s.id, "Name": s.name,
                     "Label": s.label, "NamespacePrefix": s.namespace}
                    for s in self.perm_sets if s.namespace == namespace]
        from auditor.collect.plan import SYSTEM_PERMISSIONS

        groups = set(self._in_list(soql, "PermissionSetGroupId") or [])
        rows = []
        for s in self.perm_sets:
            if s.group_id in groups:
                row = {"attributes": self._attributes("PermissionSet", s.id), "Id": s.id, "Name": s.name,
                       "Label": s.label, "NamespacePrefix": s.namespace, "Type": s.type, "PermissionSetGroupId": s.group_id}
                row.update({f"Permissions{p}": p in s.system for p in SYSTEM_PERMISSIONS})
                rows.append(row)
        return rows


def _project(record: dict[str, Any], selected: list[str]) -> dict[str, Any]:
    """Keep only the selected fields (and ``attributes``), as Salesforce returns a query row.

    A relationship path (PermissionSet.Profile.Name) keeps the nested object with its own
    ``attributes``; a null relationship stays null.
    """
    out: dict[str, Any] = {"attributes": record["attributes"]}
    for path in selected:
        head, _, rest = path.partition(".")
        if not rest:
            out[head] = record[head]
            continue
        child = record[head]
        if child is None:
            out[head] = None
            continue
        existing = out.get(head) or {"attributes": child["attributes"]}
        existing.update({k: v for k, v in _project(child, [rest]).items()})
        out[head] = existing
    return out
