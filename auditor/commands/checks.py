"""`auditor checks`: list the registry (no connection, nothing heavy imported)."""

from __future__ import annotations

import typer

from auditor.report.checks import CHECKS_FORMATTERS
from auditor.report.text_or_json import TextOrJson


def run_checks(output_format: TextOrJson) -> None:
    from auditor.checks import CHECKS

    typer.echo(CHECKS_FORMATTERS[output_format](CHECKS))
