"""auditor.connect: every login flow end to end through connect(), with `responses` mocks.

No test reaches the network: every mock is a RequestsMock whose unmatched requests raise, and
the GuardedSession turns that into AuditIncomplete.
"""

from __future__ import annotations

import base64
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from auditor.connect import (
    ApiAccessRefused,
    ConnectionOptions,
    OrgSession,
    Identity,
    choose_method,
    connect,
    connection_redactor,
    normalise_api_version,
    normalise_domain,
    resolve_missing_secrets,
)
from auditor.errors import AuditIncomplete, UsageError
from auditor.transport import GuardedSession, RetryPolicy
from tests import connect_fixtures as fx

PASSWORD = "FakePassw0rd-Secret"  # pragma: allowlist secret
SECURITY_TOKEN = "FakeSecTokenXyz123"
CLIENT_ID = "3MVG9FAKECONSUMERKEY"
CLIENT_SECRET = "FakeClientSecret-0000"  # pragma: allowlist secret
ACCESS_TOKEN = "00DFAKE000000009!FAKEDIRECTTOKEN0009"
SECRETS = (PASSWORD, SECURITY_TOKEN, CLIENT_SECRET, ACCESS_TOKEN, fx.FAKE_SESSION_ID, fx.FAKE_ACCESS_TOKEN)
STAND_INS = Path(__file__).parent / "stand_ins"
SF_CLI_TOKEN = "00DFAKE000000002!FAKESFCLITOKEN0003"

SOAP = "https://{domain}.salesforce.com/services/Soap/u/62.0"
TOKEN_URL = "https://{domain}.salesforce.com/services/oauth2/token"


def make_session(debug: io.StringIO | None = None) -> GuardedSession:
    return GuardedSession(retry=RetryPolicy(attempts=1), sleep=lambda _s: None, debug=debug)


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def password_options(domain: str = "login", **overrides: Any) -> ConnectionOptions:
    values: dict[str, Any] = dict(
        username=fx.FAKE_USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN, domain=domain
    )
    values.update(overrides)
    return ConnectionOptions(**values)


def assert_no_secret(text: str, *extra: str) -> None:
    for secret in SECRETS + extra:
        assert secret not in text


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


# --------------------------------------------------------------------------- direct session


def test_access_token_is_a_direct_session_without_login(mock: responses.RequestsMock) -> None:
    session = make_session()
    options = ConnectionOptions(instance_url="https://fake-org.my.salesforce.com/", access_token=ACCESS_TOKEN)
    connection = connect(options, session)
    assert isinstance(connection, OrgSession)
    assert connection.auth_method == "access-token"
    assert connection.base_url == "https://fake-org.my.salesforce.com"
    assert connection.identity is None
    assert connection.access_token == ACCESS_TOKEN
    assert connection.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert connection.http is session
    assert connection.api_version == "62.0"
    assert ACCESS_TOKEN not in repr(connection)
    assert len(mock.calls) == 0


def test_access_token_host_without_scheme_and_version_with_v() -> None:
    options = ConnectionOptions(instance_url="fake-org.my.salesforce.com", access_token=ACCESS_TOKEN, api_version="v61.0")
    connection = connect(options, make_session())
    assert connection.base_url == "https://fake-org.my.salesforce.com"
    assert connection.api_version == "61.0"


def test_access_token_refuses_plain_http() -> None:
    options = ConnectionOptions(instance_url="http://fake-org.my.salesforce.com", access_token=ACCESS_TOKEN)
    with pytest.raises(UsageError, match="must be an https URL"):
        connect(options, make_session())


# --------------------------------------------------------------------------- SOAP username-password


