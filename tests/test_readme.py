"""The README stays true: generated tables in sync, the documented commands and exit statuses real."""

from __future__ import annotations

from pathlib import Path

from auditor.suspensions import Suspension
from tests.readme_tables import BEGIN, checks_table, with_tables

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_checks_table_is_generated_from_the_registry() -> None:
    assert BEGIN in README
    assert with_tables(README) == README, "README's checks table is stale: run python tests/readme_tables.py"
    assert checks_table() in README


def test_every_suspension_code_is_documented() -> None:
    for code in Suspension:
        assert f"`{code.value}`" in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if "pytest" in line).strip()
    assert command in README
