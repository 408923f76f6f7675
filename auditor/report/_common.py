"""Helpers shared by the formatters: grouping by suspension, verdicts, the summary line.

Nothing here decides anything about the org: it only arranges what the checks found.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, replace

from auditor.model import CATEGORY_LABELS, STATUS_ORDER, Category, Finding, Report, Status
from auditor.snapshot import ApiUsage
from auditor.suspensions import SUSPENSIONS, Suspension

# What a section's worst status means for the integration, in words an admin reads.
VERDICTS: dict[Status, str] = {
    Status.FAIL: "WOULD SUSPEND",
    Status.ERROR: "could not check",
    Status.WARN: "at risk",
    Status.PASS: "ok",
}

# HubSpot's order (the enum's declaration order): the tie-break between equally bad sections.
_HUBSPOT_ORDER: dict[Suspension, int] = {code: index for index, code in enumerate(Suspension)}

LOOKUP_ARROW = " → "

# C0 controls other than tab and line feed, DEL and the C1 controls: a message may quote raw
# text from Salesforce, and an ESC or a bell must not reach the admin's terminal as such.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Longest text a table cell or markdown row shows: a message quoting a 1 MB answer must not print
# half a million lines. JSON, JUnit and CSV keep the full text.
PRINTABLE_LIMIT = 2000


def printable(text: str) -> str:
    """``text`` safe for a terminal or a rendered document: line breaks normalised to "\\n",
    tabs to a space, every other control character shown as a visible ``\\xNN`` escape, and cut
    at PRINTABLE_LIMIT characters (saying how many more there were)."""
    if len(text) > PRINTABLE_LIMIT:
        text = f"{text[:PRINTABLE_LIMIT]}... ({len(text) - PRINTABLE_LIMIT} more characters; see --format json)"
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Section:
    """The findings of one suspension code (or, for risks, one category), in Report order."""

    key: Suspension | Category
    findings: tuple[Finding, ...]

    @property
    def code(self) -> str:
        """The section's heading code ("SF_FIELD_PERMISSIONS", or a risk category such as
        "SYNC_ERROR_RISK"); layouts use only code, label and verdict, so a risk section is laid out
        the same way as a suspension's."""
        return str(self.key.value)

    @property
    def is_risk(self) -> bool:
        return isinstance(self.key, Category)

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self.key] if isinstance(self.key, Category) else SUSPENSIONS[self.key].label

    @property
    def worst(self) -> Status:
        """The worst status not ignored (an accepted fail does not make the section fail)."""
        return min((f.status for f in self.findings if f.ignored is None), key=STATUS_ORDER.__getitem__,
                   default=Status.PASS)

    @property
    def verdict(self) -> str:
        return VERDICTS[self.worst]

    @property
    def passed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.PASS)

    @property
    def not_passed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is not Status.PASS)


def sections_by_severity(report: Report) -> list[Section]:
    """One section per suspension code that has findings: sections with a fail first, then
    error, warn, and pass-only ones last; equally bad sections in HubSpot's order."""
    return sorted(
        sections_in_report_order(report),
        # Risk sections (sync errors, connection) come after every suspension section.
        key=lambda s: (s.is_risk, STATUS_ORDER[s.worst],
                       _HUBSPOT_ORDER[s.key] if isinstance(s.key, Suspension) else list(Category).index(s.key)),
    )


def sections_in_report_order(report: Report) -> list[Section]:
    """One section per suspension code, in the order the codes first appear in the Report."""
    grouped: dict[Suspension | Category, list[Finding]] = {}
    for finding in report.findings:
        grouped.setdefault(finding.suspension if finding.suspension is not None else finding.category, []).append(finding)
    return [Section(code, tuple(findings)) for code, findings in grouped.items()]


@dataclass(frozen=True)
class NotEvaluated:
    """Checks that one unreadable input stopped: shown once, on one line, by the human formats."""

    cause: str  # "org unavailable"
    checks: tuple[str, ...]  # the check ids, in report order
    remediation: str  # the first finding's: it names the finding that reports the cause


def split_not_evaluated(report: Report) -> tuple[Report, list[NotEvaluated]]:
    """``report`` without the "not evaluated" findings whose cause stopped two checks or more, and
    those findings grouped by cause. One outage then reads as its own finding plus one line saying
    which checks it stopped, instead of a screen of identical errors (JSON, JUnit, SARIF and CSV
    keep one finding per check: CI tools track them by name)."""
    by_cause: dict[str, list[Finding]] = {}
    for finding in report.findings:
        if finding.not_evaluated is not None and finding.ignored is None:
            by_cause.setdefault(finding.not_evaluated, []).append(finding)
    grouped = {cause: found for cause, found in by_cause.items() if len(found) > 1}
    if not grouped:
        return report, []
    hidden = {id(f) for found in grouped.values() for f in found}
    kept = tuple(f for f in report.findings if id(f) not in hidden)
    groups = [NotEvaluated(cause, tuple(dict.fromkeys(f.check for f in found)), found[0].remediation)
              for cause, found in grouped.items()]
    return replace(report, findings=kept), groups


