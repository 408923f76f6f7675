"""One report for several orgs (``--target-org`` repeated): each org's report side by side.

Every format has a combined form: JSON wraps each org's schema-version-1 document under
``orgs``; SARIF gives one run per org (each with its own ``automationDetails.id``, so code
scanning keeps them apart); JUnit prefixes each suite with the org (``prod/SF_FIELD_PERMISSIONS``);
CSV adds a first ``org`` column; table and markdown put one titled section per org. An org that
could not be audited at all (login refused, unknown alias) appears with its one-line reason.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditor.model import REPORT_SCHEMA_VERSION, Report
from auditor.report import OutputFormat
from auditor.report.csv import HEADER, format_csv
from auditor.report.json import report_document
from auditor.report.junit import UNKNOWN_TIMESTAMP, junit_document, junit_suites
from auditor.report.markdown import format_markdown
from auditor.report.sarif import sarif_log, sarif_run
from auditor.report.table import format_table
from auditor.version import TOOL_NAME, tool_version


@dataclass(frozen=True)
class OrgOutcome:
    """One org's audit: its report, or why there is none; and its own exit status."""

    target: str  # the alias or username given with --target-org
    report: Report | None
    exit_status: int
    error: str | None = None


def _json(outcomes: list[OrgOutcome], worst: int, verbose: bool) -> str:
    document: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version()},
        "exit_status": worst,
        "orgs": [{"target_org": o.target, "exit_status": o.exit_status, "error": o.error,
                  "report": report_document(o.report) if o.report else None} for o in outcomes],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _sarif(outcomes: list[OrgOutcome], worst: int, verbose: bool) -> str:
    return sarif_log([sarif_run(o.report) for o in outcomes if o.report is not None])


def _junit(outcomes: list[OrgOutcome], worst: int, verbose: bool) -> str:
    suites: list[ET.Element] = []
    for outcome in outcomes:
        if outcome.report is not None:
            suites += junit_suites(outcome.report, prefix=f"{outcome.target}/", first_id=len(suites))
            continue
        suite = ET.Element("testsuite", name=f"{outcome.target}/audit", package="auditor", id=str(len(suites)),
                           timestamp=UNKNOWN_TIMESTAMP, hostname="localhost", time="0", tests="1", failures="0",
                           errors="1", skipped="0")
        ET.SubElement(suite, "properties")
        case = ET.SubElement(suite, "testcase", name="audit", classname=f"auditor.{outcome.target}", time="0")
        ET.SubElement(case, "error", message=outcome.error or "not audited", type="AUDIT_INCOMPLETE")
        ET.SubElement(suite, "system-out")
        ET.SubElement(suite, "system-err")
        suites.append(suite)
    return junit_document(suites)


def _csv(outcomes: list[OrgOutcome], worst: int, verbose: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("org", *HEADER))
    for outcome in outcomes:
        if outcome.report is None:
            writer.writerow((outcome.target, "", "", "error", "", "", outcome.error or "", "", "", "", ""))
            continue
        for row in list(csv.reader(io.StringIO(format_csv(outcome.report))))[1:]:
            writer.writerow((outcome.target, *row))
    return buffer.getvalue()


def _sections(render: Callable[[Report], str], heading: Callable[[str], str]) -> Callable[[list[OrgOutcome], int, bool], str]:
    def combined(outcomes: list[OrgOutcome], worst: int, verbose: bool) -> str:
        parts = []
        for outcome in outcomes:
            body = render(outcome.report) if outcome.report else f"Not audited: {outcome.error}\n"
            parts.append(f"{heading(outcome.target)}\n\n{body}")
        return "\n".join(parts)
    return combined


def _table(outcomes: list[OrgOutcome], worst: int, verbose: bool) -> str:
    return _sections(lambda r: format_table(r, verbose=verbose), lambda t: f"===== org {t} =====")(outcomes, worst, verbose)


# One combined formatter per OutputFormat member (a test checks the two stay complete).
COMBINED: dict[OutputFormat, Callable[[list[OrgOutcome], int, bool], str]] = {
    OutputFormat.TABLE: _table,
    OutputFormat.JSON: _json,
    OutputFormat.MARKDOWN: _sections(format_markdown, lambda t: f"# Org `{t}`"),
    OutputFormat.JUNIT: _junit,
    OutputFormat.CSV: _csv,
    OutputFormat.SARIF: _sarif,
}


def render_combined(outcomes: list[OrgOutcome], fmt: OutputFormat, worst: int, *, verbose: bool = False) -> str:
    """The combined report of several orgs in ``fmt``."""
    return COMBINED[fmt](outcomes, worst, verbose)