@pytest.mark.parametrize(
    ("domain", "server_host"),
    [
        ("login", "na99-api.salesforce.com"),
        ("test", "fake-org--uat.sandbox.my.salesforce.com"),
        ("fake-org.my", "fake-org.my.salesforce.com"),
    ],
)
def test_password_login_on_each_host(mock: responses.RequestsMock, domain: str, server_host: str) -> None:
    mock.add(
        responses.POST,
        SOAP.format(domain=domain),
        body=fx.soap_login_success(server_host=server_host, sandbox=domain == "test"),
        content_type="text/xml",
    )
    session = make_session()
    connection = connect(password_options(domain), session)

    assert connection.auth_method == "password"
    assert connection.base_url == f"https://{server_host.replace('-api', '')}"
    assert connection.access_token == fx.FAKE_SESSION_ID
    assert connection.identity == Identity(user_id=fx.FAKE_USER_ID, org_id=fx.FAKE_ORG_ID, username=fx.FAKE_USERNAME)
    assert session.hooks["response"] == []  # the capture hook is gone
    request = mock.calls[0].request
    assert request.headers["SOAPAction"] == "login"
    assert len(mock.calls) == 1  # identity came from the login answer, no second request


def test_password_login_with_empty_security_token(mock: responses.RequestsMock) -> None:
    mock.add(responses.POST, SOAP.format(domain="login"), body=fx.soap_login_success(), content_type="text/xml")
    connection = connect(password_options(security_token=""), make_session())
    assert connection.identity is not None
    body = mock.calls[0].request.body
    assert isinstance(body, (str, bytes))
    text = body.decode() if isinstance(body, bytes) else body
    assert f"<n1:password>{PASSWORD}</n1:password>" in text


def test_password_login_full_my_domain_url_is_accepted(mock: responses.RequestsMock) -> None:
    mock.add(responses.POST, SOAP.format(domain="fake-org.my"), body=fx.soap_login_success(), content_type="text/xml")
    connection = connect(password_options("https://fake-org.my.salesforce.com/"), make_session())
    assert connection.base_url == "https://fake-org.my.salesforce.com"


def test_debug_log_of_a_login_has_no_secret(mock: responses.RequestsMock) -> None:
    mock.add(responses.POST, SOAP.format(domain="login"), body=fx.soap_login_success(), content_type="text/xml")
    debug = io.StringIO()
    connect(password_options(), make_session(debug))
    assert "POST login.salesforce.com/services/Soap/u/62.0 -> 200" in debug.getvalue()
    assert_no_secret(debug.getvalue())


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("INVALID_LOGIN", "(INVALID_LOGIN): wrong username, password or security token"),
        ("LOGIN_MUST_USE_SECURITY_TOKEN", "pass it with --security-token or SF_SECURITY_TOKEN"),
        ("PASSWORD_LOCKOUT", "locked out after too many failed logins"),
    ],
)
def test_soap_login_faults(mock: responses.RequestsMock, code: str, expected: str) -> None:
    mock.add(
        responses.POST, SOAP.format(domain="login"), body=fx.soap_login_fault(code), status=500, content_type="text/xml"
    )
    session = make_session()
    with pytest.raises(AuditIncomplete) as caught:
        connect(password_options(), session)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert_no_secret(message)
    assert session.hooks["response"] == []
    assert len(mock.calls) == 1  # a refused login is not retried


@pytest.mark.parametrize("code", ["API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED"])
def test_soap_api_disabled_is_api_access_refused(mock: responses.RequestsMock, code: str) -> None:
    mock.add(
        responses.POST, SOAP.format(domain="login"), body=fx.soap_login_fault(code), status=500, content_type="text/xml"
    )
    with pytest.raises(ApiAccessRefused) as caught:
        connect(password_options(), make_session())
    assert caught.value.error_code == code
    assert caught.value.message == fx.LOGIN_FAULT_MESSAGES[code]
    assert not isinstance(caught.value, (AuditIncomplete, UsageError))


def test_unknown_fault_echoing_the_password_is_redacted(mock: responses.RequestsMock) -> None:
    echoed = f"Login failed for password {PASSWORD}{SECURITY_TOKEN}"
    mock.add(
        responses.POST,
        SOAP.format(domain="login"),
        body=fx.soap_login_fault("LOGIN_DURING_RESTRICTED_TIME", echoed),
        status=500,
        content_type="text/xml",
    )
    with pytest.raises(AuditIncomplete) as caught:
        connect(password_options(), make_session())
    message = str(caught.value)
    assert message.startswith("Salesforce refused the login at login.salesforce.com (LOGIN_DURING_RESTRICTED_TIME:")
    assert_no_secret(message)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_password_expired(mock: responses.RequestsMock) -> None:
    mock.add(
        responses.POST,
        SOAP.format(domain="login"),
        body=fx.soap_login_success(password_expired=True),
        content_type="text/xml",
    )
    with pytest.raises(AuditIncomplete, match="has expired: log in to Salesforce in a browser"):
        connect(password_options(), make_session())


