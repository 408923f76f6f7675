"""No secret ever leaves the process: not on stdout, stderr, the --debug log, any report format,
an --output file, or a cassette written by --record (with or without --anonymize).

Every login flow is run against the simulated org with recognisable secret values; every byte
the CLI wrote is then searched for each secret and for the distinctive part of each (so a
secret half-mangled by anonymisation still counts as leaked). The session id and access tokens
that Salesforce hands back in login answers, and the JWT assertion the CLI signs, count too.
Finally detect-secrets scans the committed cassettes.
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests import connect_fixtures as fx
from tests.simulator.org import FakeOrg, Fault, error_body
from tests.simulator.scenarios import USER_ID, healthy_org
from tests.test_faults import OrgRun, audit_org

ROOT = Path(__file__).resolve().parent.parent
# Recognisable and obviously fake; each has a distinctive core that must not appear either.
ACCESS_TOKEN = "00DFAKE000000000!SECRETTOKENVALUE"  # pragma: allowlist secret
PASSWORD = "Hunter2-SECRET-pw"  # pragma: allowlist secret
SECURITY_TOKEN = "SECTOKEN0SECRET42"  # pragma: allowlist secret
CLIENT_SECRET = "CLIENT-SECRET-9f8e7d6c5b4a"  # pragma: allowlist secret
CLIENT_ID = "3MVG9FAKECONSUMERKEY"
LOGIN_SESSION_ID = "00DFAKE000000001!LOGINSESSIONSECRET"  # pragma: allowlist secret
OAUTH_ACCESS_TOKEN = "00DFAKE000000002!OAUTHACCESSSECRET"  # pragma: allowlist secret
BASIC = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()  # how the secret is sent
SF_CLI_TOKEN = "00DFAKE000000002!FAKESFCLITOKEN0003"  # what tests/stand_ins/sf hands out  # pragma: allowlist secret
STAND_INS = ROOT / "tests" / "stand_ins"
USERNAME = "hubspot.sync@acme.example.com"
SOAP_LOGIN = "https://login.salesforce.com/services/Soap/u/62.0"
FORMATS = ("table", "json", "markdown", "junit", "csv")


@pytest.fixture(scope="module")
def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@dataclass
class Flow:
    """One way to log in: the flags, the mocks of its login endpoint, and the secrets it involves."""

    name: str
    flags: tuple[str, ...]
    secrets: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    host: str | None = None  # where the login sends the audit, when not the simulator's default
    assertions: list[str] = field(default_factory=list)  # JWT assertions seen by the token endpoint

    def setup(self, org: FakeOrg) -> Callable[[responses.RequestsMock], None]:
        def register(mock: responses.RequestsMock) -> None:
            if self.name == "password":
                mock.add("POST", SOAP_LOGIN, content_type="text/xml; charset=utf-8", body=fx.soap_login_success(
                    server_host=org.host, session_id=LOGIN_SESSION_ID, user_id=USER_ID, org_id=org.org_id,
                    username=USERNAME))
            elif self.name == "client-credentials":
                mock.add("POST", f"{org.base}/services/oauth2/token", json=fx.oauth_token_success(
                    instance_url=org.base, access_token=OAUTH_ACCESS_TOKEN, org_id=org.org_id, user_id=USER_ID))
            elif self.name.startswith("jwt"):
                def token(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
                    body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
                    self.assertions.append(parse_qs(body)["assertion"][0])
                    return 200, {"Content-Type": "application/json"}, fx.as_json(fx.oauth_token_success(
                        instance_url=org.base, access_token=OAUTH_ACCESS_TOKEN, org_id=org.org_id, user_id=USER_ID))

                mock.add_callback("POST", "https://login.salesforce.com/services/oauth2/token", callback=token)
        return register


def flows(tmp_path: Path, pem: str) -> list[Flow]:
    sf = STAND_INS / "sf"
    sf.chmod(sf.stat().st_mode | stat.S_IXUSR)
    key_file = tmp_path / "server.key"
    key_file.write_text(pem)
    key_secrets = {f"private key line {n}": line for n, line in enumerate(pem.splitlines()[1:-1], 1) if len(line) >= 16}
    return [
        Flow("access-token", ("--instance-url", "https://acme.my.salesforce.com", "--access-token", ACCESS_TOKEN),
             {"access token": ACCESS_TOKEN, "access token core": ACCESS_TOKEN.split("!")[1]}),
        Flow("password", ("--username", USERNAME, "--password", PASSWORD, "--security-token", SECURITY_TOKEN),
             {"password": PASSWORD, "password core": "Hunter2", "security token": SECURITY_TOKEN,
              "session id": LOGIN_SESSION_ID, "session id core": LOGIN_SESSION_ID.split("!")[1]}),
        Flow("client-credentials", ("--client-id", CLIENT_ID, "--domain", "acme.my"),
             {"client secret": CLIENT_SECRET, "client secret (Basic)": BASIC, "access token": OAUTH_ACCESS_TOKEN,
              "access token core": OAUTH_ACCESS_TOKEN.split("!")[1]},
             env={"SF_CLIENT_SECRET": CLIENT_SECRET}),
        Flow("jwt-key-file", ("--client-id", CLIENT_ID, "--username", USERNAME, "--private-key-file", str(key_file)),
             {**key_secrets, "access token": OAUTH_ACCESS_TOKEN}),
        Flow("jwt-key-in-env", ("--client-id", CLIENT_ID, "--username", USERNAME),
             {**key_secrets, "access token": OAUTH_ACCESS_TOKEN}, env={"SF_JWT_KEY": pem}),
        # The stand-in sf redacts the token in 'org display'; the CLI asks 'org auth show-access-token'.
        Flow("sf-cli", ("--target-org", "hubspot-prod"),
             {"sf CLI token": SF_CLI_TOKEN, "sf CLI token core": SF_CLI_TOKEN.split("!")[1]},
             env={"PATH": f"{STAND_INS}{os.pathsep}{os.environ.get('PATH', '')}", "AUDITOR_FAKE_SF_SCENARIO": "redacted"},
             host="fake-org-dev-ed.develop.my.salesforce.com"),
    ]


def run(flow: Flow, monkeypatch: pytest.MonkeyPatch, *args: str, command: str = "audit",
        org: FakeOrg | None = None) -> OrgRun:
    org = org or healthy_org()
    if flow.host is not None:
        org.host = flow.host
    return audit_org(org, *args, monkeypatch=monkeypatch, command=command, setup=flow.setup(org),
                     login=flow.flags, env=flow.env)


def written(outcome: OrgRun, directory: Path) -> dict[str, str]:
    """Everything the run wrote: its streams and every file in ``directory``."""
    texts = {"stdout": outcome.result.stdout, "stderr": outcome.result.stderr}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != "server.key":
            texts[str(path.relative_to(directory))] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def assert_no_secret(flow: Flow, texts: dict[str, str]) -> int:
    """Search every text for every secret of the flow; returns how many (secret, text) pairs were searched."""
    secrets = dict(flow.secrets)
    for number, assertion in enumerate(flow.assertions, 1):
        secrets[f"JWT assertion {number}"] = assertion
        secrets[f"JWT signature {number}"] = assertion.rsplit(".", 1)[1]
    leaks = [(name, where) for where, text in texts.items() for name, value in secrets.items() if value in text]
    assert leaks == [], f"{flow.name}: secrets found in output: {leaks}"
    return len(secrets) * len(texts)


def assert_secrets_were_used(flow: Flow, outcome: OrgRun) -> None:
    """The run really sent the secrets, so the scan above had something to find."""
    sent = " ".join(
        f"{c.request.headers.get('Authorization', '')} {c.request.body.decode() if isinstance(c.request.body, bytes) else c.request.body}"
        for c in outcome.calls)
    if flow.name == "access-token":
        assert f"Bearer {ACCESS_TOKEN}" in sent
    elif flow.name == "password":
        assert PASSWORD + SECURITY_TOKEN in sent and f"Bearer {LOGIN_SESSION_ID}" in sent
    elif flow.name == "sf-cli":
        assert f"Bearer {SF_CLI_TOKEN}" in sent
    elif flow.name == "client-credentials":
        assert f"Basic {BASIC}" in sent and f"Bearer {OAUTH_ACCESS_TOKEN}" in sent
    else:
        assert flow.assertions and f"Bearer {OAUTH_ACCESS_TOKEN}" in sent


# ------------------------------------------------------------------------------------- every flow


FLOW_NAMES = ("access-token", "password", "client-credentials", "jwt-key-file", "jwt-key-in-env", "sf-cli")


@pytest.mark.parametrize("flow_name", FLOW_NAMES)
def test_no_secret_in_any_output(flow_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 private_key_pem: str) -> None:
    (flow,) = [f for f in flows(tmp_path, private_key_pem) if f.name == flow_name]
    out = tmp_path / "out"
    out.mkdir()
    runs: list[tuple[str, tuple[str, ...]]] = []
    for fmt in FORMATS:
        runs.append(("audit", ("--debug", "-f", fmt, "--verbose")))  # the report on stdout
        runs.append(("audit", ("--debug", "-f", fmt, "-o", str(out / f"report.{fmt}"))))
    runs += [
        ("audit", ("--record", str(out / "plain.yaml"), "--save-snapshot", str(out / "snapshot.json"))),
        ("audit", ("--debug", "--record", str(out / "anonymous.yaml"), "--anonymize")),
        ("whoami", ("--debug",)),  # json (audit_org's default format)
        ("whoami", ("--debug", "-f", "text")),
    ]
    for command, args in runs:
        outcome = run(flow, monkeypatch, *args, command=command)
        assert outcome.result.exit_code == 0, (command, args, outcome.result.stderr)
        assert "[debug]" in outcome.result.stderr or "--debug" not in args
        assert_secrets_were_used(flow, outcome)
        assert_no_secret(flow, written(outcome, out))
    # The files were really written, in every format.
    assert {p.name for p in out.iterdir()} == (
        {f"report.{fmt}" for fmt in FORMATS} | {"plain.yaml", "anonymous.yaml", "snapshot.json"})


def test_no_secret_when_things_go_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_key_pem: str) -> None:
    """Errors are where secrets slip out: refusals, a session dropped mid-audit, retries."""
    by_name = {f.name: f for f in flows(tmp_path, private_key_pem)}
    cassette = tmp_path / "failed.yaml"

    # Salesforce echoes the password in a login fault: stderr and the recording of that answer.
    password = by_name["password"]
    org = healthy_org()

    def echoing_fault(mock: responses.RequestsMock) -> None:
        mock.add("POST", SOAP_LOGIN, status=500, content_type="text/xml", body=fx.soap_login_fault(
            "INVALID_LOGIN", f"Invalid password {PASSWORD}{SECURITY_TOKEN} for {USERNAME}"))

    outcome = audit_org(org, "--debug", "--record", str(cassette), monkeypatch=monkeypatch, setup=echoing_fault,
                        login=password.flags)
    assert outcome.result.exit_code == 3 and cassette.exists()
    assert_no_secret(password, written(outcome, tmp_path))

    # The session is rejected mid-audit, with retries of a 503 before it.
    access = by_name["access-token"]
    org = healthy_org()
    org.faults = [Fault(r"/limits", 503, error_body("SERVER_UNAVAILABLE", f"busy; token {ACCESS_TOKEN}")),
                  Fault(r"/composite", 401, error_body("INVALID_SESSION_ID", f"Session {ACCESS_TOKEN} expired"))]
    cassette.unlink()
    outcome = run(access, monkeypatch, "--debug", "--record", str(cassette), org=org)
    assert outcome.result.exit_code == 3 and cassette.exists()
    assert_no_secret(access, written(outcome, tmp_path))


def test_no_secret_in_anonymised_recording_of_an_id_like_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--anonymize rewrites ids and e-mails; it must not turn a secret into something the
    redactor no longer recognises (redaction has to come first)."""
    password = "pw-0055g00000DxZzCAAV-SECRET"  # pragma: allowlist secret
    flow = Flow("password", ("--username", USERNAME, "--password", password, "--security-token", ""),
                {"password": password, "password core": "-SECRET"})

    def echoing_fault(mock: responses.RequestsMock) -> None:
        mock.add("POST", SOAP_LOGIN, status=500, content_type="text/xml",
                 body=fx.soap_login_fault("INVALID_LOGIN", f"Invalid password {password}"))

    cassette = tmp_path / "anonymous.yaml"
    outcome = audit_org(healthy_org(), "--record", str(cassette), "--anonymize", monkeypatch=monkeypatch,
                        setup=echoing_fault, login=flow.flags)
    assert outcome.result.exit_code == 3 and cassette.exists()
    assert "Invalid password" in cassette.read_text()
    assert_no_secret(flow, written(outcome, tmp_path))


