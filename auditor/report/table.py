"""The default format: a plain-text report for a Salesforce admin in a terminal.

Layout: a header (org, user, API version), one section per suspension code that has findings
(worst first), the API usage line and the summary line. Two layouts of the same content:

- the **grid** (one bordered table per section), when the width is unbounded (a file, a pipe)
  or at least :data:`GRID_MIN_WIDTH` columns, its columns narrowed to fit the width;
- the **compact** layout below that: one block per finding (status, check, subject, then the
  message, fix and source wrapped to the width), so an 80-column terminal reads top to bottom.

The width and whether to colour are parameters (the CLI detects them): the function stays pure
and deterministic. Colour marks statuses and verdicts only; without it the text is plain.
"""

from __future__ import annotations

from tabulate import tabulate

from auditor.model import STATUS_ORDER, Finding, Report, Status
from auditor.report._common import (
    STATUS_STYLES,
    Section,
    audited_line,
    paint,
    passed_checks,
    printable,
    not_evaluated_line,
    sections_by_severity,
    shown_message,
    split_not_evaluated,
    summary_line,
    target,
    usage_line,
    visible_width,
    wrap,
)

TITLE = "HubSpot-Salesforce integration audit"
HEADERS = ("status", "check", "object / field", "message", "fix", "source")
# Wrap widths per column (None: never wrapped; statuses are at most 5 characters). tabulate
# pads every column to at least its header plus 2, so "status" is 8 wide, and the "grid"
# borders of six columns take 19: the widest possible table is
# 8 + 22 + 24 + 34 + 30 + 22 + 19 = 159 columns. Check ids get 22 so that ids people copy
# into a config (e.g. "hubspot-permission-set") stay on one line.
MAX_COLUMN_WIDTHS = (None, 22, 24, 34, 30, 22)
# Below this many columns the grid's text columns get too narrow to read: compact layout.
GRID_MIN_WIDTH = 120
_GRID_FIXED = 8 + 19  # the status column and the borders and padding of six columns
_MIN_TEXT_COLUMN = 10
# How much each text column (check, object / field, message, fix, source) keeps when narrowed.
_COLUMN_WEIGHTS = (2.0, 1.0, 1.5, 1.2, 0.8)
# The compact layout: "  FAIL  " before the subject line, the details hang under it.
_STATUS_INDENT = "  "
_DETAIL_INDENT = " " * 8


def _header(report: Report, width: int | None) -> list[str]:
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
    lines = [TITLE]
    for label, value in (("Org:  ", org), ("User: ", user), ("Audited: ", audited_line(report)),
                         ("API:  ", f"v{report.api_version} at {report.instance_url}")):
        text = printable(value).replace("\n", " ")
        lines.extend(wrap(text, width, indent=f"  {label}", hang=" " * (2 + len(label))))
    return lines


def _status(status: Status, color: bool) -> str:
    return paint(status.name, STATUS_STYLES[status], color)


def _title(section: Section, color: bool) -> str:
    verdict = paint(f"[{section.verdict}]", STATUS_STYLES[section.worst], color)
    return f"{paint(section.code, 'bold', color)}: {printable(section.label)} {verdict}"


def _title_lines(section: Section, width: int | None, color: bool) -> list[str]:
    """The section title, wrapped on its plain text first so that colour never counts as width."""
    plain = f"{section.code}: {printable(section.label)} [{section.verdict}]"
    lines = wrap(plain, width)
    if len(lines) == 1:
        return [_title(section, color)]
    return lines  # a title that needs wrapping (narrower than ~60 columns) stays plain


# ----------------------------------------------------------------------------- grid layout


def _row(finding: Finding, color: bool) -> list[str]:
    cells = [
        finding.check,
        target(finding),
        shown_message(finding),
        finding.remediation,
        ", ".join(finding.sources),
    ]
    return [_status(finding.status, color), *(printable(cell) for cell in cells)]


def _fitted_widths(rows: list[list[str]], width: int | None) -> list[int | None]:
    """Wrap widths for the grid's columns so that the table fits ``width`` columns.

    Each text column wants its longest line (at most its cap in MAX_COLUMN_WIDTHS); while the
    total is too wide, the column widest for its weight gives up a column (the message keeps
    the most, the check id, which people copy, the least wrapped)."""
    if width is None:
        return list(MAX_COLUMN_WIDTHS)
    wanted: list[int] = []
    for index in range(1, len(HEADERS)):
        cap = MAX_COLUMN_WIDTHS[index]
        assert cap is not None
        longest = max((len(line) for row in rows for line in row[index].splitlines()), default=0)
        wanted.append(max(len(HEADERS[index]) + 2, min(cap, longest)))
    available = width - _GRID_FIXED
    floors = [max(len(HEADERS[i + 1]) + 2, _MIN_TEXT_COLUMN) for i in range(len(wanted))]
    while sum(wanted) > available:
        shrinkable = [i for i in range(len(wanted)) if wanted[i] > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: wanted[i] / _COLUMN_WEIGHTS[i])
        wanted[widest] -= 1
    return [None, *wanted]


def _grid(findings: tuple[Finding, ...], width: int | None, color: bool) -> str:
    rows = [_row(f, color) for f in findings]
    widths = _fitted_widths(rows, width)
    while True:
        text: str = tabulate(
            rows,
            headers=list(HEADERS),
            tablefmt="grid",
            maxcolwidths=widths,
            disable_numparse=True,
        )
        longest = max(visible_width(line) for line in text.splitlines())
        over = 0 if width is None else longest - width
        text_columns = [w for w in widths[1:] if w is not None]
        if over <= 0 or max(text_columns) <= _MIN_TEXT_COLUMN:
            return text
        # tabulate made a column wider than its wrap width (a long word): narrow the widest
        # text column by the overflow and render again.
        widest = widths.index(max(text_columns), 1)
        current = widths[widest]
        assert current is not None
        widths[widest] = max(_MIN_TEXT_COLUMN, current - over)


