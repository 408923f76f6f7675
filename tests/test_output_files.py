"""Where --output, --record and --save-snapshot write: regular files replaced atomically, FIFOs and
character devices written through, symlinks followed to their target, ``-`` is stdout; and when the
audit cannot complete (exit 3) the report is still written, saying why, so CI never publishes a stale one."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from tests.clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent
HEALTHY = str(ROOT / "cassettes" / "healthy.yaml")
EXPIRED = str(ROOT / "cassettes" / "session-expired.yaml")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def audit(*args: str, cassette: str = HEALTHY):  # type: ignore[no-untyped-def]
    return run_cli("audit", "--replay", cassette, "--hubspot-allocation", "20000", *args)


def test_dash_is_stdout() -> None:
    result = audit("-f", "json", "-o", "-")
    assert json.loads(result.stdout)["schema_version"] == 1
    assert not Path("-").exists()
    assert "report written" not in result.stderr


@pytest.mark.parametrize("flag", ["--record", "--save-snapshot"])
def test_dash_is_stdout_for_record_and_snapshot(flag: str) -> None:
    result = audit("-f", "json", "-o", "report.json", flag, "-")
    assert not Path("-").exists()
    assert ("responses:" in result.stdout) if flag == "--record" else ('"audited_connected_user"' in result.stdout)
    assert json.loads(Path("report.json").read_text())["schema_version"] == 1


def read_fifo(path: Path, into: list[str]) -> threading.Thread:
    def reader() -> None:
        with open(path, encoding="utf-8") as stream:
            into.append(stream.read())
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("flag", ["--output", "--record", "--save-snapshot"])
def test_a_fifo_is_written_through_not_replaced(tmp_path: Path, flag: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    thread = read_fifo(fifo, received)
    extra = () if flag == "--output" else ("-o", "report.json")
    result = audit("-f", "json", *extra, flag, str(fifo))
    thread.join(timeout=10)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].strip()


@pytest.mark.parametrize("flag", ["--output", "--record", "--save-snapshot"])
def test_a_symlink_is_followed_and_kept(tmp_path: Path, flag: str) -> None:
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "latest.txt"
    target.write_text("last night's\n")
    link = tmp_path / "link"
    link.symlink_to(target)
    extra = () if flag == "--output" else ("-o", "report.json")
    result = audit("-f", "json", *extra, flag, str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target
    assert "last night" not in target.read_text() and target.read_text().strip()
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["latest.txt"]  # no temporary left


def test_a_directory_is_refused_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    link = tmp_path / "to-dir"
    link.symlink_to(tmp_path / "out")
    result = audit("-f", "json", "-o", str(link))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("fmt", ["json", "junit", "csv", "markdown", "table"])
def test_an_incomplete_audit_replaces_the_old_report(tmp_path: Path, fmt: str) -> None:
    report = tmp_path / f"report.{fmt}"
    report.write_text("all green from last night\n")
    result = audit("-f", fmt, "-o", str(report), cassette=EXPIRED)
    assert result.exit_code == 3
    text = report.read_text().replace("\\", "")  # markdown escapes the underscores
    assert "last night" not in text
    assert "INVALID_SESSION_ID" in text  # the reason, in every format
    if fmt != "table":  # (the table wraps it over lines)
        assert "the audit could not complete: Salesforce rejected the session (INVALID_SESSION_ID)" in text
    assert result.stderr.strip().splitlines()[-1].startswith("auditor: Salesforce rejected the session")


def test_an_incomplete_audit_keeps_stdout_empty_and_one_line_on_stderr() -> None:
    result = audit("-f", "json", cassette=EXPIRED)
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1].startswith("auditor: Salesforce rejected the session")