def test_login_answer_that_is_not_xml(mock: responses.RequestsMock) -> None:
    mock.add(responses.POST, SOAP.format(domain="login"), body="<html><body>Proxy login</body>", status=200)
    with pytest.raises(AuditIncomplete, match="not a Salesforce login answer"):
        connect(password_options(), make_session())


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            requests.exceptions.ConnectionError(
                "HTTPSConnectionPool(host='nope.my.salesforce.com', port=443): Max retries exceeded "
                "(Caused by NameResolutionError(\"Failed to resolve 'nope.my.salesforce.com' "
                "([Errno -2] Name or service not known)\"))"
            ),
            "unknown host nope.my.salesforce.com: check --instance-url / --domain",
        ),
        (
            requests.exceptions.SSLError("certificate verify failed: self-signed certificate in certificate chain"),
            "TLS error talking to nope.my.salesforce.com",
        ),
        (requests.exceptions.ReadTimeout("read timed out"), "no answer from nope.my.salesforce.com before the timeout"),
    ],
)
def test_network_failures_keep_the_session_messages(
    mock: responses.RequestsMock, error: Exception, expected: str
) -> None:
    mock.add(responses.POST, SOAP.format(domain="nope.my"), body=error)
    with pytest.raises(AuditIncomplete) as caught:
        connect(password_options("nope.my"), make_session())
    assert str(caught.value).startswith(expected)
    assert_no_secret(str(caught.value))


def test_unmatched_request_never_reaches_the_network(mock: responses.RequestsMock) -> None:
    with pytest.raises(AuditIncomplete, match="cannot reach login.salesforce.com"):
        connect(password_options(), make_session())


# --------------------------------------------------------------------------- JWT bearer


def jwt_callback(
    key: rsa.RSAPrivateKey, audience: str, seen: list[dict[str, Any]]
) -> Any:
    public = key.public_key()

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        form = parse_qs(body)
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        assertion = form["assertion"][0]
        header = jwt.get_unverified_header(assertion)
        claims = jwt.decode(assertion, public, algorithms=["RS256"], audience=audience)
        seen.append({"header": header, "claims": claims})
        return 200, {}, fx.as_json(fx.oauth_token_success())

    return callback


@pytest.mark.parametrize(
    ("domain", "token_domain", "audience"),
    [
        ("login", "login", "https://login.salesforce.com"),
        ("test", "test", "https://test.salesforce.com"),
        ("fake-org.my", "fake-org.my", "https://login.salesforce.com"),
        ("fake-org--uat.sandbox.my", "fake-org--uat.sandbox.my", "https://test.salesforce.com"),
    ],
)
def test_jwt_login(
    mock: responses.RequestsMock,
    rsa_key: rsa.RSAPrivateKey,
    tmp_path: Path,
    domain: str,
    token_domain: str,
    audience: str,
) -> None:
    key_file = tmp_path / "server.key"
    key_file.write_text(pem(rsa_key))
    seen: list[dict[str, Any]] = []
    mock.add_callback(
        responses.POST, TOKEN_URL.format(domain=token_domain), callback=jwt_callback(rsa_key, audience, seen)
    )
    options = ConnectionOptions(
        client_id=CLIENT_ID, username=fx.FAKE_USERNAME, private_key_file=key_file, domain=domain
    )
    session = make_session()
    connection = connect(options, session)

    assert connection.auth_method == "jwt"
    assert connection.base_url == f"https://{fx.FAKE_INSTANCE_HOST}"
    assert connection.access_token == fx.FAKE_ACCESS_TOKEN
    assert connection.identity == Identity(user_id=fx.FAKE_USER_ID, org_id=fx.FAKE_ORG_ID, username=fx.FAKE_USERNAME)
    assert session.hooks["response"] == []
    (call,) = seen
    assert call["header"]["alg"] == "RS256"
    claims = call["claims"]
    assert claims["iss"] == CLIENT_ID
    assert claims["sub"] == fx.FAKE_USERNAME
    assert claims["aud"] == audience
    assert time.time() < int(claims["exp"]) <= time.time() + 300


