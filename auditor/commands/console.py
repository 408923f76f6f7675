"""The lines a command says on stderr: informational ones, --quiet, and the progress line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import typer

from auditor.output import one_line
from auditor.terminal import in_ci, is_terminal

if TYPE_CHECKING:
    from auditor.progress import CollectProgress


def say(message: str) -> None:
    """One line on stderr: org text inside ``message`` cannot break the line or reach the terminal
    raw (control characters escaped, length capped); the run's redactor masks any secret."""
    typer.echo(f"auditor: {one_line(message)}", err=True)


def informer(quiet: bool) -> Callable[[str], None]:
    """Where the informational stderr lines go: ``say``, or nowhere with --quiet (errors and
    the reason an audit could not complete are always said)."""
    return (lambda _message: None) if quiet else say


def progress(quiet: bool, debug: bool, instance_url: str | None) -> CollectProgress | None:
    """The collection's progress line: only for a person at a terminal (not --quiet, not CI,
    and not over the --debug request log)."""
    if quiet or debug or in_ci() or not is_terminal(sys.stderr):
        return None
    from auditor.progress import CollectProgress

    return CollectProgress(sys.stderr, urlsplit(instance_url or "").hostname or "Salesforce")
