"""The permission set and manifest `auditor fix` writes: golden files, and their structure checked
against the PermissionSet metadata type (element names, order, booleans, namespace)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from auditor.errors import UsageError
from auditor.fix.plan import FixPlan, UserPermissionGrant
from auditor.fix.writer import (
    DEFAULT_NAME,
    METADATA_NAMESPACE,
    check_label,
    check_name,
    description,
    package_xml,
    permission_set_xml,
    project_json,
    write_fix,
)
from tests.fix_golden import FIX_GOLDEN_DIR, LABEL, expected_outputs, sample_plan

# The PermissionSet type as the Metadata API Developer Guide lists the parts the fix uses, in the order
# Salesforce writes them (alphabetical) [C meta_permissionset.htm].
TOP_LEVEL = ("description", "fieldPermissions", "hasActivationRequired", "label", "objectPermissions", "userPermissions")
CHILDREN = {
    "fieldPermissions": ("editable", "field", "readable"),
    "objectPermissions": ("allowCreate", "allowDelete", "allowEdit", "allowRead", "modifyAllRecords", "object",
                          "viewAllRecords"),
    "userPermissions": ("enabled", "name"),
}
BOOLEAN = {"editable", "readable", "hasActivationRequired", "allowCreate", "allowDelete", "allowEdit", "allowRead",
           "modifyAllRecords", "viewAllRecords", "enabled"}


def _local(tag: str) -> str:
    assert tag.startswith(f"{{{METADATA_NAMESPACE}}}"), f"{tag} is outside the Metadata API namespace"
    return tag.split("}", 1)[1]


@pytest.mark.parametrize("name", sorted(expected_outputs()))
def test_golden(name: str) -> None:
    expected = (FIX_GOLDEN_DIR / name).read_text(encoding="utf-8")
    assert expected_outputs()[name] == expected, f"run python tests/regen_golden.py and review tests/golden/fix/{name}"


def test_no_stray_golden_files() -> None:
    assert {p.name for p in FIX_GOLDEN_DIR.iterdir()} == set(expected_outputs())


def test_permission_set_structure() -> None:
    text = expected_outputs()[f"{DEFAULT_NAME}.permissionset-meta.xml"]
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n')
    assert text.endswith("</PermissionSet>\n")
    root = ET.fromstring(text)
    assert _local(root.tag) == "PermissionSet"
    tags = [_local(child.tag) for child in root]
    # every element is known, top-level elements in Salesforce's order (repeats adjacent)
    assert list(dict.fromkeys(tags)) == [t for t in TOP_LEVEL if t in tags]
    assert tags == sorted(tags, key=TOP_LEVEL.index)
    for child in root:
        tag = _local(child.tag)
        if tag in CHILDREN:
            assert [_local(grand.tag) for grand in child] == list(CHILDREN[tag])
        for element in (child, *child):
            if _local(element.tag) in BOOLEAN:
                assert element.text in ("true", "false")
    # repeated elements sorted by their key, fields qualified
    fields = [e.findtext(f"{{{METADATA_NAMESPACE}}}field") or "" for e in root.iter(f"{{{METADATA_NAMESPACE}}}fieldPermissions")]
    assert fields == sorted(fields) and all(f.count(".") == 1 for f in fields)
    objects = [e.findtext(f"{{{METADATA_NAMESPACE}}}object") for e in root.iter(f"{{{METADATA_NAMESPACE}}}objectPermissions")]
    assert objects == sorted(objects)  # type: ignore[type-var]
    assert root.findtext(f"{{{METADATA_NAMESPACE}}}label") == LABEL  # escaped in the file, intact once parsed
    assert len(root.findtext(f"{{{METADATA_NAMESPACE}}}description") or "") <= 255


def test_package_xml_names_the_set_and_version() -> None:
    root = ET.fromstring(package_xml("My_Set", "61.0"))
    assert _local(root.tag) == "Package"
    assert [_local(c.tag) for c in root] == ["types", "version"]
    types = root.find(f"{{{METADATA_NAMESPACE}}}types")
    assert types is not None and [(_local(c.tag), c.text) for c in types] == [("members", "My_Set"), ("name", "PermissionSet")]
    assert root.findtext(f"{{{METADATA_NAMESPACE}}}version") == "61.0"


@pytest.mark.parametrize("permission", ["ModifyAllData", "ViewAllData", "ManageUsers", "AuthorApex",
                                        "CustomizeApplication", "ModifyMetadata"])
def test_never_writes_a_forbidden_permission(permission: str) -> None:
    plan = FixPlan("u", None, "62.0", None, user_permissions=(UserPermissionGrant(permission, ()),))
    with pytest.raises(ValueError, match=permission):
        permission_set_xml(plan, label="x", description_text="x")


@pytest.mark.parametrize("name", ["1abc", "a__b", "abc_", "has space", "x" * 81, ""])
def test_bad_api_names_are_usage_errors(name: str) -> None:
    with pytest.raises(UsageError):
        check_name(name)


@pytest.mark.parametrize("label", ["", "   ", "x" * 81])
def test_bad_labels_are_usage_errors(label: str) -> None:
    with pytest.raises(UsageError):
        check_label(label)


def test_description_says_what_and_when_and_fits() -> None:
    plan = sample_plan()
    text = description(plan)
    assert "hubspot@acme.example" in text and "2026-03-02T09:30:00Z" in text and "ACME Corp" in text
    long = FixPlan("u" * 300, None, "62.0", None)
    assert len(description(long)) == 255


def _write(out: Path, set_xml: str = "<a/>\n", *, force: bool = False) -> None:
    write_fix(out, "S", set_xml, "<p/>\n", project_json("62.0"), force=force)


def test_writes_the_sfdx_layout(tmp_path: Path) -> None:
    _write(tmp_path / "out")
    files = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert files == ["force-app/main/default/permissionsets/S.permissionset-meta.xml", "manifest/package.xml",
                     "sfdx-project.json"]


def test_rerun_with_same_content_is_fine_other_content_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out)
    _write(out)  # identical: no error
    set_file = out / "force-app/main/default/permissionsets/S.permissionset-meta.xml"
    set_file.write_text("<edited/>\n", encoding="utf-8")
    with pytest.raises(UsageError, match="exists with other content.*--force"):
        _write(out, "<b/>\n")
    assert set_file.read_text(encoding="utf-8") == "<edited/>\n"  # nothing touched
    _write(out, "<b/>\n", force=True)
    assert set_file.read_text(encoding="utf-8") == "<b/>\n"


def test_existing_project_file_is_kept(tmp_path: Path) -> None:
    (tmp_path / "sfdx-project.json").write_text("{}\n", encoding="utf-8")
    _write(tmp_path)
    assert (tmp_path / "sfdx-project.json").read_text(encoding="utf-8") == "{}\n"


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not a directory"):
        _write(tmp_path / "f")


def test_same_grants_from_a_later_audit_replace_the_file(tmp_path: Path) -> None:
    first = '<?xml version="1.0"?>\n<PermissionSet>\n    <description>audit at 10:00</description>\n    <label>x</label>\n</PermissionSet>\n'
    _write(tmp_path, first)
    later = first.replace("10:00", "10:01")
    _write(tmp_path, later)
    assert (tmp_path / "force-app/main/default/permissionsets/S.permissionset-meta.xml").read_text(encoding="utf-8") == later
    with pytest.raises(UsageError):
        _write(tmp_path, later.replace("<label>x</label>", "<label>y</label>"))
