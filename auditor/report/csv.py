"""CSV: one row per finding, for a spreadsheet.

Columns: check, suspension, status, object, field, message, remediation, lookup_path (steps
joined with " > "), sources (joined with "; "), ignored (the reason of the [[ignore]] entry that
accepts the finding; empty when none), category (SUSPENSION, SYNC_ERROR_RISK, CONNECTION_RISK; the
suspension cell is empty for a risk). Quoting is the csv module's (minimal); rows end
with "\\n" so that writing the text in text mode does not double carriage returns.
"""

from __future__ import annotations

import csv
import io

from auditor.model import Report

HEADER = (
    "check",
    "suspension",
    "status",
    "object",
    "field",
    "message",
    "remediation",
    "lookup_path",
    "sources",
    "ignored",
    "category",
)


def format_csv(report: Report) -> str:
    """Render ``report`` as CSV with a header row; absent object/field are empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for f in report.findings:
        writer.writerow(
            (
                f.check,
                f.suspension.value if f.suspension is not None else "",
                f.status.value,
                f.object or "",
                f.field or "",
                f.message,
                f.remediation,
                " > ".join(f.lookup_path),
                "; ".join(f.sources),
                f.ignored.reason if f.ignored else "",
                f.category.value,
            )
        )
    return buffer.getvalue()
