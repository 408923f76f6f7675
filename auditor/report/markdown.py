"""GitHub-flavoured markdown: for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A title, a verdict line, an overview of every suspension with findings, then one table per
suspension that has a problem (passing rows are summarised, as in the terminal table) and a
folded table of the suspensions whose checks all passed. Cell text is escaped so that a pipe,
an HTML-looking string or markdown punctuation in a message cannot break the layout.
"""

from __future__ import annotations

from auditor.model import Finding, Report, Status
from auditor.report._common import (
    audited_line,
    LOOKUP_ARROW,
    Section,
    passed_checks,
    plural,
    printable,
    not_evaluated_line,
    sections_by_severity,
    split_not_evaluated,
    shown_message,
    summary_line,
    usage_line,
)
from auditor.suspensions import SUSPENSIONS

TITLE = "## HubSpot-Salesforce integration audit"
_SPECIAL = frozenset("\\`*_[]<>|&~")
_WORST_FIRST = (Status.FAIL, Status.ERROR, Status.WARN, Status.PASS)


def escape(text: str) -> str:
    """Escape ``text`` for a GFM table cell: backslash-escape markdown punctuation (pipes
    included, so they do not split the cell) and turn line breaks into ``<br>``."""
    escaped = "".join("\\" + ch if ch in _SPECIAL else ch for ch in printable(text))
    return "<br>".join(escaped.splitlines())


def code(text: str) -> str:
    """``text`` as an inline code span, safe inside a table cell."""
    if not text or "`" in text or printable(text) != text:
        return escape(text)
    return "`" + text.replace("|", "\\|") + "`"


def _target(finding: Finding) -> str:
    if finding.lookup_path:
        return LOOKUP_ARROW.join(code(step) for step in finding.lookup_path)
    return code(finding.field or finding.object or "")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _verdict(report: Report) -> str:
    codes = report.would_suspend
    if codes:
        listed = ", ".join(f"`{c.value}` ({SUSPENSIONS[c].label})" for c in codes)
        return f":x: **{plural(len(codes), 'suspension')} predicted:** {listed}"
    # A risk check's error does not make the audit incomplete (the same rule as the exit status).
    errors, warnings = len(report.suspension_findings(Status.ERROR)), report.count(Status.WARN)
    if errors:
        return (
            f":grey_question: **No suspension predicted, but {plural(errors, 'check')} "
            "could not be completed**: the audit is incomplete."
        )
    if warnings:
        return f":warning: **No suspension predicted**, {plural(warnings, 'warning')}."
    return ":white_check_mark: **No suspension predicted.**"


def _context(report: Report) -> list[str]:
    if report.org is None:
        org = "not read (see the findings)"
    else:
        o = report.org
        parts = [f"{escape(o.name)} ({code(o.id)})", escape(o.edition)]
        if o.instance_name:
            parts.append(f"instance {escape(o.instance_name)}")
        parts.append("sandbox" if o.is_sandbox else "production")
        org = ", ".join(parts)
    if report.user is None:
        user = "not read (see the findings)"
    else:
        u = report.user
        parts = [f"{code(u.username)} ({escape(u.name)})"]
        parts.append(f"profile {escape(u.profile_name or u.profile_id)}")
        if u.user_license:
            parts.append(f"license {escape(u.user_license)}")
        if not u.is_active:
            parts.append("**inactive**")
        user = ", ".join(parts)
    return [
        f"- **Org:** {org}",
        f"- **User:** {user}",
        f"- **Audited:** {escape(audited_line(report))}",
        f"- **API:** v{escape(report.api_version)} at {escape(report.instance_url)}",
    ]


def _overview(sections: list[Section]) -> list[str]:
    rows = []
    for s in sections:
        counts = [str(sum(1 for f in s.findings if f.status is st)) for st in _WORST_FIRST]
        rows.append([code(s.code), escape(s.label), s.verdict, *counts])
    headers = ["Suspension", "HubSpot label", "Verdict", *(st.value for st in _WORST_FIRST)]
    return _table(headers, rows)


def _section(section: Section) -> list[str]:
    rows = [
        [
            f.status.name,
            code(f.check),
            _target(f),
            escape(shown_message(f)),
            escape(f.remediation),
            escape(", ".join(f.sources)),
        ]
        for f in section.not_passed
    ]
    lines = [
        f"### {code(section.code)} {escape(section.label)}: {section.verdict}",
        "",
        *_table(["Status", "Check", "Object / field", "Message", "Fix", "Source"], rows),
    ]
    if section.passed:
        lines.extend(["", f"Also passed: {escape(passed_checks(section.passed))}"])
    return lines


def _passed(sections: list[Section]) -> list[str]:
    rows = [
        [code(s.code), escape(s.label), escape(passed_checks(s.findings))]
        for s in sections
    ]
    return [
        "<details>",
        f"<summary>{plural(len(sections), 'suspension')} with every check passing</summary>",
        "",
        *_table(["Suspension", "HubSpot label", "Checks passed"], rows),
        "",
        "</details>",
    ]


def format_markdown(report: Report) -> str:
    """Render ``report`` as a GitHub-flavoured markdown document."""
    shown, stopped = split_not_evaluated(report)
    sections = sections_by_severity(shown)
    blocks: list[list[str]] = [[TITLE], [_verdict(report)], _context(report)]
    if sections:
        blocks.append(_overview(sections))
    else:
        blocks.append(["No findings: no check ran."])
    blocks.extend(_section(s) for s in sections if s.not_passed)
    if stopped:
        blocks.append(["### Not evaluated", ""] + [f"- {escape(not_evaluated_line(group))}" for group in stopped])
    pass_only = [s for s in sections if not s.not_passed]
    if pass_only:
        blocks.append(_passed(pass_only))
    blocks.append([f"_{usage_line(report.api_usage, report.offline_source)}_", "", f"`{summary_line(report)}`"])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
