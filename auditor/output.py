"""Where the auditor's files go: ``--output``, ``--record`` and ``--save-snapshot`` alike.

- ``-`` is standard output.
- A regular file (or a path that does not exist yet) is replaced atomically: a temporary file in
  the same directory, then a rename, so a reader never sees half a report.
- A FIFO or a character device (``/dev/stdout``, ``/dev/null``, a named pipe a CI step reads) is
  written through: renaming over it would replace the device or pipe with a regular file.
- A symlink is followed: its target is written as above, the link itself stays.
- A directory, a block device or a socket is refused (exit 2): a report has no business there.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path
from typing import TextIO

from auditor.errors import UsageError
from auditor.files import write_atomically
from auditor.redact import active

STDOUT = "-"
# Longest message line printed on stderr; the full text stays in the JSON report.
LINE_LIMIT = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str, limit: int = LINE_LIMIT) -> str:
    """``text`` fit for a terminal line: control characters (an ESC, a bell, line breaks) shown as
    visible escapes (``\\n``, ``\\x1b``), and cut at ``limit`` characters saying how much was left."""
    shown = _CONTROL.sub(_escape, text)
    if len(shown) <= limit:
        return shown
    return f"{shown[:limit]}... ({len(shown) - limit} more characters)"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named is not None:
        return named
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def is_stdout(path: Path) -> bool:
    return str(path) == STDOUT


def write_output(path: Path, text: str, stdout: TextIO | None = None) -> None:
    """Write ``text`` to ``path`` as described in the module docstring, through the run's
    redactor (no file the auditor writes carries a secret); UsageError when it cannot."""
    text = active().redact(text)
    if is_stdout(path):
        stream = stdout or sys.stdout
        stream.write(text if text.endswith("\n") or not text else text + "\n")
        stream.flush()
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    if mode is None or stat.S_ISREG(mode):
        write_atomically(target, text)
        return
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        _write_through(path, target, text)
        return
    kind = "a directory" if stat.S_ISDIR(mode) else "a block device" if stat.S_ISBLK(mode) else "not a regular file"
    raise UsageError(f"cannot write {path}: it is {kind}")


def _write_through(path: Path, target: Path, text: str) -> None:
    try:
        # No O_TRUNC games: a pipe or device is written as it is; O_APPEND is harmless on both.
        with open(target, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
