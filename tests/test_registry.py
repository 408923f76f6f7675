"""The meta-test: every registered check has its metadata and is tested for pass, fail/warn and error.

A test "covers" a check and an outcome when its function is named ``test_<check id with
underscores>_...``, runs that check (the id appears as a string literal in the function) and refers to
``Status.<OUTCOME>``. The scan reads tests/test_checks_*.py with ``ast``, so a renamed or deleted test
shows up here as missing coverage.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from auditor.checks import CHECKS, CHECKS_BY_ID, FAMILIES, Check
from auditor.model import Category
from auditor.suspensions import Suspension

TESTS = Path(__file__).parent
CHECK_ID = re.compile(r"^[a-z]+(-[a-z]+)*$")


def _coverage() -> dict[str, set[str]]:
    """check id -> outcomes (Status member names) some test asserts for it."""
    covered: dict[str, set[str]] = {check.id: set() for check in CHECKS}
    for path in sorted(TESTS.glob("test_checks_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            literals = {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            statuses = {
                n.attr
                for n in ast.walk(node)
                if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "Status"
            }
            for check_id in covered:
                if node.name.startswith(f"test_{check_id.replace('-', '_')}_") and check_id in literals:
                    covered[check_id] |= statuses
    return covered


def test_check_ids_are_unique_and_kebab_case() -> None:
    ids = [check.id for check in CHECKS]
    assert len(ids) == len(set(ids))
    assert all(CHECK_ID.match(check_id) for check_id in ids), ids
    assert CHECKS_BY_ID == {check.id: check for check in CHECKS}


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.id)
def test_every_check_has_metadata(check: Check) -> None:
    # A suspension check has its code; a risk check (issue 15) has none and a risk category instead.
    if check.category is Category.SUSPENSION:
        assert isinstance(check.suspension, Suspension)
    else:
        assert check.suspension is None and check.family is not None
    assert check.title.strip() and check.title[0].isupper()
    assert check.remediation.strip().endswith((".", ")"))
    assert callable(check.run)


def test_every_suspension_is_predicted_by_some_check() -> None:
    assert {check.suspension for check in CHECKS if check.suspension is not None} == set(Suspension)


def test_risk_checks_are_the_sync_family() -> None:
    risks = {check.id for check in CHECKS if check.category is not Category.SUSPENSION}
    assert set(FAMILIES["sync"]) == risks
    assert "sync-validation-rules" in risks and "integration-user-posture" in risks


@pytest.mark.parametrize("check_id", [check.id for check in CHECKS])
def test_every_check_is_tested_for_pass_fail_and_error(check_id: str) -> None:
    outcomes = _coverage()[check_id]
    assert "PASS" in outcomes, f"no test asserts a pass for {check_id}"
    assert outcomes & {"FAIL", "WARN"}, f"no test asserts a fail or warn for {check_id}"
    assert "ERROR" in outcomes, f"no test asserts an error (unavailable input) for {check_id}"


def test_the_coverage_scan_sees_a_real_test() -> None:
    """Guard against the scan silently matching nothing (e.g. after a file rename)."""
    coverage = _coverage()
    assert {"PASS", "FAIL", "ERROR"} <= coverage["lookup-access"]
