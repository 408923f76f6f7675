"""Run the real `auditor` command in a pseudo terminal and capture what the user's screen gets.

Used by tests/test_terminal_screenshots.py and by tests/regen_golden.py (which rewrites the
screenshots in tests/golden/terminal/). POSIX only: the pty module.
"""

from __future__ import annotations

import fcntl
import functools
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT_DIR = Path(__file__).resolve().parent / "golden" / "terminal"
# The screenshots: (file name, columns) of `auditor audit --replay cassettes/demo.yaml`.
SCREENSHOTS = (("demo-80.txt", 80), ("demo-140.txt", 140))
DEMO = ("audit", "--replay", "cassettes/demo.yaml")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# Variables that would change what the terminal shows; each run sets what it wants.
_SCRUBBED = ("NO_COLOR", "FORCE_COLOR", "CI", "COLUMNS", "LINES", "TERMINAL_WIDTH", "PY_COLORS",
             "GITHUB_ACTIONS", "_TYPER_FORCE_DISABLE_TERMINAL")


@dataclass(frozen=True)
class TerminalRun:
    exit_code: int
    screen: str  # what the terminal received (stdout, and stderr when it shared the terminal)
    stderr: str  # stderr when it was a pipe, else ""

    @property
    def plain(self) -> str:
        return ANSI.sub("", self.screen)

    @property
    def rows(self) -> list[str]:
        """The rows as drawn: a "\\r" (a spinner redrawing its line) starts the row again."""
        return [part for line in self.plain.split("\n") for part in line.split("\r")]


def run_in_terminal(*args: str, columns: int, env: dict[str, str] | None = None,
                    stderr_on_terminal: bool = False, timeout: float = 60.0) -> TerminalRun:
    """``auditor ARGS`` with stdout (and stderr if asked) on a pseudo terminal ``columns`` wide."""
    environ = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    environ.update({"COLUMNS": str(columns), "LINES": "50", "TERM": "xterm-256color"})
    environ.update(env or {})
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    attributes = termios.tcgetattr(slave)
    attributes[1] &= ~termios.ONLCR  # keep "\n" as sent, not "\r\n"
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    process = subprocess.Popen(
        [sys.executable, "-m", "auditor", *args],
        cwd=REPO, env=environ, stdin=subprocess.DEVNULL, stdout=slave,
        stderr=slave if stderr_on_terminal else subprocess.PIPE, close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
        else:
            process.kill()
            raise TimeoutError(f"auditor {' '.join(args)} did not finish in {timeout} s")
        stderr = process.stderr.read().decode() if process.stderr is not None else ""
        code = process.wait(timeout=timeout)
    finally:
        os.close(master)
        if process.stderr is not None:
            process.stderr.close()
    return TerminalRun(code, b"".join(chunks).decode("utf-8", "replace"), stderr)


@functools.cache
def demo_run(columns: int, *, stderr_on_terminal: bool = False, no_color: bool = False,
             ci: bool = False, quiet: bool = False) -> TerminalRun:
    """The demo audit in a terminal (cached: the tests share the few runs they need)."""
    env = {"NO_COLOR": "1"} if no_color else {}
    if ci:
        env["CI"] = "true"
    args = (*DEMO, "--quiet") if quiet else DEMO
    return run_in_terminal(*args, columns=columns, env=env, stderr_on_terminal=stderr_on_terminal)


def screenshot(columns: int) -> str:
    """The demo report as an uncoloured terminal of ``columns`` shows it (stdout only)."""
    return demo_run(columns, no_color=True).screen
