"""`auditor checks` lists the registry; `--skip` (or `skip` in the settings file) leaves checks out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.checks import CHECKS
from tests.clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "cassettes" / "demo.yaml")


def test_checks_lists_every_check_with_its_code() -> None:
    result = run_cli("checks")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(CHECKS)
    assert lines[0].split()[:2] == ["api-enabled", "SF_API_DISABLED"]


def test_checks_as_json() -> None:
    rows = json.loads(run_cli("checks", "-f", "json").stdout)
    assert [row["check"] for row in rows] == [check.id for check in CHECKS]
    assert all(row["remediation"] for row in rows)


def test_skipped_checks_leave_no_finding(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("audit", "--replay", DEMO, "-f", "json", "--skip", "row-lock-risk", "--skip", "field-access")
    report = json.loads(result.stdout)
    checks = {f["check"] for f in report["findings"]}
    assert "row-lock-risk" not in checks and "field-access" not in checks
    assert report["would_suspend"] == ["SF_OBJECT_PERMISSIONS"]  # the field failures are no longer reported
    assert result.exit_code == 1


def test_skip_from_the_settings_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "auditor.toml").write_text('skip = ["hubspot-allocation"]\n')
    report = json.loads(run_cli("audit", "--replay", DEMO, "-f", "json").stdout)
    assert "hubspot-allocation" not in {f["check"] for f in report["findings"]}


@pytest.mark.parametrize(("args", "toml", "message"), [
    (("--skip", "no-such-check"), None, "--skip no-such-check: no such check"),
    ((), 'skip = ["nope"]\n', "--skip nope: no such check"),
    ((), "skip = [1]\n", "'skip' must be a list of check ids"),
])
def test_unknown_or_malformed_skips_are_usage_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     args: tuple[str, ...], toml: str | None, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    if toml:
        (tmp_path / "auditor.toml").write_text(toml)
    result = run_cli("audit", "--replay", DEMO, *args)
    assert result.exit_code == 2
    assert message in result.stderr
