"""The default format: a plain-text report for a Salesforce admin in a terminal.

Layout: a header (org, user, API version), one section per suspension code that has findings
(worst first), the API usage line and the summary line. No ANSI colours: the CLI may add them.
"""

from __future__ import annotations

from tabulate import tabulate

from auditor.model import Finding, Report
from auditor.report._common import (
    Section,
    passed_checks,
    printable,
    sections_by_severity,
    summary_line,
    target,
    usage_line,
)

TITLE = "HubSpot-Salesforce integration audit"
HEADERS = ("status", "check", "object / field", "message", "fix", "source")
# Wrap widths per column (None: never wrapped; statuses are at most 5 characters). tabulate
# pads every column to at least its header plus 2, so "status" is 8 wide, and the "grid"
# borders of six columns take 19: the widest possible table is
# 8 + 22 + 24 + 34 + 30 + 22 + 19 = 159 columns. Check ids get 22 so that ids people copy
# into a config (e.g. "hubspot-permission-set") stay on one line.
MAX_COLUMN_WIDTHS = (None, 22, 24, 34, 30, 22)


def _header(report: Report) -> list[str]:
    if report.org is None:
        org = "not read (see the findings below)"
    else:
        o = report.org
        parts = [f"{o.name} ({o.id})", o.edition]
        if o.instance_name:
            parts.append(f"instance {o.instance_name}")
        parts.append("sandbox" if o.is_sandbox else "production")
        if o.trial_expiration_date:
            parts.append(f"trial until {o.trial_expiration_date}")
        org = ", ".join(parts)
    if report.user is None:
        user = "not read (see the findings below)"
    else:
        u = report.user
        parts = [f"{u.username} ({u.name})", f"profile '{u.profile_name or u.profile_id}'"]
        if u.user_license:
            parts.append(f"license {u.user_license}")
        if not u.is_active:
            parts.append("INACTIVE")
        user = ", ".join(parts)
    lines = [
        TITLE,
        f"  Org:  {org}",
        f"  User: {user}",
        f"  API:  v{report.api_version} at {report.instance_url}",
    ]
    return [printable(line).replace("\n", " ") for line in lines]


def _row(finding: Finding) -> list[str]:
    cells = [
        finding.status.name,
        finding.check,
        target(finding),
        finding.message,
        finding.remediation,
        ", ".join(finding.sources),
    ]
    return [printable(cell) for cell in cells]


def _grid(findings: tuple[Finding, ...]) -> str:
    return tabulate(
        [_row(f) for f in findings],
        headers=list(HEADERS),
        tablefmt="grid",
        maxcolwidths=list(MAX_COLUMN_WIDTHS),
        disable_numparse=True,
    )


def _title(section: Section) -> str:
    return f"{section.code}: {section.label} [{section.verdict}]"


def _section(section: Section, verbose: bool) -> str:
    shown = section.findings if verbose else section.not_passed
    lines = [_title(section), _grid(shown)]
    if not verbose and section.passed:
        lines.append(f"  also passed: {passed_checks(section.passed)}")
    return "\n".join(lines)


def format_table(report: Report, *, verbose: bool = False) -> str:
    """Render ``report`` as a plain-text table report.

    Without ``verbose``, passing findings are not shown row by row: a pass-only section is
    one line, and a section with problems lists its passing checks after its table. With
    ``verbose`` every finding gets a row.
    """
    blocks: list[str] = ["\n".join(_header(report))]
    sections = sections_by_severity(report)
    if not sections:
        blocks.append("No findings: no check ran.")
    collapsed: list[str] = []  # pass-only sections (always last) share one block
    for section in sections:
        if verbose or section.not_passed:
            blocks.append(_section(section, verbose))
        else:
            collapsed.append(f"{_title(section)}  passed: {passed_checks(section.findings)}")
    if collapsed:
        blocks.append("\n".join(collapsed))
    blocks.append("\n".join([usage_line(report.api_usage), summary_line(report)]))
    return "\n\n".join(blocks) + "\n"