def _grid_section(section: Section, width: int | None, verbose: bool, color: bool) -> list[str]:
    shown = section.findings if verbose else section.not_passed
    lines = [*_title_lines(section, width, color), _grid(shown, width, color)]
    if not verbose and section.passed:
        lines.extend(wrap(f"also passed: {passed_checks(section.passed)}", width, indent="  ", hang="    "))
    return lines


def _grid_passed_line(section: Section, width: int | None, color: bool) -> list[str]:
    line = f"{_title(section, color)}  passed: {passed_checks(section.findings)}"
    plain = f"{section.code}: {printable(section.label)} [{section.verdict}]  passed: {passed_checks(section.findings)}"
    if width is None or len(plain) <= width:
        return [line]
    return wrap(plain, width, hang="    ")


# ----------------------------------------------------------------------------- compact layout


def _block(finding: Finding, width: int, color: bool) -> list[str]:
    """One finding: "  FAIL  check  subject", then message, fix and source hanging under it."""
    name = finding.status.name
    subject = "  ".join(part for part in (finding.check, printable(target(finding))) if part)
    lines = wrap(subject, width, indent=f"{_STATUS_INDENT}{name:<5} ", hang=_DETAIL_INDENT)
    lines[0] = _STATUS_INDENT + _status(finding.status, color) + lines[0][len(_STATUS_INDENT) + len(name):]
    lines.extend(wrap(printable(finding.message), width, indent=_DETAIL_INDENT))
    for label, value in (("Fix:    ", finding.remediation), ("Source: ", ", ".join(finding.sources))):
        if value:
            lines.extend(wrap(printable(value), width, indent=_DETAIL_INDENT + label,
                              hang=_DETAIL_INDENT + " " * len(label)))
    return lines


def _compact_section(section: Section, width: int, verbose: bool, color: bool) -> list[str]:
    shown = section.findings if verbose else section.not_passed
    lines = _title_lines(section, width, color)
    for finding in shown:
        lines.append("")
        lines.extend(_block(finding, width, color))
    if not verbose and section.passed:
        lines.append("")
        lines.extend(wrap(f"also passed: {passed_checks(section.passed)}", width, indent="  ", hang="    "))
    return lines


def _compact_passed(sections: list[Section], width: int, color: bool) -> list[str]:
    """Pass-only sections, one line each: "  ok  SF_API_DISABLED  api-enabled, user-active"."""
    code_width = max(len(section.code) for section in sections)
    lines: list[str] = []
    for section in sections:
        indent = f"  ok  {section.code:<{code_width}}  "
        wrapped = wrap(passed_checks(section.findings), width, indent=indent, hang=" " * len(indent))
        wrapped[0] = "  " + paint("ok", STATUS_STYLES[Status.PASS], color) + wrapped[0][4:]
        lines.extend(wrapped)
    return ["Passed (no problem found):", *lines]


# ----------------------------------------------------------------------------- the report


def _closing(report: Report, width: int | None, color: bool) -> list[str]:
    lines = wrap(usage_line(report.api_usage, report.offline_source), width)
    summary = summary_line(report)
    worst = min((f.status for f in report.findings), key=STATUS_ORDER.__getitem__, default=Status.PASS)
    wrapped = wrap(summary, width, hang="  ")
    if len(wrapped) == 1:
        wrapped = [paint(summary, STATUS_STYLES[worst], color)]
    return lines + wrapped


def format_table(report: Report, *, verbose: bool = False, width: int | None = None, color: bool = False) -> str:
    """Render ``report`` as a plain-text report for a terminal.

    Without ``verbose``, passing findings are not shown one by one: a pass-only section is one
    line, and a section with problems lists its passing checks after its findings. With
    ``verbose`` every finding is shown.

    ``width``: the terminal's columns; no line is longer (``None``: unbounded, the full grid).
    Below :data:`GRID_MIN_WIDTH` the compact layout is used. ``color``: mark statuses and
    verdicts with ANSI colours (the CLI decides, honouring NO_COLOR and FORCE_COLOR).
    """
    compact = width is not None and width < GRID_MIN_WIDTH
    blocks: list[list[str]] = [_header(report, width)]
    shown, stopped = split_not_evaluated(report)
    sections = sections_by_severity(shown)
    if not sections:
        blocks.append(["No findings: no check ran."])
    collapsed: list[Section] = []  # pass-only sections (always last) share one block
    for section in sections:
        if verbose or section.not_passed:
            if compact:
                assert width is not None
                blocks.append(_compact_section(section, width, verbose, color))
            else:
                blocks.append(_grid_section(section, width, verbose, color))
        else:
            collapsed.append(section)
    if stopped:
        blocks.append([paint("Not evaluated", STATUS_STYLES[Status.ERROR], color)]
                      + [line for group in stopped
                         for line in wrap(printable(not_evaluated_line(group)), width, indent="  ", hang="    ")])
    if collapsed:
        if compact:
            assert width is not None
            blocks.append(_compact_passed(collapsed, width, color))
        else:
            blocks.append([line for s in collapsed for line in _grid_passed_line(s, width, color)])
    blocks.append(_closing(report, width, color))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