# ------------------------------------------------------------------------------------- detect-secrets


def _detect_secrets(paths: list[Path]) -> dict[str, object]:
    detect_secrets = pytest.importorskip(
        "detect_secrets", reason="detect-secrets is not installed (pip install -e '.[test]' brings it)")
    from detect_secrets.settings import default_settings

    found = detect_secrets.SecretsCollection(root=str(ROOT))
    with default_settings():
        found.scan_files(*(str(p) for p in paths))
    result: dict[str, object] = found.json()
    return result


def test_detect_secrets_finds_nothing_in_the_cassettes() -> None:
    """No baseline needed: the committed recordings hold no secret-shaped data at all."""
    paths = [p for p in sorted((ROOT / "cassettes").rglob("*")) if p.is_file()]
    assert len(paths) > 10
    assert _detect_secrets(paths) == {}


def test_detect_secrets_would_notice_a_leak(tmp_path: Path) -> None:
    """A positive control: the same scan does flag a secret planted in a cassette-shaped file."""
    planted = tmp_path / "planted.yaml"
    key = "AKIA" + "Q3K7TZ2M4XWB9LPD"  # built at run time so this file itself stays clean
    planted.write_text(f"responses:\n- response:\n    body: '{{\"aws_access_key_id\": \"{key}\"}}'\n")
    assert _detect_secrets([planted]) != {}


def test_recorded_cassette_passes_detect_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 private_key_pem: str) -> None:
    flow = {f.name: f for f in flows(tmp_path, private_key_pem)}["password"]
    cassette = tmp_path / "recorded.yaml"
    outcome = run(flow, monkeypatch, "--record", str(cassette))
    assert outcome.result.exit_code == 0, outcome.result.stderr
    text = cassette.read_text()
    assert "<sessionId>" in text and LOGIN_SESSION_ID not in text  # the login answer is kept, scrubbed
    assert _detect_secrets([cassette]) == {}