def test_jwt_login_with_key_content(mock: responses.RequestsMock, rsa_key: rsa.RSAPrivateKey) -> None:
    seen: list[dict[str, Any]] = []
    mock.add_callback(
        responses.POST,
        TOKEN_URL.format(domain="login"),
        callback=jwt_callback(rsa_key, "https://login.salesforce.com", seen),
    )
    options = ConnectionOptions(client_id=CLIENT_ID, username=fx.FAKE_USERNAME, private_key=pem(rsa_key))
    connection = connect(options, make_session())
    assert connection.identity is not None and connection.identity.org_id == fx.FAKE_ORG_ID
    assert len(seen) == 1


def test_jwt_key_file_unreadable(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "server.key"
    options = ConnectionOptions(client_id=CLIENT_ID, username=fx.FAKE_USERNAME, private_key_file=missing)
    with pytest.raises(UsageError) as caught:
        connect(options, make_session())
    assert str(caught.value).startswith(f"cannot read the JWT private key file {missing}")
    assert caught.value.exit_status == 2


def test_jwt_key_that_is_not_a_key(tmp_path: Path) -> None:
    key_file = tmp_path / "server.key"
    # pragma: allowlist nextline secret
    key_file.write_text("-----BEGIN PRIVATE KEY-----\nTm90QUtleUF0QWxsTm90QUtleQ==\n-----END PRIVATE KEY-----\n")
    options = ConnectionOptions(client_id=CLIENT_ID, username=fx.FAKE_USERNAME, private_key_file=key_file)
    with pytest.raises(UsageError) as caught:
        connect(options, make_session())
    assert "is not a PEM private key" in str(caught.value)
    assert "Tm90QUtleUF0" not in str(caught.value)


def test_jwt_encrypted_key(rsa_key: rsa.RSAPrivateKey) -> None:
    encrypted = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"FakeKeyPassphrase"),
    ).decode()
    options = ConnectionOptions(client_id=CLIENT_ID, username=fx.FAKE_USERNAME, private_key=encrypted)
    with pytest.raises(UsageError, match="SF_JWT_KEY is encrypted"):
        connect(options, make_session())


@pytest.mark.filterwarnings("ignore::UserWarning")  # simple-salesforce warns with an authorize URL
@pytest.mark.parametrize(
    ("error", "description", "expected"),
    [
        ("invalid_grant", "user hasn't approved this consumer", "Admin approved users are pre-authorized"),
        ("invalid_grant", "audience is invalid", "use --domain test for a sandbox"),
        ("invalid_grant", "expired authorization code", "check this computer's clock"),
        ("invalid_grant", "invalid assertion", "certificate on the connected app matches the private key"),
        ("invalid_grant", "authentication failure", "bad credentials, or the user is inactive"),
        ("invalid_client_id", "client identifier invalid", "less than ~10 minutes ago"),
        ("invalid_grant", None, "Salesforce refused the login at login.salesforce.com (invalid_grant)"),
        ("unsupported_grant_type", "grant type not supported", "(unsupported_grant_type: grant type not supported)"),
    ],
)
def test_jwt_refusals(
    mock: responses.RequestsMock,
    rsa_key: rsa.RSAPrivateKey,
    error: str,
    description: str | None,
    expected: str,
) -> None:
    mock.add(responses.POST, TOKEN_URL.format(domain="login"), json=fx.oauth_error(error, description), status=400)
    key = pem(rsa_key)
    options = ConnectionOptions(client_id=CLIENT_ID, username=fx.FAKE_USERNAME, private_key=key)
    with pytest.raises(AuditIncomplete) as caught:
        connect(options, make_session())
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert_no_secret(message, key, "BEGIN PRIVATE KEY")  # pragma: allowlist secret
    assert "assertion=" not in message


