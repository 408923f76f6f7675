"""`auditor diff`: two JSON reports compared; exit 1 when something regressed."""

from __future__ import annotations

from pathlib import Path

import typer

from auditor.commands.console import say
from auditor.diff import DIFF_FORMATTERS, DiffFormat, diff_reports, load_report
from auditor.errors import ExitStatus
from auditor.output import write_output


def run_diff(baseline: Path, current: Path, output_format: DiffFormat, output: Path | None) -> None:
    result = diff_reports(load_report(baseline), load_report(current), baseline_name=str(baseline),
                          current_name=str(current))
    text = DIFF_FORMATTERS[output_format](result)
    if output is not None:
        write_output(output, text)
    else:
        typer.echo(text, nl=not text.endswith("\n"))
    say(f"{len(result.new_failures)} new failures, {len(result.fixed)} fixed, {len(result.changed)} changed"
        + (": regressed" if result.regressed else ""))
    raise typer.Exit(ExitStatus.SUSPENSION if result.regressed else ExitStatus.OK)
