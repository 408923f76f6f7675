"""End to end through the CLI: every login flow against the simulated org, whoami, and the
one-line errors with their exit statuses (2 usage, 3 could not complete)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests import connect_fixtures as fx
from tests.clirun import CliResult, run_cli
from tests.simulator.org import FakeOrg
from tests.simulator.scenarios import USER_ID, healthy_org

ROOT = Path(__file__).resolve().parent.parent
STAND_INS = ROOT / "tests" / "stand_ins"
SECRET_PASSWORD = "Hunter2-pw-value"  # pragma: allowlist secret
SECRET_TOKEN = "SecTok-value-123"  # pragma: allowlist secret


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("SF_") or name.startswith("AUDITOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no auditor.toml / pyproject.toml from the repo


@pytest.fixture()
def org() -> Iterator[tuple[FakeOrg, responses.RequestsMock]]:
    fake = healthy_org()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield fake, mock


def _install(fake: FakeOrg, mock: responses.RequestsMock) -> None:
    fake.install(mock)  # after the login endpoints: the first registered match wins


def _report(result: CliResult) -> dict[str, object]:
    assert result.stdout.strip(), result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_password_flow_identity_from_login_answer(org: tuple[FakeOrg, responses.RequestsMock]) -> None:
    fake, mock = org
    mock.add(responses.POST, "https://login.salesforce.com/services/Soap/u/62.0",
             body=fx.soap_login_success(server_host=fake.host, user_id=USER_ID, org_id=fake.org_id,
                                        username="hubspot.sync@acme.example.com"),
             content_type="text/xml; charset=utf-8")
    _install(fake, mock)
    result = run_cli("audit", "--username", "hubspot.sync@acme.example.com", "--password", SECRET_PASSWORD,
                     "--security-token", SECRET_TOKEN, "--hubspot-allocation", "20000", "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = _report(result)
    # login + /limits + /composite + the sync round's composite (issue 15): the login answer said who the
    # user is, so no userinfo call.
    assert report["api_usage"] == {"http_requests": 4, "api_calls": 3}
    assert "(password)" in result.stderr
    assert SECRET_PASSWORD not in result.stdout + result.stderr


def test_sandbox_password_login_uses_test_domain(org: tuple[FakeOrg, responses.RequestsMock]) -> None:
    fake, mock = org
    mock.add(responses.POST, "https://test.salesforce.com/services/Soap/u/62.0",
             body=fx.soap_login_success(server_host=fake.host, user_id=USER_ID, org_id=fake.org_id, sandbox=True),
             content_type="text/xml; charset=utf-8")
    _install(fake, mock)
    result = run_cli("audit", "--username", "u@acme.example.com.uat", "--password", SECRET_PASSWORD,
                     "--security-token", "", "--domain", "test", "-f", "json")
    assert result.exit_code == 0, result.stderr


def _private_key_file(directory: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = directory / "server.key"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path


def test_jwt_flow(org: tuple[FakeOrg, responses.RequestsMock], tmp_path: Path) -> None:
    fake, mock = org
    mock.add(responses.POST, "https://login.salesforce.com/services/oauth2/token",
             json=fx.oauth_token_success(instance_url=fake.base, org_id=fake.org_id, user_id=USER_ID))
    _install(fake, mock)
    result = run_cli("audit", "--client-id", "3MVG9FAKECONSUMERKEY", "--username", "hubspot.sync@acme.example.com",
                     "--private-key-file", str(_private_key_file(tmp_path)), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "(jwt)" in result.stderr
    assert _report(result)["api_usage"] == {"http_requests": 4, "api_calls": 3}  # with the sync round


def test_client_credentials_flow(org: tuple[FakeOrg, responses.RequestsMock], monkeypatch: pytest.MonkeyPatch) -> None:
    fake, mock = org
    mock.add(responses.POST, "https://acme.my.salesforce.com/services/oauth2/token",
             json=fx.oauth_token_success(instance_url=fake.base, org_id=fake.org_id, user_id=USER_ID))
    _install(fake, mock)
    monkeypatch.setenv("SF_CLIENT_SECRET", "client-secret-value")
    result = run_cli("audit", "--client-id", "3MVG9FAKECONSUMERKEY", "--domain", "acme.my", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "client-secret-value" not in result.stdout + result.stderr


def test_sf_cli_alias_with_redacted_token(org: tuple[FakeOrg, responses.RequestsMock], monkeypatch: pytest.MonkeyPatch) -> None:
    fake, mock = org
    fake.host = "fake-org-dev-ed.develop.my.salesforce.com"  # what the stand-in sf reports
    _install(fake, mock)
    sf = STAND_INS / "sf"
    sf.chmod(sf.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{STAND_INS}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("AUDITOR_FAKE_SF_SCENARIO", "redacted")
    result = run_cli("audit", "--target-org", "hubspot-prod", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "(sf-cli)" in result.stderr


def test_sf_cli_not_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run_cli("audit", "--target-org", "hubspot-prod")
    assert result.exit_code in (2, 3)
    assert "sf" in result.stderr and "not installed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("code", "expected"), [
    ("INVALID_LOGIN", "INVALID_LOGIN"),
    ("LOGIN_MUST_USE_SECURITY_TOKEN", "security token"),
    ("PASSWORD_LOCKOUT", "PASSWORD_LOCKOUT"),
])
def test_login_refusals_are_exit_3_one_line(code: str, expected: str) -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, "https://login.salesforce.com/services/Soap/u/62.0", status=500,
                 body=fx.soap_login_fault(code), content_type="text/xml; charset=utf-8")
        result = run_cli("audit", "--username", "u@x.example", "--password", SECRET_PASSWORD, "--security-token", "")
    assert result.exit_code == 3
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert SECRET_PASSWORD not in result.stderr and "Traceback" not in result.stderr


def test_api_disabled_for_the_user_at_login_is_a_finding() -> None:
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, "https://login.salesforce.com/services/Soap/u/62.0", status=500,
                 body=fx.soap_login_fault("API_CURRENTLY_DISABLED"), content_type="text/xml; charset=utf-8")
        result = run_cli("audit", "--username", "u@x.example", "--password", SECRET_PASSWORD,
                         "--security-token", "", "-f", "json")
    assert result.exit_code == 1
    report = _report(result)
    assert report["would_suspend"] == ["SF_API_DISABLED"]
    finding = next(f for f in report["findings"] if f["check"] == "api-enabled")  # type: ignore[union-attr]
    assert "API_CURRENTLY_DISABLED" in finding["message"]


def test_unknown_host_is_exit_3_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.commands.session.time.sleep", lambda _seconds: None)  # the retries' back-off
    error = requests.ConnectionError("Failed to resolve 'nope.my.salesforce.com' ([Errno -2] Name or service not known)")
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, "https://nope.my.salesforce.com/services/oauth2/userinfo", body=error)
        result = run_cli("audit", "--instance-url", "https://nope.my.salesforce.com", "--access-token", "tok-value-123456",
                         "--timeout", "2")
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if "auditing" not in line]  # progress line aside
    assert errors == ["auditor: unknown host nope.my.salesforce.com: check --instance-url / --domain"]


def test_whoami_over_a_recording() -> None:
    result = run_cli("whoami", "--replay", str(ROOT / "cassettes" / "demo.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "Acme Corporation (00D5g000004SzXbEAK), Enterprise Edition, production" in result.stdout
    assert "hubspot.sync@acme.example.com" in result.stdout
    assert "Profile:    HubSpot Integration (license Salesforce)" in result.stdout


def test_whoami_json(org: tuple[FakeOrg, responses.RequestsMock]) -> None:
    fake, mock = org
    _install(fake, mock)
    result = run_cli("whoami", "--instance-url", fake.base, "--access-token", "tok-value-123456", "-f", "json")
    assert result.exit_code == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["user"]["username"] == "hubspot.sync@acme.example.com"
    assert facts["org"]["edition"] == "Enterprise Edition"


# ------------------------------------------------------------------- usage errors (exit 2)

@pytest.mark.parametrize("args", [
    ("audit", "--bogus"),
    ("audit", "--format", "yaml"),
    ("audit", "--hubspot-allocation", "-5"),
    ("audit", "--anonymize"),
    ("audit", "--mappings", "/nonexistent/mappings.csv", "--instance-url", "https://x.my.salesforce.com", "--access-token", "t0ken-value"),
    ("audit", "--replay", "/nonexistent/cassette.yaml"),
    ("nosuchcommand",),
])
def test_usage_errors_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("auditor: "), result.stderr


def test_no_credentials_names_the_ways_to_connect() -> None:
    result = run_cli("audit")
    assert result.exit_code == 2
    assert "--access-token" in result.stderr and "--target-org" in result.stderr


def test_missing_password_in_ci_names_the_variable() -> None:
    result = run_cli("audit", "--username", "u@x.example")
    assert result.exit_code == 2
    assert "SF_PASSWORD" in result.stderr


def test_malformed_mapping_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text("hubspot_object,hubspot_property,salesforce_object,salesforce_field,direction\n"
                   "contacts,email,Contact,Email,two_way\ncontacts,phone,Contact,Phone,sideways\n")
    result = run_cli("audit", "--mappings", str(bad), "--replay", str(ROOT / "cassettes" / "demo.yaml"))
    assert result.exit_code == 2
    assert f"{bad}:3: unknown direction 'sideways'" in result.stderr


def test_malformed_cassette_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("responses:\n- response: {method: GET}\n")
    result = run_cli("audit", "--replay", str(bad))
    assert result.exit_code == 2
    assert "lacks 'url'" in result.stderr


def test_config_file_settings_apply_and_secrets_are_refused(tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text("hubspot_allocation = 20000\n")
    result = run_cli("audit", "--replay", str(ROOT / "cassettes" / "healthy.yaml"), "-f", "json")
    assert result.exit_code == 0, result.stderr
    (tmp_path / "auditor.toml").write_text('password = "x"\n')
    refused = run_cli("audit", "--replay", str(ROOT / "cassettes" / "healthy.yaml"))
    assert refused.exit_code == 2
    assert "secret" in refused.stderr


def test_maintenance_page_at_login_is_exit_3_with_a_clean_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.commands.session.time.sleep", lambda _seconds: None)  # the retries' back-off
    from tests.simulator.org import MAINTENANCE_PAGE

    with responses.RequestsMock() as mock:
        mock.add(responses.POST, "https://login.salesforce.com/services/Soap/u/62.0", status=503,
                 body=MAINTENANCE_PAGE, content_type="text/html;charset=UTF-8")
        result = run_cli("audit", "--username", "u@x.example", "--password", SECRET_PASSWORD, "--security-token", "",
                         "--timeout", "1")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        "auditor: the login endpoint login.salesforce.com answered with a web page ('Salesforce - Maintenance') "
        "instead of a login answer: Salesforce may be down for maintenance (check status.salesforce.com), "
        "or a proxy is in the way")


def test_a_jwt_recording_replays_without_login_flags(org: tuple[FakeOrg, responses.RequestsMock], tmp_path: Path) -> None:
    """CI records with JWT; the login answer names the user, so no userinfo answer is recorded.
    Replaying must still work with nothing but --replay."""
    fake, mock = org
    mock.add(responses.POST, "https://login.salesforce.com/services/oauth2/token",
             json=fx.oauth_token_success(instance_url=fake.base, org_id=fake.org_id, user_id=USER_ID))
    _install(fake, mock)
    recording = tmp_path / "ci.yaml"
    live = run_cli("audit", "--client-id", "3MVG9FAKECONSUMERKEY", "--username", "hubspot.sync@acme.example.com",
                   "--private-key-file", str(_private_key_file(tmp_path)), "-f", "json", "--record", str(recording))
    assert live.exit_code == 0, live.stderr
    mock.stop()
    replayed = run_cli("audit", "--replay", str(recording), "-f", "json")
    assert replayed.exit_code == 0, replayed.stderr
    findings = lambda result: [(f["check"], f["status"], f["object"], f["field"]) for f in _report(result)["findings"]]  # noqa: E731
    assert findings(replayed) == findings(live)


# ------------------------------------------------------------------- --api-version


@pytest.mark.parametrize("given", ["62.0", "v62.0", "62", "V62"])
def test_api_version_spellings_all_send_v62(org: tuple[FakeOrg, responses.RequestsMock], given: str) -> None:
    fake, mock = org
    _install(fake, mock)
    result = run_cli("whoami", "--instance-url", fake.base, "--access-token", "tok-value-123456",
                     "--api-version", given, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["api_version"] == "62.0"
    data_paths = [call.request.url for call in mock.calls if "/services/data/" in str(call.request.url)]
    assert data_paths and all("/services/data/v62.0/" in str(url) for url in data_paths), data_paths


@pytest.mark.parametrize(("given", "expected"), [
    ("40.0", "needs API version 52.0 or later"),
    ("51", "needs API version 52.0 or later"),
    ("latest", "is not an API version like 62.0"),
    ("vv62.0", "is not an API version like 62.0"),
    ("62.5", "is not an API version like 62.0"),
])
def test_bad_api_version_is_exit_2_before_anything_is_sent(
    org: tuple[FakeOrg, responses.RequestsMock], given: str, expected: str
) -> None:
    fake, mock = org
    _install(fake, mock)
    result = run_cli("audit", "--instance-url", fake.base, "--access-token", "tok-value-123456", "--api-version", given)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("auditor: --api-version ") and expected in lines[0], result.stderr
    assert result.stdout == ""
    assert len(mock.calls) == 0


# ------------------------------------------------------------------- a missing access token


def test_missing_access_token_is_prompted_on_a_terminal(
    org: tuple[FakeOrg, responses.RequestsMock], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, mock = org
    _install(fake, mock)
    asked: list[str] = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return "prompted-token-value-42"

    monkeypatch.setattr("auditor.commands.session.interactive", lambda: True)
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    result = run_cli("whoami", "--instance-url", fake.base, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert asked == [f"Access token for {fake.base}: "]
    assert mock.calls and all(
        call.request.headers.get("Authorization") == "Bearer prompted-token-value-42" for call in mock.calls
    )
    assert "prompted-token-value-42" not in result.stdout + result.stderr


def test_missing_access_token_in_ci_names_the_variable() -> None:
    result = run_cli("audit", "--instance-url", "https://fake-org.my.salesforce.com")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "auditor: missing SF_ACCESS_TOKEN (set the environment variable or pass --access-token)"
    )


def test_an_empty_prompted_access_token_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.commands.session.interactive", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda _prompt: "")
    result = run_cli("audit", "--instance-url", "https://fake-org.my.salesforce.com")
    assert result.exit_code == 2
    assert "no value entered: missing SF_ACCESS_TOKEN" in result.stderr
