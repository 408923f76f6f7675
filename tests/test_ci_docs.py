"""docs/ci.md and action.yml keep working: their `auditor` commands run against the simulator
(JWT login answered by a mocked token endpoint), and the action's scripts run over a cassette."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests import connect_fixtures as fx
from tests.clirun import run_cli
from tests.simulator.org import FakeOrg
from tests.simulator.scenarios import USER_ID, demo_org, healthy_org
from tests.test_report_schemas import assert_valid_junit, assert_valid_sarif

pytestmark = pytest.mark.slow  # runs the documented CI commands end to end

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ci.md"


def _blocks(language: str) -> list[str]:
    blocks, current, inside = [], [], False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not inside and line.strip() == f"```{language}":
            inside, current = True, []
        elif inside and line.strip() == "```":
            inside = False
            blocks.append("\n".join(current))
        elif inside:
            current.append(line)
    return blocks


def _auditor_lines(script: str) -> list[str]:
    """The `auditor ...` command lines of a shell script (continuations joined)."""
    joined = script.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("auditor ")]


def _workflow() -> dict[str, Any]:
    workflows = [doc for doc in map(yaml.safe_load, _blocks("yaml")) if isinstance(doc, dict) and "jobs" in doc]
    assert len(workflows) == 1
    return workflows[0]


def _gitlab_job() -> dict[str, Any]:
    jobs = [doc for doc in map(yaml.safe_load, _blocks("yaml"))
            if isinstance(doc, dict) and "jobs" not in doc and any(isinstance(v, dict) and "script" in v for v in doc.values())]
    assert len(jobs) == 1
    (job,) = jobs[0].values()
    assert isinstance(job, dict)
    return job


@pytest.fixture()
def ci_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in list(os.environ):
        if name.startswith("SF_") or name.startswith("AUDITOR_"):
            monkeypatch.delenv(name)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    # What the workflow's env: block sets from secrets and variables.
    monkeypatch.setenv("SF_JWT_KEY", pem)
    monkeypatch.setenv("SF_CLIENT_ID", "3MVG9FAKECONSUMERKEY")
    monkeypatch.setenv("SF_USERNAME", "hubspot.sync@acme.example.com")
    monkeypatch.setenv("SF_DOMAIN", "login")
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _serving(fake: FakeOrg) -> responses.RequestsMock:
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(responses.POST, "https://login.salesforce.com/services/oauth2/token",
             json=fx.oauth_token_success(instance_url=fake.base, org_id=fake.org_id, user_id=USER_ID))
    fake.install(mock)
    return mock


def _run(line: str) -> int:
    return run_cli(*shlex.split(line)[1:]).exit_code


def test_the_workflow_has_what_the_issue_asks_for() -> None:
    workflow = _workflow()
    steps = workflow["jobs"]["audit"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "GITHUB_STEP_SUMMARY" in scripts and "gh run download" in scripts
    audit = next(step for step in steps if step.get("id") == "audit")
    assert audit["env"]["SF_JWT_KEY"] == "${{ secrets.SF_JWT_KEY }}"  # the key comes from secrets only
    assert "schedule" in workflow[True] if True in workflow else "schedule" in workflow["on"]  # YAML 1.1 'on'


def test_github_workflow_commands_against_the_simulator(ci_environment: Path) -> None:
    steps = _workflow()["jobs"]["audit"]["steps"]
    audit_lines = [line for step in steps for line in _auditor_lines(step.get("run", ""))]
    assert [line.split()[1] for line in audit_lines] == ["audit", "diff"]
    audit_line, diff_line = audit_lines
    with _serving(healthy_org()):
        assert _run(audit_line) == 0
    reports = ci_environment / "reports"
    assert_valid_sarif((reports / "audit.sarif").read_text())
    assert_valid_junit((reports / "audit.xml").read_text())
    assert (reports / "audit.md").read_text().startswith("## HubSpot-Salesforce integration audit")
    # The nightly job: yesterday's good report is the artifact; today the org got worse.
    (ci_environment / "baseline").mkdir()
    shutil.copy(reports / "audit.json", ci_environment / "baseline" / "audit.json")
    with _serving(demo_org()):
        assert _run(audit_line) == 1
    assert _run(diff_line) == 1
    drift = (reports / "drift.md").read_text()
    assert ":x: **regressed: 4 new failures**" in drift and "`object-access`" in drift


def test_gitlab_job_commands_against_the_simulator(ci_environment: Path) -> None:
    job = _gitlab_job()
    lines = [line for item in job["script"] for line in _auditor_lines(item)]
    assert len(lines) == 1
    with _serving(demo_org()):
        assert _run(lines[0]) == 1
    junit = job["artifacts"]["reports"]["junit"]
    root = assert_valid_junit((ci_environment / junit).read_text())
    assert root.find(".//testcase[@name='field-access[Contact.MailingAddress]']/failure") is not None
    assert job["artifacts"]["when"] == "always"


def test_the_several_orgs_settings_example_is_valid(ci_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (toml,) = _blocks("toml")
    (ci_environment / "auditor.toml").write_text(toml, encoding="utf-8")
    monkeypatch.setenv("PATH", str(ci_environment))  # no sf: each org fails alike, but the settings parse
    result = run_cli("audit", "--output-dir", "reports", "-f", "json")
    document = json.loads((ci_environment / "reports" / "audit.json").read_text())
    assert [o["target_org"] for o in document["orgs"]] == ["client-a", "client-b", "client-c"]
    assert result.exit_code == 2 and all("sf" in o["error"] for o in document["orgs"])


# --------------------------------------------------------------------------- action.yml


def _action() -> dict[str, Any]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(action, dict)
    return action


def test_the_action_is_composite_and_takes_no_secrets_as_inputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert not [name for name in action["inputs"] if any(word in name for word in ("token", "key", "secret", "password"))]
    uses = [step.get("uses", "") for step in action["runs"]["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    for step in action["runs"]["steps"]:  # inputs reach scripts through env:, never spliced in
        assert "${{" not in step.get("run", ""), step.get("name")


def _step(name: str) -> dict[str, Any]:
    step = next(s for s in _action()["runs"]["steps"] if s.get("name") == name)
    assert isinstance(step, dict)
    return step


def _bash(script: str, env: dict[str, str], cwd: Path) -> int:
    bin_dir = str(Path(sys.executable).parent)
    full = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(cwd), **env}
    return subprocess.run(["bash", "-c", script], env=full, cwd=cwd, check=False, capture_output=True).returncode


@pytest.mark.parametrize(("cassette", "fail_on", "expected"), [("demo", "fail", "1"), ("demo", "never", "0"),
                                                              ("healthy", "warn", "1")])
def test_the_action_scripts_over_a_cassette(tmp_path: Path, cassette: str, fail_on: str, expected: str) -> None:
    outputs, summary = tmp_path / "github_output", tmp_path / "summary.md"
    env = {"AUDITOR_FAIL_ON": fail_on, "AUDITOR_OUTPUT_DIR": "auditor-report", "AUDITOR_CONFIG_INPUT": "",
           "AUDITOR_ARGS": f"--replay {ROOT / 'cassettes' / f'{cassette}.yaml'}", "GITHUB_OUTPUT": str(outputs),
           "GITHUB_STEP_SUMMARY": str(summary)}
    assert _bash(_step("Audit")["run"], env, tmp_path) == 0  # the step itself never fails
    assert outputs.read_text() == f"exit-code={expected}\n"
    assert sorted(p.name for p in (tmp_path / "auditor-report").iterdir()) == [
        "audit.json", "audit.md", "audit.sarif", "audit.xml"]
    assert _bash(_step("Job summary")["run"], env, tmp_path) == 0
    assert summary.read_text().startswith("## HubSpot-Salesforce integration audit")
    assert _bash(_step("Fail by --fail-on")["run"], {**env, "AUDITOR_EXIT": expected}, tmp_path) == int(expected)
