"""JUnit XML (the Apache Ant schema that GitLab, Jenkins and most CI test reports read).

One ``<testsuite>`` per suspension code that has findings (a risk category, SYNC_ERROR_RISK or
CONNECTION_RISK, is a suite of its own, never merged into a suspension's), one ``<testcase>`` per finding,
named by check and subject whatever the result, so test history follows one subject across
runs: ``field-access[Contact.MailingCountry]``, ``object-access[Campaign]``, ``api-enabled``.

- fail    -> ``<failure message=...>`` whose text is the remediation;
- error   -> ``<error message=...>`` (the check could not be evaluated);
- warn    -> ``<skipped message="WARN: ...">`` with the fix: the build stays green and CI test
  views show the warning (the Ant schema allows no ``system-out`` inside a testcase);
- ignored -> ``<skipped message="ignored: <reason>">`` whatever its status;
- pass    -> a plain testcase.

Each suite's ``system-out`` lists its warnings and ignored findings again, one per line. The
document validates against the Ant JUnit XSD: ``timestamp`` is the audit's start in UTC without
a zone (``1970-01-01T00:00:00`` when unknown), ``hostname`` the org's instance host, ``time``
the audit's duration on each suite (the checks themselves take no measurable time, so each
testcase says 0).

Built with :mod:`xml.etree.ElementTree`, which escapes markup; characters XML 1.0 cannot carry
at all (most control characters) are replaced, so the document always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from auditor.model import Finding, Report, Status
from auditor.report._common import LOOKUP_ARROW, sections_in_report_order

# Anything outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
UNKNOWN_TIMESTAMP = "1970-01-01T00:00:00"


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def testcase_name(finding: Finding) -> str:
    """``check[subject]``: the same name whether the finding passes, warns or fails."""
    where = finding.field or finding.object
    return f"{finding.check}[{where}]" if where else finding.check


def _details(finding: Finding, first: str) -> str:
    lines = [first]
    if finding.lookup_path:
        lines.append(f"Lookup path: {LOOKUP_ARROW.join(finding.lookup_path)}")
    if finding.sources:
        lines.append(f"Access from: {', '.join(finding.sources)}")
    return _clean("\n".join(lines))


def _skip_message(finding: Finding) -> str | None:
    if finding.ignored is not None:
        until = f" until {finding.ignored.until.isoformat()}" if finding.ignored.until else ""
        return f"ignored{until}: {finding.ignored.reason} ({finding.status.value}: {finding.message})"
    if finding.status is Status.WARN:
        return f"WARN: {finding.message}"
    return None


def _testcase(suite: ET.Element, finding: Finding, classname: str) -> None:
    case = ET.SubElement(suite, "testcase", name=_clean(testcase_name(finding)), classname=classname, time="0")
    skipped = _skip_message(finding)
    if skipped is not None:
        element = ET.SubElement(case, "skipped", message=_clean(skipped))
        element.text = _details(finding, f"Fix: {finding.remediation}")
    elif finding.status in (Status.FAIL, Status.ERROR):
        tag = "failure" if finding.status is Status.FAIL else "error"
        problem = ET.SubElement(case, tag, message=_clean(finding.message), type=finding.code)
        problem.text = _details(finding, finding.remediation)


def _counts(element: ET.Element, findings: tuple[Finding, ...]) -> None:
    active = [f for f in findings if f.ignored is None]
    element.set("tests", str(len(findings)))
    element.set("failures", str(sum(1 for f in active if f.status is Status.FAIL)))
    element.set("errors", str(sum(1 for f in active if f.status is Status.ERROR)))
    element.set("skipped", str(sum(1 for f in findings if _skip_message(f) is not None)))


def junit_suites(report: Report, *, prefix: str = "", first_id: int = 0) -> list[ET.Element]:
    """The ``<testsuite>`` elements of one org's report (``prefix`` names the org when several)."""
    timestamp = report.audited_at.strftime("%Y-%m-%dT%H:%M:%S") if report.audited_at else UNKNOWN_TIMESTAMP
    hostname = urlsplit(report.instance_url).hostname or "localhost"
    suites = []
    for number, section in enumerate(sections_in_report_order(report), start=first_id):
        name = f"{prefix}{section.code}"
        suite = ET.Element("testsuite", name=name, package="auditor", id=str(number), timestamp=timestamp,
                           hostname=hostname, time=f"{report.duration_s:.3f}")
        _counts(suite, section.findings)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="hubspot_label", value=section.label)
        ET.SubElement(properties, "property", name="verdict", value=section.verdict)
        for finding in section.findings:
            _testcase(suite, finding, f"auditor.{name}")
        notes = [f"{testcase_name(f)}: {_skip_message(f)}" for f in section.findings if _skip_message(f)]
        ET.SubElement(suite, "system-out").text = _clean("\n".join(notes)) if notes else None
        ET.SubElement(suite, "system-err")
        suites.append(suite)
    return suites


def junit_document(suites: list[ET.Element]) -> str:
    root = ET.Element("testsuites")
    root.extend(suites)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def format_junit(report: Report) -> str:
    """Render ``report`` as a JUnit XML document (UTF-8 declaration, trailing newline)."""
    return junit_document(junit_suites(report))
