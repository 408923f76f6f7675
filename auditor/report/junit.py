"""JUnit XML, for CI systems that display test results.

One ``<testsuite>`` per suspension code that has findings, one ``<testcase>`` per finding:

- fail  -> ``<failure message="...">`` whose text is the remediation;
- error -> ``<error message="...">`` (the check could not be evaluated);
- warn  -> a passing testcase with ``<property name="status" value="warn"/>`` and the warning in
  ``<system-out>``, so CI stays green but the warning is visible;
- pass  -> a plain testcase.

Built with :mod:`xml.etree.ElementTree`, which escapes markup; characters XML 1.0 cannot carry
at all (most control characters) are replaced, so the document always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from auditor.model import Finding, Report, Status
from auditor.report._common import LOOKUP_ARROW, sections_in_report_order

# Anything outside XML 1.0's Char production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _name(finding: Finding) -> str:
    where = finding.field or finding.object
    return f"{finding.check} {where}" if where else finding.check


def _details(finding: Finding, first: str) -> str:
    lines = [first]
    if finding.lookup_path:
        lines.append(f"Lookup path: {LOOKUP_ARROW.join(finding.lookup_path)}")
    if finding.sources:
        lines.append(f"Access from: {', '.join(finding.sources)}")
    return _clean("\n".join(lines))


def _testcase(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"auditor.{finding.code}",
        name=_clean(_name(finding)),
    )
    if finding.status in (Status.FAIL, Status.ERROR):
        tag = "failure" if finding.status is Status.FAIL else "error"
        problem = ET.SubElement(
            case, tag, message=_clean(finding.message), type=finding.code
        )
        problem.text = _details(finding, finding.remediation)
    elif finding.status is Status.WARN:
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="status", value="warn")
        out = ET.SubElement(case, "system-out")
        out.text = _details(finding, f"WARN: {finding.message}\nFix: {finding.remediation}")


def _counts(element: ET.Element, findings: tuple[Finding, ...]) -> None:
    element.set("tests", str(len(findings)))
    element.set("failures", str(sum(1 for f in findings if f.status is Status.FAIL)))
    element.set("errors", str(sum(1 for f in findings if f.status is Status.ERROR)))
    element.set("skipped", "0")


def format_junit(report: Report) -> str:
    """Render ``report`` as a JUnit XML document (UTF-8 declaration, trailing newline)."""
    root = ET.Element("testsuites", name="auditor")
    _counts(root, report.findings)
    for section in sections_in_report_order(report):
        suite = ET.SubElement(root, "testsuite", name=section.code)
        _counts(suite, section.findings)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(
            properties, "property", name="hubspot_label", value=section.label
        )
        ET.SubElement(properties, "property", name="verdict", value=section.verdict)
        for finding in section.findings:
            _testcase(suite, finding)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
