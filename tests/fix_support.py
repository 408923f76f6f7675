"""Test support for `auditor fix`: applying a generated permission set to a snapshot as Salesforce would.

:func:`apply_permission_set` parses the generated ``.permissionset-meta.xml`` (not the plan: the file is
what gets deployed), refuses what Salesforce's deploy or assignment would refuse, and returns the snapshot
with the new set assigned to the user: one more PermissionSource with its ObjectPermissions and
FieldPermissions rows, exactly as the collector would read them after `sf org assign permset`.

Refused, as Salesforce would [C Object Reference ObjectPermissions/FieldPermissions; reference
salesforce-api.md §2.6-2.7]: an object permission without its dependencies in the same set, Edit on a
field without Read, a field that is not permissionable, an address component whose compound is in
describe, an object permission the user's licence does not allow, and the forbidden system permissions.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from auditor.fix.plan import NEVER_GRANTED, OBJECT_DEPENDENCIES
from auditor.fix.writer import METADATA_NAMESPACE
from auditor.snapshot import (
    FieldPermissionRow,
    ObjectDescribe,
    ObjectPermissionRow,
    OrgSnapshot,
    PermissionSource,
    SourceKind,
    Unavailable,
)
from tests.factory import fake_id

NS = {"m": METADATA_NAMESPACE}
_OBJECT_TAGS = {"allowRead": "read", "allowCreate": "create", "allowEdit": "edit", "allowDelete": "delete",
                "viewAllRecords": "view_all", "modifyAllRecords": "modify_all"}


class DeployRefused(AssertionError):
    """Salesforce would refuse to deploy or assign this set."""


def _flag(element: ET.Element, tag: str) -> bool:
    text = element.findtext(f"m:{tag}", namespaces=NS)
    if text not in ("true", "false"):
        raise DeployRefused(f"<{tag}> must be true or false, got {text!r}")
    return text == "true"


def _objects(root: ET.Element, set_id: str, snapshot: OrgSnapshot) -> list[ObjectPermissionRow]:
    rows = []
    ceiling = snapshot.license_ceiling if isinstance(snapshot.license_ceiling, tuple) and snapshot.license_ceiling else None
    for element in root.findall("m:objectPermissions", NS):
        sobject = element.findtext("m:object", namespaces=NS) or ""
        flags = {name: _flag(element, tag) for tag, name in _OBJECT_TAGS.items()}
        for name, on in flags.items():
            missing = [d for d in OBJECT_DEPENDENCIES[name] if on and not flags[d]]
            if missing:
                raise DeployRefused(f"{sobject}: {name} depends on {missing} in the same set")
        if ceiling is not None:
            allowed = next((r for r in ceiling if r.sobject.lower() == sobject.lower()), None)
            denied = [n for n, on in flags.items() if on and (allowed is None or not getattr(allowed, n))]
            if denied:
                raise DeployRefused(f"the user license doesn't allow {denied} on {sobject}")
        rows.append(ObjectPermissionRow(source_id=set_id, sobject=sobject, **flags))
    return rows


def _fields(root: ET.Element, set_id: str, snapshot: OrgSnapshot) -> list[FieldPermissionRow]:
    rows = []
    for element in root.findall("m:fieldPermissions", NS):
        qualified = element.findtext("m:field", namespaces=NS) or ""
        readable, editable = _flag(element, "readable"), _flag(element, "editable")
        if editable and not readable:
            raise DeployRefused(f"{qualified}: Edit without Read")
        sobject, _, name = qualified.partition(".")
        described = snapshot.describe(sobject)
        if isinstance(described, ObjectDescribe):
            field = described.field(name)
            if field is not None and not field.permissionable:
                raise DeployRefused(f"{qualified} is not permissionable")
            compound = getattr(field, "compound_field_name", None)
            parent = described.field(compound) if isinstance(compound, str) and compound else None
            if parent is not None and parent.type == "address":
                raise DeployRefused(f"{qualified} is a component of {parent.name}: grant the compound")
        rows.append(FieldPermissionRow(source_id=set_id, sobject=sobject, field=qualified, read=readable, edit=editable))
        if isinstance(described, ObjectDescribe):
            # The compound's security is its components' [C reference §2.7]. Salesforce keeps the row on the
            # compound only; the components' rows are added too so that a check reading either agrees.
            rows += [FieldPermissionRow(source_id=set_id, sobject=sobject, field=f"{described.name}.{f.name}",
                                        read=readable, edit=editable)
                     for f in described.fields if getattr(f, "compound_field_name", None) == name]
    return rows


def apply_permission_set(snapshot: OrgSnapshot, xml_text: str, name: str) -> OrgSnapshot:
    """``snapshot`` with the set in ``xml_text`` deployed as ``name`` and assigned to the audited user."""
    root = ET.fromstring(xml_text)
    if root.tag != f"{{{METADATA_NAMESPACE}}}PermissionSet":
        raise DeployRefused(f"root element {root.tag}")
    set_id = fake_id("0PS", "deployed " + name)
    permissions = frozenset(
        element.findtext("m:name", namespaces=NS) or ""
        for element in root.findall("m:userPermissions", NS) if _flag(element, "enabled")
    )
    forbidden = permissions & NEVER_GRANTED
    if forbidden:
        raise AssertionError(f"the generated set grants {sorted(forbidden)}")
    source = PermissionSource(id=set_id, kind=SourceKind.PERMISSION_SET, name=name,
                              label=root.findtext("m:label", namespaces=NS) or name, namespace_prefix=None,
                              system_permissions=permissions)
    assert not isinstance(snapshot.sources, Unavailable)
    assert not isinstance(snapshot.object_permissions, Unavailable)
    assert not isinstance(snapshot.field_permissions, Unavailable)
    return dataclasses.replace(
        snapshot,
        sources=snapshot.sources + (source,),
        object_permissions=snapshot.object_permissions + tuple(_objects(root, set_id, snapshot)),
        field_permissions=snapshot.field_permissions + tuple(_fields(root, set_id, snapshot)),
    )
