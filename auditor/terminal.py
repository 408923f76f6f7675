"""What the terminal the CLI writes to can show: its width, colour, whether it is a person's.

Detected here, in the command-line layer, and passed to the reporters as plain parameters, so
the reporters stay pure functions of the Report.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import TextIO


def _set(environ: Mapping[str, str], name: str) -> bool:
    """An environment flag is on when present and not empty (the NO_COLOR convention)."""
    return bool(environ.get(name, ""))


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def report_width(stream: TextIO) -> int | None:
    """The columns of the terminal ``stream`` writes to (``COLUMNS`` overrides it, as in every
    curses program); ``None`` when ``stream`` is not a terminal: a file or a pipe gets the
    full-width report, whatever the terminal."""
    if not is_terminal(stream):
        return None
    columns = shutil.get_terminal_size(fallback=(80, 24)).columns
    return columns if columns > 0 else 80


def use_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour when ``stream`` is a terminal, unless ``NO_COLOR`` is set (no-color.org) or the
    terminal is ``TERM=dumb``; ``FORCE_COLOR`` colours even a pipe. ``NO_COLOR`` wins."""
    env = os.environ if environ is None else environ
    if _set(env, "NO_COLOR"):
        return False
    if _set(env, "FORCE_COLOR"):
        return True
    return is_terminal(stream) and env.get("TERM") != "dumb"


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """True in a CI job: GitHub Actions, GitLab, CircleCI, Travis, Buildkite... all set ``CI``."""
    env = os.environ if environ is None else environ
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")