def test_token_endpoint_answer_that_is_not_json(mock: responses.RequestsMock, rsa_key: rsa.RSAPrivateKey) -> None:
    mock.add(responses.POST, TOKEN_URL.format(domain="login"), body="<html>Bad Request</html>", status=400)
    options = ConnectionOptions(client_id=CLIENT_ID, username=fx.FAKE_USERNAME, private_key=pem(rsa_key))
    with pytest.raises(AuditIncomplete, match="answered HTTP 400 with a body that is not a Salesforce login answer"):
        connect(options, make_session())


def test_oauth_refusal_naming_api_disabled_is_api_access_refused(
    mock: responses.RequestsMock, rsa_key: rsa.RSAPrivateKey
) -> None:
    # Whether the token endpoint says this at all is [U] (reference §3.4); tolerate it if it does.
    mock.add(
        responses.POST,
        TOKEN_URL.format(domain="login"),
        json=fx.oauth_error("invalid_grant", "API_DISABLED_FOR_ORG: API is not enabled for this Organization"),
        status=400,
    )
    options = ConnectionOptions(client_id=CLIENT_ID, username=fx.FAKE_USERNAME, private_key=pem(rsa_key))
    with pytest.raises(ApiAccessRefused) as caught:
        connect(options, make_session())
    assert caught.value.error_code == "API_DISABLED_FOR_ORG"


# --------------------------------------------------------------------------- client credentials


def test_client_credentials_login(mock: responses.RequestsMock) -> None:
    mock.add(
        responses.POST,
        TOKEN_URL.format(domain="fake-org.my"),
        json=fx.oauth_token_success(id_host="fake-org.my.salesforce.com"),
    )
    options = ConnectionOptions(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, domain="fake-org.my")
    connection = connect(options, make_session())

    assert connection.auth_method == "client-credentials"
    assert connection.base_url == f"https://{fx.FAKE_INSTANCE_HOST}"
    assert connection.identity == Identity(user_id=fx.FAKE_USER_ID, org_id=fx.FAKE_ORG_ID, username=None)
    request = mock.calls[0].request
    scheme, _, encoded = request.headers["Authorization"].partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == f"{CLIENT_ID}:{CLIENT_SECRET}"
    body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
    assert parse_qs(body) == {"grant_type": ["client_credentials"]}


@pytest.mark.parametrize("domain", ["login", "test"])
def test_client_credentials_needs_my_domain(domain: str) -> None:
    options = ConnectionOptions(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, domain=domain)
    with pytest.raises(UsageError, match="needs your My Domain: pass --domain <mydomain>.my"):
        connect(options, make_session())


def test_client_credentials_bad_secret(mock: responses.RequestsMock) -> None:
    mock.add(
        responses.POST,
        TOKEN_URL.format(domain="fake-org.my"),
        json=fx.oauth_error("invalid_client", "invalid client credentials"),
        status=400,
    )
    options = ConnectionOptions(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, domain="fake-org.my")
    with pytest.raises(AuditIncomplete) as caught:
        connect(options, make_session())
    message = str(caught.value)
    assert "check --client-id and --client-secret" in message
    assert "less than ~10 minutes ago" in message
    assert_no_secret(message)


# --------------------------------------------------------------------------- sf CLI


@pytest.fixture
def fake_sf_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{STAND_INS}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.parametrize("scenario", ["plain", "redacted"])
def test_sf_cli_session(
    mock: responses.RequestsMock, fake_sf_on_path: None, monkeypatch: pytest.MonkeyPatch, scenario: str
) -> None:
    monkeypatch.setenv("AUDITOR_FAKE_SF_SCENARIO", scenario)
    session = make_session()
    connection = connect(ConnectionOptions(target_org="fakeorg"), session)
    assert connection.auth_method == "sf-cli"
    assert connection.base_url == "https://fake-org-dev-ed.develop.my.salesforce.com"
    assert connection.access_token == SF_CLI_TOKEN
    assert connection.identity is None
    assert SF_CLI_TOKEN not in session.redactor.redact(f"Bearer {SF_CLI_TOKEN}")
    assert len(mock.calls) == 0


