"""--record and --replay: a recording reproduces the audit exactly, offline; --anonymize hides who
and where without changing what the audit finds; recording changes nothing that is sent."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.clirun import run_cli
from tests.simulator.org import FakeOrg, Fault, error_body
from tests.simulator.scenarios import ADMIN_ID, SCENARIOS, USER_ID, healthy_org
from tests.test_faults import OrgRun, audit_org

ROOT = Path(__file__).resolve().parent.parent
ORG_ID = "00D5g000004SzXbEAK"
USERNAME = "hubspot.sync@acme.example.com"
ORG_NAME = "Acme Corporation"


def record(org: FakeOrg, cassette: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> OrgRun:
    return audit_org(org, "--record", str(cassette), *args, monkeypatch=monkeypatch)


def replay(cassette: Path, *args: str) -> tuple[int, dict[str, Any] | None, str]:
    result = run_cli("audit", "--replay", str(cassette), "--format", "json", *args)
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None, result.stderr


def outcomes(report: dict[str, Any]) -> list[tuple[str, str, str | None, str | None]]:
    return sorted((f["check"], f["status"], f["object"], f["field"]) for f in report["findings"])


def sent(run: OrgRun) -> Counter[tuple[str, str, str]]:
    """What reached the org: method, URL and body of every request (threads make the order vary)."""
    def body(raw: Any) -> str:
        return raw.decode() if isinstance(raw, bytes) else str(raw or "")

    return Counter((c.request.method, c.request.url, body(c.request.body)) for c in run.calls)


SCENARIO_NAMES = ("demo", "flaky", "fls-second-page", "group-without-aggregate-id", "server-error", "unknown-error")


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_replay_reproduces_the_recorded_audit(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # scenario arguments name input files relative to the repository
    scenario = SCENARIOS[name]
    args = tuple(a.replace("{dir}", "cassettes/inputs") for a in scenario.args)
    cassette = tmp_path / f"{name}.yaml"
    live = record(scenario.build(), cassette, monkeypatch, *args)
    code, report, _ = replay(cassette, *args)
    assert code == live.result.exit_code
    # The whole report, api_usage included: every recorded answer, retries too, is served again.
    assert report == live.report


def test_recording_does_not_change_what_is_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for build in (SCENARIOS["demo"].build, SCENARIOS["flaky"].build, SCENARIOS["fls-second-page"].build):
        plain = audit_org(build(), monkeypatch=monkeypatch)
        recorded = record(build(), tmp_path / "r.yaml", monkeypatch)
        anonymised = record(build(), tmp_path / "a.yaml", monkeypatch, "--anonymize")
        assert sent(recorded) == sent(plain) == sent(anonymised)
        assert plain.paths[0] == recorded.paths[0] == "/services/oauth2/userinfo"
        assert recorded.result.stdout == plain.result.stdout


def test_recording_keeps_no_request_and_only_useful_headers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassette = tmp_path / "demo.yaml"
    record(SCENARIOS["demo"].build(), cassette, monkeypatch)
    entries = yaml.safe_load(cassette.read_text())["responses"]
    assert [sorted(e) for e in entries] == [["response"]] * len(entries)
    for entry in entries:
        response = entry["response"]
        assert set(response) <= {"method", "url", "body", "status", "content_type", "auto_calculate_content_length", "headers"}
        assert set(response.get("headers", {})) <= {"Sforce-Limit-Info", "Retry-After", "Location"}


def test_an_audit_that_stops_early_is_recorded_and_replays_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = healthy_org()
    org.faults.append(Fault(r"/composite", 401, error_body("INVALID_SESSION_ID", "Session expired or invalid")))
    cassette = tmp_path / "expired.yaml"
    live = record(org, cassette, monkeypatch)
    assert live.result.exit_code == 3 and cassette.exists()
    code, report, stderr = replay(cassette)
    assert (code, report) == (3, None)
    assert stderr.strip().splitlines()[-1] == live.result.stderr.strip().splitlines()[-1]


# ------------------------------------------------------------------------------------- --anonymize

def recorded_text(cassette: Path) -> str:
    """URLs and bodies as recorded (YAML folds long lines, so the file's own text would hide words)."""
    entries = yaml.safe_load(cassette.read_text())["responses"]
    return "\n".join(f"{e['response']['url']}\n{e['response']['body']}" for e in entries)


_SF_ID = re.compile(r"\b(00D|005|00e|0PS|0Pa)[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?\b")


@pytest.mark.parametrize("name", ["demo", "access-via-group", "lookup-chain", "hubspot-package-unassigned"])
def test_anonymised_recording_hides_identity_and_keeps_the_findings(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    scenario = SCENARIOS[name]
    args = tuple(a.replace("{dir}", "cassettes/inputs") for a in scenario.args)
    cassette = tmp_path / "anonymous.yaml"
    live = record(scenario.build(), cassette, monkeypatch, "--anonymize", *args)
    text = recorded_text(cassette)

    for original in (USERNAME, USERNAME.split("@")[0], ORG_ID, ORG_ID[:15], USER_ID, USER_ID[:15], ORG_NAME,
                     "HubSpot Sync"):
        assert original not in text, original
    assert "acme" not in text.lower()  # the My Domain prefix, in URLs and e-mail domains
    # Salesforce id shapes are kept: key prefix and length, mapped consistently.
    userinfo = json.loads(yaml.safe_load(cassette.read_text())["responses"][0]["response"]["body"])
    fake_user, fake_org = userinfo["user_id"], userinfo["organization_id"]
    assert (fake_user[:3], len(fake_user)) == ("005", 18) and fake_user != USER_ID
    assert (fake_org[:3], len(fake_org)) == ("00D", 18) and fake_org != ORG_ID
    assert fake_user in userinfo["sub"] and fake_org in userinfo["sub"]
    assert text.count(fake_org) > 1  # the same fake wherever the org id appeared
    for found in _SF_ID.finditer(text):
        assert len(found.group(0)) in (15, 18)

    code, report, _ = replay(cassette, *args)
    assert code == live.result.exit_code
    assert report is not None
    assert outcomes(report) == outcomes(live.report)
    assert report["would_suspend"] == live.report["would_suspend"]
    assert report["api_usage"] == live.report["api_usage"]
    assert report["org"]["id"] == fake_org and report["org"]["name"] == "Anonymized Org"
    assert report["user"]["id"] == fake_user and "acme" not in report["user"]["username"]
    assert report["instance_url"] == "https://anonymized.my.salesforce.com"


def test_anonymised_recording_hides_the_connected_user_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An admin's session auditing the integration user (--user): the admin's own name and
    username, from the identity answer, must go as well."""
    org = healthy_org()
    org.connected_user_id = ADMIN_ID
    cassette = tmp_path / "admin.yaml"
    live = record(org, cassette, monkeypatch, "--anonymize", "--user", USERNAME)
    assert live.result.exit_code in (0, 1), live.result.stderr
    text = recorded_text(cassette)
    for original in ("Ada Admin", "admin@acme.example.com", '"nickname": "admin"', ADMIN_ID[:15], USERNAME, "HubSpot Sync"):
        assert original not in text, original
    # Replay audits the same user under its fake username.
    entries = [e["response"] for e in yaml.safe_load(cassette.read_text())["responses"]]
    composite = json.loads(next(e["body"] for e in entries if e["method"] == "POST"))
    (user,) = [r["body"] for r in composite["compositeResponse"] if r["referenceId"] == "user"]
    fake_username = user["records"][0]["Username"] if "records" in user else user["Username"]
    assert fake_username.endswith("@example.com")
    code, report, _ = replay(cassette, "--user", fake_username)
    assert code == live.result.exit_code
    assert report is not None and outcomes(report) == outcomes(live.report)


def test_anonymising_is_stable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same org recorded twice gives the same fakes: recordings can be compared."""
    first, second = tmp_path / "1.yaml", tmp_path / "2.yaml"
    record(SCENARIOS["demo"].build(), first, monkeypatch, "--anonymize")
    record(SCENARIOS["demo"].build(), second, monkeypatch, "--anonymize")

    def fakes(path: Path) -> list[str]:
        return sorted(set(_SF_ID.findall(path.read_text())) | set(m.group(0) for m in _SF_ID.finditer(path.read_text())))

    assert fakes(first) == fakes(second)


def test_a_password_recording_replays_without_login_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A password login's recording has no userinfo answer (the login answer said who the user
    is): the identity is read back from the recorded login answer, so --replay alone suffices."""
    from tests import connect_fixtures as fx

    org = healthy_org()

    def login(mock: Any) -> None:
        mock.add("POST", "https://login.salesforce.com/services/Soap/u/62.0", content_type="text/xml",
                 body=fx.soap_login_success(server_host=org.host, user_id=USER_ID, org_id=org.org_id))

    cassette = tmp_path / "password.yaml"
    live = audit_org(org, "--record", str(cassette), monkeypatch=monkeypatch, setup=login,
                     login=("--username", USERNAME, "--password", "Hunter2-SECRET-pw"))
    assert live.result.exit_code == 0, live.result.stderr
    code, report, _ = replay(cassette)
    assert code == 0 and report is not None
    # Same findings; the cost differs by the login request, which a token replay does not send.
    assert {**report, "api_usage": None} == {**live.report, "api_usage": None}
    assert report["api_usage"]["http_requests"] == live.report["api_usage"]["http_requests"] - 1
    # With the same login flags the recording replays in full too.
    code, report, _ = replay(cassette, "--username", USERNAME, "--password", "x")
    assert code == 0 and report == live.report


def test_replay_names_the_answer_a_recording_lacks(tmp_path: Path) -> None:
    """A recording cut short (no /composite answer): one line saying what is missing, not a network error."""
    import yaml

    document = yaml.safe_load((ROOT / "cassettes" / "healthy.yaml").read_text(encoding="utf-8"))
    document["responses"] = [e for e in document["responses"] if not e["response"]["url"].endswith("/composite")]
    cut = tmp_path / "cut.yaml"
    cut.write_text(yaml.safe_dump(document), encoding="utf-8")
    code, report, stderr = replay(cut)
    assert (code, report) == (3, None)
    assert stderr.strip().splitlines()[-1] == (
        "auditor: cannot reach acme.my.salesforce.com: the recording has no answer for /services/data/v62.0/composite")
