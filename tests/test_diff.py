"""``auditor diff``: pairs of reports (regression, fix, no change) and what each format shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.diff import DIFF_FORMATTERS, DiffFormat, diff_reports
from tests.clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent


def _finding(check: str, status: str, obj: str | None = None, field: str | None = None,
             ignored: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"check": check, "status": status, "object": obj, "field": field, "message": f"{check} {status}",
            "suspension": "SF_FIELD_PERMISSIONS", "remediation": "", "lookup_path": [], "sources": [],
            "ignored": ignored}


def _doc(*findings: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": 1, "findings": list(findings)}


BASE = _doc(
    _finding("field-access", "pass", "Contact", "Contact.Email"),
    _finding("field-access", "fail", "Lead", "Lead.Fax"),
    _finding("data-storage", "warn"),
    _finding("old-check", "pass"),
)


def _subjects(changes: tuple[Any, ...]) -> list[tuple[str, str, str | None, str | None]]:
    return [(c.check, c.subject, c.before, c.after) for c in changes]


CASES = [
    ("no change", BASE, BASE, [], [], [], False),
    ("regression: pass -> fail", BASE,
     _doc(_finding("field-access", "fail", "Contact", "Contact.Email"), _finding("field-access", "fail", "Lead", "Lead.Fax"),
          _finding("data-storage", "warn"), _finding("old-check", "pass")),
     [("field-access", "Contact.Email", "pass", "fail")], [], [], True),
    ("regression: a new failing subject", BASE, _doc(*BASE["findings"], _finding("field-access", "fail", "Lead", "Lead.Phone")),
     [("field-access", "Lead.Phone", None, "fail")], [], [], True),
    ("fix", BASE,
     _doc(_finding("field-access", "pass", "Contact", "Contact.Email"), _finding("field-access", "pass", "Lead", "Lead.Fax"),
          _finding("data-storage", "pass"), _finding("old-check", "pass")),
     [], [("field-access", "Lead.Fax", "fail", "pass")], [("data-storage", "", "warn", "pass")], False),
    ("a failure now ignored counts as fixed", BASE,
     _doc(_finding("field-access", "pass", "Contact", "Contact.Email"),
          _finding("field-access", "fail", "Lead", "Lead.Fax", {"reason": "r", "until": None}),
          _finding("data-storage", "warn"), _finding("old-check", "pass")),
     [], [("field-access", "Lead.Fax", "fail", "ignored")], [], False),
    ("an ignore dropped is a new failure", _doc(_finding("field-access", "fail", "Lead", "Lead.Fax", {"reason": "r"})),
     _doc(_finding("field-access", "fail", "Lead", "Lead.Fax")),
     [("field-access", "Lead.Fax", "ignored", "fail")], [], [], True),
    ("a fixed subject that is gone", BASE, _doc(*BASE["findings"][:1], *BASE["findings"][2:]),
     [], [("field-access", "Lead.Fax", "fail", None)], [], False),
]


@pytest.mark.parametrize(("name", "base", "current", "new", "fixed", "changed", "regressed"), CASES, ids=[c[0] for c in CASES])
def test_diff_cases(name: str, base: dict[str, Any], current: dict[str, Any], new: list[Any], fixed: list[Any],
                    changed: list[Any], regressed: bool) -> None:
    result = diff_reports(base, current)
    assert _subjects(result.new_failures) == new
    assert _subjects(result.fixed) == fixed
    assert _subjects(result.changed) == changed
    assert result.regressed is regressed


def test_new_and_removed_checks() -> None:
    current = _doc(*BASE["findings"][:3], _finding("trust-status", "warn"))
    result = diff_reports(BASE, current)
    assert result.new_checks == ("trust-status",) and result.removed_checks == ("old-check",)
    assert _subjects(result.changed) == [("trust-status", "", None, "warn")]


def test_every_diff_format_has_one_formatter() -> None:
    assert set(DIFF_FORMATTERS) == set(DiffFormat)
    assert len(set(DIFF_FORMATTERS.values())) == len(DiffFormat)


def _reports(tmp_path: Path) -> tuple[Path, Path]:
    healthy, demo = tmp_path / "healthy.json", tmp_path / "demo.json"
    for path, cassette in ((healthy, "healthy"), (demo, "demo")):
        result = run_cli("audit", "--replay", str(ROOT / "cassettes" / f"{cassette}.yaml"), "-f", "json", "-o", str(path))
        assert path.exists(), result.stderr
    return healthy, demo


def test_cli_diff_regression_fix_and_no_change(tmp_path: Path) -> None:
    healthy, demo = _reports(tmp_path)
    worse = run_cli("diff", str(healthy), str(demo), "-f", "json")
    assert worse.exit_code == 1
    document = json.loads(worse.stdout)
    assert document["regressed"] is True
    assert {(c["check"], c["field"] or c["object"]) for c in document["new_failures"]} == {
        ("field-access", "Contact.MailingAddress"), ("field-access", "Lead.Fax"),
        ("lookup-access", "Campaign"), ("object-access", "Campaign")}
    better = run_cli("diff", str(demo), str(healthy), "-f", "markdown")
    assert better.exit_code == 0
    assert ":white_check_mark: **no regression, 4 fixed**" in better.stdout
    assert "| `object-access` | Campaign | fail → pass |" in better.stdout
    same = run_cli("diff", str(demo), str(demo))
    assert same.exit_code == 0
    assert "New failures (0)" in same.stdout and "Verdict: no regression" in same.stdout


def test_cli_diff_table_names_what_regressed(tmp_path: Path) -> None:
    healthy, demo = _reports(tmp_path)
    text = run_cli("diff", str(healthy), str(demo)).stdout
    assert "New failures (4):" in text and "Verdict: regressed: 4 new failures" in text
    assert "pass -> fail" in text and "pass -> warn" in text


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not JSON"),
    ("{}", "not an auditor JSON report"),
    ('{"schema_version": 2, "findings": []}', "schema_version 2 is not supported"),
    ('{"schema_version": 1, "findings": [{"check": 1}]}', "findings[1] has no check or status"),
    ('{"schema_version": 1, "orgs": []}', "a combined report of several orgs"),
])
def test_cli_diff_bad_input_is_exit_2_naming_the_file(tmp_path: Path, content: str, message: str) -> None:
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(content, encoding="utf-8")
    good.write_text('{"schema_version": 1, "findings": []}', encoding="utf-8")
    result = run_cli("diff", str(good), str(bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{bad}: " in result.stderr and message in result.stderr
    assert run_cli("diff", str(good), str(tmp_path / "missing.json")).exit_code == 2