def test_sf_cli_unknown_alias(fake_sf_on_path: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_FAKE_SF_SCENARIO", "unknown-alias")
    with pytest.raises(AuditIncomplete, match=r"^sf knows no org 'nosuch': run 'sf org login web --alias nosuch' first$"):
        connect(ConnectionOptions(target_org="nosuch"), make_session())


def test_sf_cli_not_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError, match="the Salesforce CLI \\(sf\\) is not installed or not on PATH"):
        connect(ConnectionOptions(target_org="fakeorg"), make_session())


# --------------------------------------------------------------------------- choosing the flow


@pytest.mark.parametrize(
    ("options", "method"),
    [
        (ConnectionOptions(instance_url="https://x.my.salesforce.com", access_token=ACCESS_TOKEN), "access-token"),
        (ConnectionOptions(username="u@x.example", password=PASSWORD), "password"),
        (ConnectionOptions(username="u@x.example", password=PASSWORD, security_token=""), "password"),
        (ConnectionOptions(client_id=CLIENT_ID, username="u@x.example", private_key="PEM"), "jwt"),
        (ConnectionOptions(client_id=CLIENT_ID, username="u@x.example", private_key_file=Path("k")), "jwt"),
        (ConnectionOptions(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, domain="x.my"), "client-credentials"),
        (ConnectionOptions(target_org="fakeorg"), "sf-cli"),
    ],
)
def test_choose_method(options: ConnectionOptions, method: str) -> None:
    assert choose_method(options) == method


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (ConnectionOptions(), "no Salesforce credentials: pass --target-org ALIAS"),
        (
            ConnectionOptions(target_org="x", access_token=ACCESS_TOKEN, instance_url="https://x.my.salesforce.com"),
            "conflicting login options: --target-org (sf CLI session) and --access-token (access token)",
        ),
        (
            ConnectionOptions(username="u", password=PASSWORD, client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
            "the OAuth username-password flow is not supported",
        ),
        (
            ConnectionOptions(client_id=CLIENT_ID, username="u", private_key="PEM", private_key_file=Path("k")),
            "either with --private-key-file or in SF_JWT_KEY, not both",
        ),
        (ConnectionOptions(access_token=ACCESS_TOKEN), "--access-token needs --instance-url"),
        (ConnectionOptions(instance_url="https://x.my.salesforce.com"), "missing SF_ACCESS_TOKEN"),
        (ConnectionOptions(username="u"), "missing SF_PASSWORD (set the environment variable or pass --password)"),
        (ConnectionOptions(password=PASSWORD), "--password needs --username"),
        (ConnectionOptions(client_id=CLIENT_ID, username="u"), "missing the JWT private key"),
        # pragma: allowlist nextline secret
        (ConnectionOptions(private_key="PEM", username="u"), "a JWT login needs --client-id"),
        (ConnectionOptions(client_id=CLIENT_ID, domain="x.my"), "missing SF_CLIENT_SECRET"),
        (
            ConnectionOptions(username="u", password=PASSWORD, instance_url="https://x.my.salesforce.com"),
            "--instance-url is only used with --access-token",
        ),
        (ConnectionOptions(username="u", password=PASSWORD, client_id=CLIENT_ID), "--client-id is for JWT"),
        (ConnectionOptions(username="u", password=PASSWORD, domain="https://x.lightning.force.com"), "not a Salesforce login host"),
        (ConnectionOptions(username="u", password=PASSWORD, api_version="latest"), "is not an API version"),
    ],
)
def test_choose_method_refusals(options: ConnectionOptions, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        choose_method(options)
    assert expected in str(caught.value)
    assert_no_secret(str(caught.value))


@pytest.mark.parametrize(("given", "expected"), [
    (None, "62.0"), ("62.0", "62.0"), ("v62.0", "62.0"), ("V61.0", "61.0"), ("62", "62.0"), (" 52 ", "52.0"),
    ("100.0", "100.0"),
])
def test_normalise_api_version_accepts_the_usual_spellings(given: str | None, expected: str) -> None:
    assert normalise_api_version(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("51.0", "needs API version 52.0 or later"),
    ("v40", "needs API version 52.0 or later"),
    ("vv62.0", "not an API version"),
    ("62.1", "not an API version"),
    ("6", "not an API version"),
    ("latest", "not an API version"),
    ("62.0.0", "not an API version"),
])
def test_normalise_api_version_refuses(given: str, expected: str) -> None:
    with pytest.raises(UsageError, match=expected) as caught:
        normalise_api_version(given)
    assert str(caught.value).startswith("--api-version ")


