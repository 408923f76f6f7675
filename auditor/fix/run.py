"""The `auditor fix` command's work once the plan is known: write the files, render, pick the exit status.

Kept out of cli.py so the command there stays a thin wrapper. Exit statuses: 0 the set covers every
permission failure (or there is nothing to fix), 1 manual steps remain, 3 the audit could not say
what is missing (nothing is written then); usage errors (2) are raised as UsageError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import AuditIncomplete, UsageError
from auditor.fix.document import FixDocumentError, plan_from_document
from auditor.fix.plan import FixPlan
from auditor.fix.render import FixFormat, FixOutput, render_fix
from auditor.fix.writer import (
    check_label,
    check_name,
    description,
    package_xml,
    permission_set_xml,
    project_json,
    write_fix,
)


@dataclass(frozen=True)
class FixResult:
    text: str  # what goes to stdout
    exit_status: int
    summary: str  # the one-line summary for stderr


def plan_from_report(path: Path) -> FixPlan:
    """The plan an `audit -f json` report carries in its ``fix`` key; UsageError when it has none."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--from-report {path}: cannot read ({exc.strerror or exc})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--from-report {path}: not a JSON report ({exc})") from None
    if not isinstance(document, dict) or document.get("schema_version") != 1 or "findings" not in document:
        raise UsageError(f"--from-report {path}: not an `auditor audit -f json` report (schema_version 1)")
    if "fix" not in document:
        raise UsageError(f"--from-report {path}: the report has no 'fix' key (made by an older auditor); "
                         "run `auditor audit -f json` again")
    user = document.get("user") if isinstance(document.get("user"), dict) else None
    org = document.get("org") if isinstance(document.get("org"), dict) else None
    api_version = document.get("api_version")
    if not isinstance(api_version, str):
        raise UsageError(f"--from-report {path}: api_version missing")
    try:
        return plan_from_document(
            document["fix"],
            username=str(user["username"]) if user and user.get("username") else None,
            org=f"{org.get('name')} ({org.get('id')})" if org else None,
            api_version=api_version,
        )
    except FixDocumentError as exc:
        raise UsageError(f"--from-report {path}: {exc}") from None


def run_fix(plan: FixPlan, *, name: str, label: str, out: Path | None, fmt: FixFormat, force: bool,
            source: str | None = None) -> FixResult:
    """Write (when ``out`` is given and there is something to grant) and render ``plan``."""
    check_name(name)
    check_label(label)
    if plan.incomplete:
        raise AuditIncomplete(f"could not complete: {plan.incomplete[0]} (nothing written; fix that, then run "
                              "`auditor fix` again)")
    file = manifest = None
    if out is not None and plan.grants_anything:
        set_xml = permission_set_xml(plan, label=label, description_text=description(plan, source))
        paths = write_fix(out, name, set_xml, package_xml(name, plan.api_version), project_json(plan.api_version),
                          force=force)
        file, manifest = str(paths.permission_set), str(paths.manifest)
    output = FixOutput(name=name, label=label, out=str(out) if out is not None else None, file=file,
                       manifest=manifest)
    text = render_fix(plan, output, fmt)
    grants = len(plan.objects) + len(plan.fields) + len(plan.user_permissions)
    required = len(plan.required_steps)
    if not plan.grants_anything and not plan.manual_steps:
        summary = "nothing to fix: no permission failure (no file written)"
    else:
        if not plan.grants_anything:
            written = "no permission set needed"
        else:
            written = f"permission set written to {out}" if file else "permission set not written (no --out)"
        summary = f"{grants} grants, {required} manual steps remaining; {written}"
    return FixResult(text=text, exit_status=1 if required else 0, summary=summary)
