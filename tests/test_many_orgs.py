"""Several orgs in one run: --target-org repeated (or orgs = [...]), one combined report, per-org
files in --output-dir, the worst exit status. The stand-in sf hands out the simulator's org."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from auditor.report import OutputFormat
from auditor.report.combined import COMBINED
from tests.clirun import run_cli
from tests.simulator.org import FakeOrg
from tests.simulator.scenarios import demo_org, healthy_org
from tests.test_report_schemas import assert_valid_junit, assert_valid_sarif

STAND_INS = Path(__file__).resolve().parent / "stand_ins"
SF_HOST = "fake-org-dev-ed.develop.my.salesforce.com"  # the instance the stand-in sf reports


@pytest.fixture(autouse=True)
def stand_in_sf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("SF_") or name.startswith("AUDITOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    sf = STAND_INS / "sf"
    sf.chmod(sf.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{STAND_INS}{os.pathsep}{os.environ.get('PATH', '')}")


def _serve(fake: FakeOrg) -> Iterator[None]:
    fake.host = SF_HOST
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield


@pytest.fixture()
def healthy() -> Iterator[None]:
    yield from _serve(healthy_org())


@pytest.fixture()
def demo() -> Iterator[None]:
    yield from _serve(demo_org())


def test_every_format_has_a_combined_form() -> None:
    assert set(COMBINED) == set(OutputFormat)


def test_three_orgs_one_unknown_combined_report_and_worst_status(healthy: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("audit", "--target-org", "prod", "--target-org", "uat", "--target-org", "unknown-org",
                     "-f", "json", "-f", "sarif", "-f", "junit", "--output-dir", str(out))
    document = json.loads((out / "audit.json").read_text())
    statuses = {o["target_org"]: o["exit_status"] for o in document["orgs"]}
    assert statuses["prod"] == statuses["uat"] == 0
    assert statuses["unknown-org"] in (2, 3)
    assert result.exit_code == document["exit_status"] == statuses["unknown-org"]
    unknown = next(o for o in document["orgs"] if o["target_org"] == "unknown-org")
    assert unknown["report"] is None and "unknown-org" in unknown["error"]
    assert [o["target_org"] for o in document["orgs"]] == ["prod", "uat", "unknown-org"]  # the order given
    for alias in ("prod", "uat"):
        own = json.loads((out / alias / "audit.json").read_text())
        assert own["summary"]["fail"] == 0 and own["tool"]["name"] == "auditor"
        assert_valid_sarif((out / alias / "audit.sarif").read_text())
    assert not (out / "unknown-org").exists()
    sarif = assert_valid_sarif((out / "audit.sarif").read_text())
    assert len(sarif["runs"]) == 2
    root = assert_valid_junit((out / "audit.xml").read_text())
    names = [s.get("name") for s in root.iter("testsuite")]
    assert "prod/SF_API_DISABLED" in names and "uat/SF_API_DISABLED" in names and "unknown-org/audit" in names
    assert "prod:" in result.stderr and "unknown-org:" in result.stderr


def test_a_failing_org_makes_the_run_exit_1(demo: None) -> None:
    result = run_cli("audit", "--target-org", "a", "--target-org", "b", "--target-org", "unknown-c", "-f", "csv",
                     "--jobs", "2")
    assert result.exit_code == 1  # a predicted suspension outranks an org that could not be audited
    rows = result.stdout.splitlines()
    assert rows[0].startswith("org,check,suspension,status")
    assert {row.split(",")[0] for row in rows[1:]} == {"a", "b", "unknown-c"}


def test_orgs_from_the_settings_file(healthy: None, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text('orgs = ["one", "two"]\njobs = 2\n', encoding="utf-8")
    result = run_cli("audit", "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "# Org `one`" in result.stdout and "# Org `two`" in result.stdout
    # a flag wins over the file
    single = run_cli("audit", "--target-org", "three", "-f", "json")
    assert "schema_version" in json.loads(single.stdout) and "orgs" not in json.loads(single.stdout)


@pytest.mark.parametrize("extra", [("--replay", "x.yaml"), ("--record", "x.yaml"), ("--output", "x.json")])
def test_single_org_options_are_refused_with_several_orgs(extra: tuple[str, ...]) -> None:
    result = run_cli("audit", "--target-org", "a", "--target-org", "b", *extra)
    assert result.exit_code == 2 and extra[0] in result.stderr


@pytest.mark.parametrize("settings", ['orgs = "prod"\n', 'orgs = [1]\n', 'jobs = 0\n'])
def test_bad_orgs_settings(settings: str, tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text(settings, encoding="utf-8")
    assert run_cli("audit").exit_code == 2
