"""Writing output files safely: never a partial file, usual permissions."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from auditor.errors import UsageError


def stage(path: Path, text: str) -> str:
    """A temporary file beside ``path`` holding ``text``, with the usual permissions: the caller
    renames it into place (``os.replace``) or removes it. OSError on failure, leaving nothing behind."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
    except OSError:
        os.unlink(temporary)
        raise
    return temporary


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file, so a failure never leaves a partial file."""
    try:
        os.replace(stage(path, text), path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
