"""The sample fix behind tests/golden/fix/, and the function that rewrites those files.

``python tests/regen_golden.py`` rewrites them with the reporters' golden files; review
``git diff tests/golden/fix`` before committing. The sample plan is built by hand (not by the checks),
so the golden files change only when the writer or the fix formatters do.
"""

from __future__ import annotations

from pathlib import Path

from auditor.fix.plan import Because, FieldGrant, FixPlan, ManualStep, ObjectGrant, UserPermissionGrant
from auditor.fix.render import FixFormat, FixOutput, render_fix
from auditor.fix.writer import DEFAULT_NAME, description, package_xml, permission_set_xml

FIX_GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "fix"
LABEL = "HubSpot <Preflight> Fix & Co"  # needs escaping


def _because(check: str, suspension: str, sobject: str | None, field: str | None, message: str) -> tuple[Because, ...]:
    return (Because(check, suspension, sobject, field, message),)


def sample_plan() -> FixPlan:
    obj, fld, api = "SF_OBJECT_PERMISSIONS", "SF_FIELD_PERMISSIONS", "SF_API_DISABLED"
    return FixPlan(
        username="hubspot@acme.example",
        org="ACME Corp (00D5g00000A1bCdEAF)",
        api_version="62.0",
        audited_at="2026-03-02T09:30:00Z",
        objects=(
            ObjectGrant("Campaign", ("read", "edit"),
                        _because("object-access", obj, "Campaign", None, "lacks Edit on Campaign")),
            ObjectGrant("Territory__c", ("read", "create", "edit"),
                        _because("lookup-access", obj, "Territory__c", None, "lacks Create, Edit on Territory__c")),
        ),
        fields=(
            FieldGrant("Contact.MailingAddress", True,
                       _because("field-access", fld, "Contact", "Contact.MailingCity", "lacks Read, Edit"),
                       ("Contact.MailingCity", "Contact.MailingCountry")),
            FieldGrant("Lead.Fax", False, _because("field-access", fld, "Lead", "Lead.Fax", "lacks Read")),
        ),
        user_permissions=(
            UserPermissionGrant("ApiEnabled", _because("api-enabled", api, None, None, "Nothing grants API Enabled")),
            UserPermissionGrant("EditTask", _because("object-access", obj, "Task", None, "lacks Create, Edit on Task")),
        ),
        manual_steps=(
            ManualStep("hubspot-permission-set", obj, None, None, "The HubSpot package's set is not assigned.",
                       "sf org assign permset --name HubSpot_Integration_Permissions --on-behalf-of "
                       "hubspot@acme.example --target-org <admin-alias>"),
            ManualStep("object-access", obj, None, None, "Permission set group 'Sales' has status Outdated | stale.",
                       "Setup > Users > Permission Set Groups > Sales: recalculate.", required=False),
        ),
    )


def expected_outputs() -> dict[str, str]:
    plan = sample_plan()
    file = f"out/force-app/main/default/permissionsets/{DEFAULT_NAME}.permissionset-meta.xml"
    output = FixOutput(name=DEFAULT_NAME, label=LABEL, out="out", file=file, manifest="out/manifest/package.xml")
    outputs = {
        f"{DEFAULT_NAME}.permissionset-meta.xml": permission_set_xml(plan, label=LABEL,
                                                                     description_text=description(plan)),
        "package.xml": package_xml(DEFAULT_NAME, plan.api_version),
        "empty.txt": render_fix(FixPlan(username="hubspot@acme.example", org=None, api_version="62.0",
                                        audited_at=None), output, FixFormat.TABLE),
    }
    extensions = {FixFormat.TABLE: "txt", FixFormat.JSON: "json", FixFormat.MARKDOWN: "md"}
    for fmt, ext in extensions.items():
        outputs[f"fix.{ext}"] = render_fix(plan, output, fmt)
    return outputs


def write_golden() -> None:
    FIX_GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    outputs = expected_outputs()
    for name, content in sorted(outputs.items()):
        path = FIX_GOLDEN_DIR / name
        if not path.exists() or path.read_bytes() != content.encode("utf-8"):
            path.write_bytes(content.encode("utf-8"))
            print(f"wrote   {path.relative_to(FIX_GOLDEN_DIR.parent.parent.parent)}")
    for path in sorted(FIX_GOLDEN_DIR.iterdir()):
        if path.name not in outputs:
            path.unlink()
            print(f"removed {path}")