def not_evaluated_line(group: NotEvaluated) -> str:
    """"11 checks not evaluated (org unavailable): api-enabled, user-active, ... Fix: ..." """
    return (f"{plural(len(group.checks), 'check')} not evaluated ({group.cause}): {', '.join(group.checks)}. "
            f"Fix: {group.remediation}")


def audited_line(report: Report) -> str:
    """Who the verdicts are about, for the report header."""
    if report.audited_connected_user:
        return "the logged-in user's own session (audit another user with --user)"
    return "the user named by --user, read through setup objects from the logged-in session"


def target(finding: Finding) -> str:
    """What the finding is about: the lookup path when there is one, else the field (already
    qualified, "Contact.Email"), else the object; "" for org-wide findings."""
    if finding.lookup_path:
        return LOOKUP_ARROW.join(finding.lookup_path)
    return finding.field or finding.object or ""


def shown_message(finding: Finding) -> str:
    """The message as the human formats show it: an ignored finding says so, with the reason."""
    if finding.ignored is None:
        return finding.message
    until = f" until {finding.ignored.until.isoformat()}" if finding.ignored.until else ""
    return f"[ignored{until}: {finding.ignored.reason}] {finding.message}"


def passed_checks(findings: tuple[Finding, ...]) -> str:
    """"api-enabled, object-access (7)": the distinct check ids, first-seen order, with counts."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.check] = counts.get(finding.check, 0) + 1
    return ", ".join(check if n == 1 else f"{check} ({n})" for check, n in counts.items())


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def usage_line(usage: ApiUsage, offline_source: str | None = None) -> str:
    """"This audit used 12 HTTP requests, 9 counted API calls.", or for an offline run (a
    replayed cassette, a saved snapshot) what the recorded audit cost and that nothing was sent."""
    cost = f"{plural(usage.http_requests, 'HTTP request')}, {plural(usage.api_calls, 'counted API call')}"
    if offline_source is not None:
        return f"Offline run from {offline_source}: no request was sent (the recorded audit used {cost})."
    return f"This audit used {cost}."


def summary_line(report: Report) -> str:
    """The one-line summary the CLI prints on stderr, e.g.
    "auditor: 2 suspensions predicted (SF_FIELD_PERMISSIONS, SF_OBJECT_PERMISSIONS): 3 fail,
    1 warn, 0 error, 14 pass" or "auditor: no suspension predicted: 0 fail, 2 warn, 0 error,
    20 pass"."""
    codes = report.would_suspend
    if codes:
        listed = ", ".join(code.value for code in codes)
        verdict = f"{plural(len(codes), 'suspension')} predicted ({listed})"
    elif report.suspension_findings(Status.ERROR):
        verdict = "audit incomplete, no suspension found in what could be checked"
    else:
        verdict = "no suspension predicted"
    counts = ", ".join(
        f"{report.count(status)} {status.value}"
        for status in (Status.FAIL, Status.WARN, Status.ERROR, Status.PASS)
    )
    if report.ignored_count:
        counts += f", {report.ignored_count} ignored"
    return f"auditor: {verdict}: {counts}"


# ----------------------------------------------------------------------------- terminal layout
# Helpers for the layouts that are read in a terminal. They take the width and whether to
# colour as parameters (the CLI detects both), so every formatter stays a pure function.

# Rich styles by status; ColorSystem.STANDARD (the 16 ANSI colours) follows the user's theme.
STATUS_STYLES: dict[Status, str] = {
    Status.FAIL: "bold red",
    Status.ERROR: "bold magenta",
    Status.WARN: "yellow",
    Status.PASS: "green",
}


# What paint() adds: SGR sequences only. It never matches org text, whose ESC printable() escaped.
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def visible_width(line: str) -> int:
    """Columns ``line`` takes on a terminal, colour codes not counted."""
    return len(_SGR.sub("", line))


def paint(text: str, style: str, color: bool) -> str:
    """``text`` wrapped in the ANSI codes of a Rich ``style`` when ``color``, else unchanged."""
    if not color or not text:
        return text
    # Imported here: a run without colour (a pipe, CI, a file) never loads Rich's styles.
    from rich.color import ColorSystem
    from rich.style import Style

    return Style.parse(style).render(text, color_system=ColorSystem.STANDARD)


def wrap(text: str, width: int | None, *, indent: str = "", hang: str | None = None) -> list[str]:
    """``text`` as lines of at most ``width`` columns (``None``: never wrapped), the first
    prefixed with ``indent`` and the others with ``hang`` (default: ``indent``). Line breaks in
    ``text`` are kept; words longer than a line are split, but never at a hyphen, so a check id
    such as ``hubspot-permission-set`` stays whole when it fits."""
    hang = indent if hang is None else hang
    paragraphs = text.split("\n") or [""]
    lines: list[str] = []
    for number, paragraph in enumerate(paragraphs):
        first = indent if number == 0 else hang
        if width is None:
            lines.append(first + paragraph)
            continue
        wrapped = textwrap.wrap(
            paragraph,
            width=max(width, len(first) + 1, len(hang) + 1),
            initial_indent=first,
            subsequent_indent=hang,
            break_long_words=True,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [first.rstrip()])
    return lines