def test_resolve_prompts_for_a_missing_access_token() -> None:
    asked: list[str] = []

    def prompt(label: str) -> str:
        asked.append(label)
        return ACCESS_TOKEN

    resolved = resolve_missing_secrets(ConnectionOptions(instance_url="https://x.my.salesforce.com"), True, prompt)
    assert resolved.access_token == ACCESS_TOKEN
    assert asked == ["Access token for https://x.my.salesforce.com"]
    assert choose_method(resolved) == "access-token"


def test_normalise_domain() -> None:
    assert normalise_domain("login") == "login"
    assert normalise_domain("Test") == "test"
    assert normalise_domain("acme.my") == "acme.my"
    assert normalise_domain("https://acme.my.salesforce.com/") == "acme.my"
    assert normalise_domain("acme--uat.sandbox.my.salesforce.com") == "acme--uat.sandbox.my"


# --------------------------------------------------------------------------- missing secrets


def test_resolve_prompts_for_the_password_when_interactive() -> None:
    asked: list[str] = []

    def prompt(label: str) -> str:
        asked.append(label)
        return PASSWORD

    resolved = resolve_missing_secrets(ConnectionOptions(username="u@x.example"), True, prompt)
    assert resolved.password == PASSWORD
    assert asked == ["Salesforce password for u@x.example"]
    assert choose_method(resolved) == "password"


def test_resolve_prompts_for_the_client_secret() -> None:
    resolved = resolve_missing_secrets(
        ConnectionOptions(client_id=CLIENT_ID, domain="x.my"), True, lambda _label: CLIENT_SECRET
    )
    assert resolved.client_secret == CLIENT_SECRET


