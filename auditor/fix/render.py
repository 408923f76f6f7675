"""What `auditor fix` prints: the grants and why, the manual steps, and the commands to deploy and assign.

Pure formatters over a FixPlan and where its files went (or would go). Deterministic.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from enum import Enum
from typing import Any

from auditor.fix.document import grants_document, steps_document
from auditor.fix.plan import Because, FixPlan, user_permission_label
from auditor.permissions import PERMISSION_LABELS


class FixFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class FixOutput:
    """The set's identity and where its files are (``None`` when nothing was written)."""

    name: str
    label: str
    out: str | None  # --out DIR as given
    file: str | None  # the .permissionset-meta.xml path
    manifest: str | None


def commands(plan: FixPlan, output: FixOutput) -> list[str]:
    """The commands that deploy and assign the set, then re-audit (the auditor itself runs none)."""
    if not plan.grants_anything:
        return []
    who = plan.username or "<integration user's username>"
    out = output.out or "<DIR>"
    return [
        f"cd {out} && sf project deploy start --manifest manifest/package.xml --target-org <admin-alias>",
        f"sf org assign permset --name {output.name} --on-behalf-of {who} --target-org <admin-alias>",
        "auditor audit ...   # the same options as before: the permission failures should be gone",
    ]


def _because_text(items: tuple[Because, ...]) -> str:
    return "; ".join(f"{b.check} {b.field or b.object or ''}".strip() for b in items)


# The text layout wraps at this width: a grant's findings and an address's components can be long,
# and one line per grant ran to 190 columns.
TEXT_WIDTH = 100


def _grant_lines(plan: FixPlan) -> list[tuple[str, str, str]]:
    """(what, grant, because) per grant; ``what`` names the components an address grant covers."""
    rows = []
    for grant in plan.objects:
        rows.append((f"object {grant.sobject}", ", ".join(PERMISSION_LABELS[p] for p in grant.permissions),
                     _because_text(grant.because)))
    for field_grant in plan.fields:
        covers = f" (covers {', '.join(field_grant.covers)})" if field_grant.covers else ""
        rows.append((f"field {field_grant.field}{covers}", "Read, Edit" if field_grant.editable else "Read",
                     _because_text(field_grant.because)))
    for permission in plan.user_permissions:
        rows.append((f"user permission {permission.name}", user_permission_label(permission.name),
                     _because_text(permission.because)))
    return rows


def _grant_block(what: str, grant: str, why: str) -> list[str]:
    """One grant as a few lines: "  field Contact.MailingAddress (covers ...): Read, Edit", then what it answers."""
    lines = textwrap.wrap(f"{what}: {grant}", TEXT_WIDTH, initial_indent="  ", subsequent_indent="      ",
                          break_on_hyphens=False)
    lines += textwrap.wrap(f"answers {why}", TEXT_WIDTH, initial_indent="      ", subsequent_indent="        ",
                           break_on_hyphens=False)
    return lines


def _headline(plan: FixPlan, output: FixOutput) -> str:
    if not plan.grants_anything and not plan.manual_steps:
        return "Nothing to fix: no permission failure. No file written."
    if not plan.grants_anything:
        return "No permission set needed: every remaining failure is a manual step. No file written."
    where = f"written to {output.file}" if output.file else "not written (give --out DIR to write it)"
    return f"Permission set {output.name} ('{output.label}'): {where}."


def format_table(plan: FixPlan, output: FixOutput) -> str:
    lines = [_headline(plan, output)]
    rows = _grant_lines(plan)
    if rows:
        lines.append("")
        lines.append("Grants (and the findings they answer):")
        lines += [line for what, grant, why in rows for line in _grant_block(what, grant, why)]
    if plan.manual_steps:
        lines.append("")
        lines.append("Manual steps (no permission set can do these):")
        for number, step in enumerate(plan.manual_steps, 1):
            subject = step.field or step.object or ""
            optional = "" if step.required else " (advisory)"
            lines.append(f"  {number}. [{step.check}{' ' + subject if subject else ''}]{optional} {step.why}")
            lines.append(f"     How: {step.how}")
    if plan.not_addressed:
        lines.append("")
        lines.append(f"Not a permission problem ({len(plan.not_addressed)} other failing findings; see `auditor audit`): "
                     + "; ".join(sorted({b.check for b in plan.not_addressed})))
    steps = commands(plan, output)
    if steps:
        lines.append("")
        lines.append("Deploy, assign, re-audit (run by you; the auditor changes nothing in the org):")
        lines += [f"  {command}" for command in steps]
    return "\n".join(lines) + "\n"


def fix_document(plan: FixPlan, output: FixOutput) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "user": plan.username,
        "org": plan.org,
        "api_version": plan.api_version,
        "permission_set": ({"name": output.name, "label": output.label, "file": output.file,
                            "manifest": output.manifest} if plan.grants_anything else None),
        "grants": grants_document(plan),
        "manual_steps": steps_document(plan.manual_steps),
        "not_addressed": [{"check": b.check, "suspension": b.suspension, "object": b.object, "field": b.field,
                           "message": b.message} for b in plan.not_addressed],
        "commands": commands(plan, output),
        "covers_every_permission_failure": not plan.required_steps,
    }


def format_json(plan: FixPlan, output: FixOutput) -> str:
    return json.dumps(fix_document(plan, output), indent=2, sort_keys=True) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(plan: FixPlan, output: FixOutput) -> str:
    lines = [f"## auditor fix{' for ' + _cell(plan.username) if plan.username else ''}", "", _headline(plan, output)]
    rows = _grant_lines(plan)
    if rows:
        lines += ["", "| Grant | Permissions | Because |", "|---|---|---|"]
        lines += [f"| {_cell(what)} | {_cell(grant)} | {_cell(why)} |" for what, grant, why in rows]
    if plan.manual_steps:
        lines += ["", "### Manual steps", ""]
        for number, step in enumerate(plan.manual_steps, 1):
            subject = f" `{step.field or step.object}`" if (step.field or step.object) else ""
            optional = " *(advisory)*" if not step.required else ""
            lines.append(f"{number}. **{step.check}**{subject}{optional}: {_cell(step.why)}  ")
            lines.append(f"   How: {_cell(step.how)}")
    steps = commands(plan, output)
    if steps:
        lines += ["", "### Deploy, assign, re-audit", "", "```sh", *steps, "```"]
    return "\n".join(lines) + "\n"


FORMATTERS = {FixFormat.TABLE: format_table, FixFormat.JSON: format_json, FixFormat.MARKDOWN: format_markdown}


def render_fix(plan: FixPlan, output: FixOutput, fmt: FixFormat) -> str:
    return FORMATTERS[fmt](plan, output)
