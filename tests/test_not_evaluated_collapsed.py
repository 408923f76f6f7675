"""One cause, one line: checks an outage stopped are listed once in the human formats, while the
machine formats keep one finding per check (CI tools track them by name)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("cassette", ["org-unavailable", "request-limit-refused"])
def test_an_outage_reads_as_its_finding_plus_one_not_evaluated_line(monkeypatch: pytest.MonkeyPatch,
                                                                     cassette: str) -> None:
    monkeypatch.chdir(ROOT)
    table = run_cli("audit", "--replay", f"cassettes/{cassette}.yaml", "--format", "table").stdout
    stopped = [line for line in table.splitlines() if "not evaluated (" in line]
    assert len(stopped) == 1 and stopped[0].lstrip().split()[1] == "checks"
    assert "| ERROR" not in table  # no grid row per stopped check

    markdown = run_cli("audit", "--replay", f"cassettes/{cassette}.yaml", "--format", "markdown").stdout
    assert markdown.count("not evaluated (") == 1 and "### Not evaluated" in markdown

    document = json.loads(run_cli("audit", "--replay", f"cassettes/{cassette}.yaml", "--format", "json").stdout)
    per_check = [f for f in document["findings"] if f["not_evaluated"]]
    assert len(per_check) >= 5 and len({f["check"] for f in per_check}) == len(per_check)
    assert len({f["not_evaluated"] for f in per_check}) == 1
    listed = stopped[0].split("): ", 1)[1].split(". Fix:")[0].split(", ")
    assert sorted(listed) == sorted(f["check"] for f in per_check)


def test_a_healthy_org_has_no_not_evaluated_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("audit", "--replay", "cassettes/healthy.yaml", "--format", "table")
    assert result.exit_code == 0 and "not evaluated" not in result.stdout