def test_resolve_does_not_prompt_when_nothing_is_missing() -> None:
    options = ConnectionOptions(username="u", password=PASSWORD)

    def prompt(label: str) -> str:
        raise AssertionError("no prompt expected")

    assert resolve_missing_secrets(options, True, prompt) is options


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (ConnectionOptions(username="u"), "missing SF_PASSWORD (set the environment variable or pass --password)"),
        (
            ConnectionOptions(client_id=CLIENT_ID, domain="x.my"),
            "missing SF_CLIENT_SECRET (set the environment variable or pass --client-secret)",
        ),
    ],
)
def test_resolve_when_not_interactive(options: ConnectionOptions, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_missing_secrets(options, False, lambda _label: "unused")
    assert str(caught.value) == expected


def test_resolve_empty_answer() -> None:
    with pytest.raises(UsageError, match="no value entered: missing SF_PASSWORD"):
        resolve_missing_secrets(ConnectionOptions(username="u"), True, lambda _label: "")


# --------------------------------------------------------------------------- secrets stay hidden


def test_options_repr_hides_secrets() -> None:
    options = ConnectionOptions(
        username="u",
        password=PASSWORD,
        security_token=SECURITY_TOKEN,
        access_token=ACCESS_TOKEN,
        client_secret=CLIENT_SECRET,
        # pragma: allowlist nextline secret
        private_key="-----BEGIN PRIVATE KEY-----\nFAKEKEYMATERIALFAKEKEY\n-----END PRIVATE KEY-----",
    )
    assert_no_secret(repr(options), "FAKEKEYMATERIAL")


def test_connection_redactor_knows_every_secret() -> None:
    # pragma: allowlist nextline secret
    key = "-----BEGIN PRIVATE KEY-----\nFAKEKEYMATERIALFAKEKEY0123\n-----END PRIVATE KEY-----"
    options = ConnectionOptions(
        password=PASSWORD,
        security_token=SECURITY_TOKEN,
        access_token=ACCESS_TOKEN,
        client_secret=CLIENT_SECRET,
        private_key=key,
    )
    redactor = connection_redactor(options)
    text = f"{PASSWORD}{SECURITY_TOKEN} {ACCESS_TOKEN} {CLIENT_SECRET} FAKEKEYMATERIALFAKEKEY0123"
    assert_no_secret(redactor.redact(text), "FAKEKEYMATERIAL")


def test_refusal_text_is_read_across_simple_salesforce_versions() -> None:
    from simple_salesforce.exceptions import SalesforceAuthenticationFailed

    from auditor.connect import auth_text as _auth_text

    current = SalesforceAuthenticationFailed("INVALID_LOGIN", "Invalid username, password, security token")
    assert _auth_text(current) == "Invalid username, password, security token"
    # before 1.12.8 the text lived in .message; from 1.12.8 .message is the class template
    older = SalesforceAuthenticationFailed("INVALID_LOGIN", "")
    older.message = "Invalid  username,\n password"
    assert _auth_text(older) == "Invalid username, password"
    templated = SalesforceAuthenticationFailed("INVALID_LOGIN", "")
    assert _auth_text(templated) == ""


# One refusal per row of the table, with a text that could also match a later row: the first
# matching row must win, and every row must be reachable (a row no answer can reach is dead).
_REFUSAL_CASES = [
    ("INVALID_LOGIN", "Invalid username, password, security token; or user locked out.", "wrong username, password"),
    ("LOGIN_MUST_USE_SECURITY_TOKEN", "Invalid username, password, security token", "--security-token or SF_SECURITY_TOKEN"),
    ("PASSWORD_LOCKOUT", "Your account has been locked", "wait for the lockout period to end"),
    ("invalid_client_id", "client identifier invalid", "check --client-id and --client-secret"),
    ("invalid_client", "invalid client credentials", "check --client-id and --client-secret"),
    ("invalid_grant", "user hasn't approved this consumer; authentication failure", "Permitted Users"),
    ("invalid_grant", "audience is invalid; expired", "does not match the org"),
    ("invalid_grant", "expired access/refresh token", "check this computer's clock"),
    ("invalid_grant", "invalid assertion", "check this computer's clock"),
    ("invalid_grant", "authentication failure; no client credentials user enabled", "bad credentials"),
    ("invalid_grant", "no client credentials user enabled", "set a Run As user"),
]


@pytest.mark.parametrize(("code", "text", "expected"), _REFUSAL_CASES)
def test_each_refusal_row_names_its_fix(code: str, text: str, expected: str) -> None:
    from simple_salesforce.exceptions import SalesforceAuthenticationFailed

    from auditor.connect.options import AuthMethod
    from auditor.connect.refusals import login_refused
    from auditor.redact import Redactor

    refused = login_refused(SalesforceAuthenticationFailed(code, text), AuthMethod.CLIENT_CREDENTIALS,
                            "u@x.example", "acme.my.salesforce.com", Redactor())
    assert isinstance(refused, AuditIncomplete)
    assert expected in str(refused)
    assert "\n" not in str(refused)


def test_every_refusal_row_has_a_case() -> None:
    from auditor.connect.refusals import REFUSALS

    assert {row.code for row in REFUSALS} == {code for code, _, _ in _REFUSAL_CASES}
    assert len(_REFUSAL_CASES) >= len(REFUSALS)


@pytest.mark.parametrize(("code", "text", "expected"), [
    (500, "<html>oops</html>", "answered HTTP 500 with a body that is not a Salesforce login answer"),
    (None, "<!DOCTYPE html><title>Down for Maintenance</title>", "web page ('Down for Maintenance')"),
    ("SOMETHING_NEW", "a reason", "Salesforce refused the login at acme.my.salesforce.com (SOMETHING_NEW: a reason)"),
])
def test_refusals_outside_the_table(code: Any, text: str, expected: str) -> None:
    from simple_salesforce.exceptions import SalesforceAuthenticationFailed

    from auditor.connect.options import AuthMethod
    from auditor.connect.refusals import login_refused
    from auditor.redact import Redactor

    refused = login_refused(SalesforceAuthenticationFailed(code, text), AuthMethod.PASSWORD, "u",
                            "acme.my.salesforce.com", Redactor())
    assert isinstance(refused, AuditIncomplete)
    assert expected in str(refused)
