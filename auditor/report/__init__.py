"""Reporters: pure functions ``Report -> str``, one per output format.

Reporters only format. They never decide what is wrong with the org (the checks did) nor the
exit status (the CLI does). Every formatter is deterministic: the same Report gives
byte-identical output, so golden files and CI diffs stay stable.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from auditor.model import Report
from auditor.report._common import summary_line
from auditor.report.csv import format_csv
from auditor.report.json import format_json
from auditor.report.junit import format_junit
from auditor.report.markdown import format_markdown
from auditor.report.sarif import format_sarif
from auditor.report.table import format_table

__all__ = ["EXTENSIONS", "FORMATTERS", "OutputFormat", "render", "summary_line"]


class OutputFormat(str, Enum):
    """The formats ``--format`` accepts. Each has exactly one entry in :data:`FORMATTERS`."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    CSV = "csv"
    SARIF = "sarif"

    @property
    def extension(self) -> str:
        """The file name extension of this format in ``--output-dir`` (``DIR/audit.<ext>``)."""
        return EXTENSIONS[self]


FORMATTERS: dict[OutputFormat, Callable[[Report], str]] = {
    OutputFormat.TABLE: format_table,
    OutputFormat.JSON: format_json,
    OutputFormat.MARKDOWN: format_markdown,
    OutputFormat.JUNIT: format_junit,
    OutputFormat.CSV: format_csv,
    OutputFormat.SARIF: format_sarif,
}

EXTENSIONS: dict[OutputFormat, str] = {
    OutputFormat.TABLE: "txt",
    OutputFormat.JSON: "json",
    OutputFormat.MARKDOWN: "md",
    OutputFormat.JUNIT: "xml",
    OutputFormat.CSV: "csv",
    OutputFormat.SARIF: "sarif",
}


def render(report: Report, fmt: OutputFormat, *, verbose: bool = False, width: int | None = None,
           color: bool = False) -> str:
    """Format ``report`` as ``fmt``.

    ``verbose`` only changes the table, which otherwise folds passing findings into one line
    per suspension. JSON, JUnit and CSV always carry every finding; markdown always folds
    passing findings (it is meant for a PR comment, where the problems matter). ``width`` (the
    terminal's columns, ``None`` for unbounded) and ``color`` also only change the table.
    """
    if fmt is OutputFormat.TABLE:
        return format_table(report, verbose=verbose, width=width, color=color)
    return FORMATTERS[fmt](report)
