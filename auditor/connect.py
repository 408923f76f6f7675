"""Every way to authenticate to Salesforce; the only module that holds credentials.

Five flows, all through simple-salesforce with our :class:`~auditor.transport.GuardedSession`
(shared/reference/salesforce-api.md §6.1 for the library's branches):

============================  ==========================================================
``access-token``              --instance-url + --access-token: direct session, no request
``password``                  --username + --password [+ --security-token]: SOAP login
``jwt``                       --client-id + --username + --private-key-file / SF_JWT_KEY
``client-credentials``        --client-id + --client-secret + --domain <mydomain>.my
``sf-cli``                    --target-org ALIAS: token borrowed from the sf CLI
============================  ==========================================================

Login refusals become one-line :class:`AuditIncomplete` errors (exit 3) naming the cause and the
fix, except refusals meaning "API access is off", which become :class:`ApiAccessRefused` so the
CLI can report them as the SF_API_DISABLED finding. Every message goes through a
:class:`~auditor.redact.Redactor` seeded with the secrets in the options.
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

from auditor import sfcli
from auditor.errors import AuditIncomplete, AuditorError, UsageError
from auditor.redact import Redactor
from auditor.transport import GuardedSession

DEFAULT_API_VERSION = "62.0"

ACCESS_TOKEN = "access-token"
PASSWORD = "password"  # pragma: allowlist secret
JWT = "jwt"
CLIENT_CREDENTIALS = "client-credentials"
SF_CLI = "sf-cli"
AUTH_METHODS = (ACCESS_TOKEN, PASSWORD, JWT, CLIENT_CREDENTIALS, SF_CLI)

# How each option is spelled on the command line and in the environment, for messages. The CLI
# should read the environment through these names so the messages stay true.
FLAGS = {
    "instance_url": "--instance-url",
    "access_token": "--access-token",
    "username": "--username",
    "password": "--password",
    "security_token": "--security-token",
    "domain": "--domain",
    "client_id": "--client-id",
    "client_secret": "--client-secret",
    "private_key_file": "--private-key-file",
    "private_key": "SF_JWT_KEY",  # pragma: allowlist secret
    "target_org": "--target-org",
    "api_version": "--api-version",
}
ENV_VARS = {
    "instance_url": "SF_INSTANCE_URL",
    "access_token": "SF_ACCESS_TOKEN",
    "username": "SF_USERNAME",
    "password": "SF_PASSWORD",  # pragma: allowlist secret
    "security_token": "SF_SECURITY_TOKEN",
    "domain": "SF_DOMAIN",
    "client_id": "SF_CLIENT_ID",
    "client_secret": "SF_CLIENT_SECRET",  # pragma: allowlist secret
    "private_key_file": "SF_JWT_KEY_FILE",  # pragma: allowlist secret
    "private_key": "SF_JWT_KEY",  # pragma: allowlist secret
    "target_org": "SF_TARGET_ORG",
    "api_version": "SF_API_VERSION",
}
# Secrets we may ask for interactively (hidden input is the caller's prompt's job).
PROMPTABLE_SECRETS = ("password", "client_secret")

API_REFUSAL_CODES = ("API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED")


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Identity:
    """Who the session belongs to."""

    user_id: str  # 005...
    org_id: str  # 00D...
    username: str | None


@dataclass(frozen=True)
class ConnectionOptions:
    """Everything a login may need; all optional. Secrets are kept out of repr()."""

    instance_url: str | None = None
    access_token: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)  # "" is a valid value
    domain: str = "login"
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    private_key_file: Path | None = None
    private_key: str | None = field(default=None, repr=False)  # PEM content (SF_JWT_KEY)
    target_org: str | None = None
    api_version: str = DEFAULT_API_VERSION


@dataclass
class Connection:
    sf: Salesforce
    session: GuardedSession
    instance_url: str  # https://host
    auth_method: str  # one of AUTH_METHODS
    identity: Identity | None  # from the login answer; None: ask /services/oauth2/userinfo


class ApiAccessRefused(Exception):
    """Salesforce refused the login because API access is off (the SF_API_DISABLED finding).

    Not an AuditorError on purpose: the CLI reports it as a predicted suspension (exit 1).
    Over SOAP login with the integration user's own credentials, API_CURRENTLY_DISABLED means
    the user lacks API Enabled and API_DISABLED_FOR_ORG means the org has no API [S, §3.5].
    """

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(f"{error_code}: {message}")
        self.error_code = error_code
        self.message = message


# --------------------------------------------------------------------------- choosing the flow


def _present(value: object) -> bool:
    return value is not None and value != ""


def _missing_message(name: str) -> str:
    return f"missing {ENV_VARS[name]} (set the environment variable or pass {FLAGS[name]})"


_NO_CREDENTIALS = (
    "no Salesforce credentials: pass --target-org ALIAS (sf CLI), or --instance-url with --access-token, "
    "or --username with --password [--security-token], or --client-id with --username and --private-key-file "
    "(JWT), or --client-id with --client-secret and --domain <mydomain>.my (client credentials)"
)
_DEFINING: tuple[tuple[str, str], ...] = (
    ("target_org", SF_CLI),
    ("access_token", ACCESS_TOKEN),
    ("private_key_file", JWT),
    ("private_key", JWT),
    ("client_secret", CLIENT_CREDENTIALS),
    ("password", PASSWORD),
)
_METHOD_LABEL = {
    SF_CLI: "sf CLI session",
    ACCESS_TOKEN: "access token",
    JWT: "JWT bearer login",
    CLIENT_CREDENTIALS: "client-credentials login",
    PASSWORD: "username-password login",  # pragma: allowlist secret
}


def _method_and_missing(options: ConnectionOptions) -> tuple[str, list[str]]:
    """The flow the options ask for and the secrets it still lacks; UsageError on anything else."""
    given = [(name, method) for name, method in _DEFINING if _present(getattr(options, name))]
    if _present(options.private_key_file) and _present(options.private_key):
        raise UsageError("pass the JWT key either with --private-key-file or in SF_JWT_KEY, not both")
    methods = list(dict.fromkeys(method for _, method in given))
    if len(methods) > 1:
        shown = " and ".join(f"{FLAGS[name]} ({_METHOD_LABEL[method]})" for name, method in given)
        extra = ""
        if set(methods) == {PASSWORD, CLIENT_CREDENTIALS}:
            extra = " (the OAuth username-password flow is not supported)"
        raise UsageError(f"conflicting login options: {shown}; keep only one way to log in{extra}")

    missing: list[str] = []
    if methods:
        method = methods[0]
    elif _present(options.instance_url):
        method, missing = ACCESS_TOKEN, ["access_token"]
    elif _present(options.client_id) and _present(options.username):
        raise UsageError(
            "missing the JWT private key: pass --private-key-file or set SF_JWT_KEY "
            "(or use --client-secret without --username for client credentials)"
        )
    elif _present(options.client_id):
        method, missing = CLIENT_CREDENTIALS, ["client_secret"]
    elif _present(options.username):
        method, missing = PASSWORD, ["password"]
    else:
        raise UsageError(_NO_CREDENTIALS)

    if _present(options.instance_url) and method != ACCESS_TOKEN:
        raise UsageError(
            f"--instance-url is only used with --access-token; for a {_METHOD_LABEL[method]} "
            + ("drop it" if method == SF_CLI else "use --domain (login, test or <mydomain>.my)")
        )
    if method == ACCESS_TOKEN and not _present(options.instance_url):
        raise UsageError("--access-token needs --instance-url (https://<mydomain>.my.salesforce.com)")
    if method == PASSWORD:
        if not _present(options.username):
            raise UsageError("--password needs --username")
        if _present(options.client_id):
            raise UsageError("--client-id is for JWT and client-credentials logins, not with --password")
    if method == JWT:
        for name in ("client_id", "username"):
            if not _present(getattr(options, name)):
                raise UsageError(f"a JWT login needs {FLAGS[name]} as well as the private key")
    if method == CLIENT_CREDENTIALS:
        if not _present(options.client_id):
            raise UsageError("--client-secret needs --client-id (the connected app's consumer key)")
        if _present(options.username):
            raise UsageError(
                "--username is not used by the client-credentials flow (it runs as the connected app's "
                "Run As user); drop it, or use --private-key-file for a JWT login"
            )
        if normalise_domain(options.domain) in ("login", "test"):
            raise UsageError(
                "the client-credentials flow needs your My Domain: pass --domain <mydomain>.my "
                "(or <mydomain>--<sandbox>.sandbox.my), not login or test"
            )
    normalise_domain(options.domain)  # validates
    normalise_api_version(options.api_version)  # validates
    return method, missing


def choose_method(options: ConnectionOptions) -> str:
    """Decide the login flow from which options are present.

    Returns one of :data:`AUTH_METHODS`; raises UsageError naming what is missing or conflicting
    (including a missing password or client secret: see :func:`resolve_missing_secrets`).
    """
    method, missing = _method_and_missing(options)
    if missing:
        raise UsageError(_missing_message(missing[0]))
    return method


def resolve_missing_secrets(
    options: ConnectionOptions, interactive: bool, prompt: Callable[[str], str]
) -> ConnectionOptions:
    """Fill in a flow's missing password or client secret.

    When interactive, ask with ``prompt(label)`` (it must hide the input; the label has no
    trailing ": "); otherwise raise UsageError naming the environment variable, e.g. "missing
    SF_PASSWORD (set the environment variable or pass --password)". Other missing pieces raise
    UsageError as :func:`choose_method` does.
    """
    _, missing = _method_and_missing(options)
    filled: dict[str, str] = {}
    for name in missing:
        if name not in PROMPTABLE_SECRETS or not interactive:
            raise UsageError(_missing_message(name))
        if name == "password":
            label = f"Salesforce password for {options.username}"
        else:
            label = f"Client secret of connected app {options.client_id}"
        value = prompt(label)
        if not value:
            raise UsageError(f"no value entered: {_missing_message(name)}")
        filled[name] = value
    if "password" in filled:
        options = dataclasses.replace(options, password=filled["password"])
    if "client_secret" in filled:
        options = dataclasses.replace(options, client_secret=filled["client_secret"])
    return options


# --------------------------------------------------------------------------- small validators


_DOMAIN_STEM = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")


def normalise_domain(domain: str | None) -> str:
    """The login host stem simple-salesforce wants: "login", "test" or "<mydomain>.my".

    simple-salesforce builds ``https://{domain}.salesforce.com`` (§6.1), so a full URL or host
    such as ``https://acme.my.salesforce.com`` is cut down to ``acme.my``.
    """
    value = (domain or "login").strip()
    if "://" in value or value.lower().endswith(".salesforce.com") or "/" in value:
        host = urlsplit(value if "://" in value else f"https://{value}").hostname or ""
        if not host.endswith(".salesforce.com"):
            raise UsageError(
                f"--domain {value!r} is not a Salesforce login host: use login, test or <mydomain>.my"
            )
        value = host[: -len(".salesforce.com")]
    if not _DOMAIN_STEM.match(value):
        raise UsageError(f"--domain {value!r} is not valid: use login, test or <mydomain>.my")
    return value.lower()


def normalise_api_version(version: str | None) -> str:
    """"62.0" (a leading "v" is dropped; simple-salesforce rejects it)."""
    value = (version or DEFAULT_API_VERSION).strip()
    value = value[1:] if value[:1] in ("v", "V") else value
    if not re.fullmatch(r"\d{2,3}\.0", value):
        raise UsageError(f"--api-version {version!r} is not an API version like {DEFAULT_API_VERSION}")
    return value


def normalise_instance_url(url: str) -> str:
    """https://host[:port] from what the user passed (a bare host gets https://)."""
    value = url.strip().rstrip("/")
    parts = urlsplit(value if "://" in value else f"https://{value}")
    if parts.scheme != "https" or not parts.hostname:
        raise UsageError(
            f"--instance-url {url!r} must be an https URL such as https://<mydomain>.my.salesforce.com"
        )
    if parts.path not in ("", "/"):
        raise UsageError(f"--instance-url {url!r} must be the org's base URL, without a path")
    return f"https://{parts.netloc}"


def _check_private_key(options: ConnectionOptions) -> None:
    """UsageError unless the JWT key is readable, unencrypted PEM. Never echoes the key."""
    if options.private_key_file is not None:
        path = Path(options.private_key_file)
        where = f"the JWT private key file {path}"
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {where}: {exc.strerror or type(exc).__name__}") from None
    else:
        where = "the JWT private key in SF_JWT_KEY"
        data = (options.private_key or "").encode()
    try:
        load_pem_private_key(data, password=None)
    except TypeError:  # encrypted key
        raise UsageError(f"{where} is encrypted: give an unencrypted PEM private key") from None
    except (ValueError, UnsupportedAlgorithm):  # not echoed: the text may quote key material
        # pragma: allowlist nextline secret
        raise UsageError(f"{where} is not a PEM private key (-----BEGIN PRIVATE KEY-----)") from None


# --------------------------------------------------------------------------- redaction


def connection_redactor(options: ConnectionOptions) -> Redactor:
    """A Redactor that knows every secret in ``options`` (and the forms they are sent in)."""
    redactor = Redactor()
    _add_secrets(redactor, options)
    return redactor


def _add_secrets(redactor: Redactor, options: ConnectionOptions) -> None:
    password = options.password or ""
    token = options.security_token or ""
    for secret in (
        options.access_token,
        options.client_secret,
        options.private_key,
        password + token if password and token else None,
        escape(password) + token if password else None,
        password,
        token,
    ):
        redactor.add(secret)
    if options.private_key:
        for line in options.private_key.splitlines():
            redactor.add(line.strip() if len(line.strip()) >= 16 else None)


# --------------------------------------------------------------------------- login answer capture


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_ID_URL = re.compile(r"/id/(00D[A-Za-z0-9]{12,15})/(005[A-Za-z0-9]{12,15})/?$")


class _LoginAnswerCapture:
    """A requests ``response`` hook that reads the identity out of the login answer.

    simple-salesforce keeps only the session id and host from a login; the user and org ids
    are in the same answer (SOAP ``loginResult``; OAuth ``id`` URL ``.../id/<orgId>/<userId>``
    [C §1.8]), so we read them here rather than spend a second request.
    """

    def __init__(self, username: str | None) -> None:
        self.username = username
        self.identity: Identity | None = None
        self.password_expired = False

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code != 200:
            return
        path = urlsplit(response.url).path
        try:
            if path.startswith("/services/Soap/u/") or path.startswith("/services/Soap/c/"):
                self._read_soap(response.content)
            elif path == "/services/oauth2/token":
                self._read_oauth(response.json())
        except (ValueError, ET.ParseError):
            return  # best effort: the collector falls back to /services/oauth2/userinfo

    def _read_soap(self, content: bytes) -> None:
        root = ET.fromstring(content)
        result = next((el for el in root.iter() if _local(el.tag) == "result"), None)
        if result is None:
            return
        top = {_local(child.tag): (child.text or "").strip() for child in result}
        info_el = next((child for child in result if _local(child.tag) == "userInfo"), None)
        info = {_local(child.tag): (child.text or "").strip() for child in info_el} if info_el is not None else {}
        self.password_expired = top.get("passwordExpired", "").lower() == "true"
        user_id = top.get("userId") or info.get("userId")
        org_id = info.get("organizationId")
        if user_id and org_id:
            self.identity = Identity(user_id=user_id, org_id=org_id, username=info.get("userName") or self.username)

    def _read_oauth(self, document: object) -> None:
        id_url = document.get("id") if isinstance(document, dict) else None
        match = _ID_URL.search(id_url) if isinstance(id_url, str) else None
        if match:
            self.identity = Identity(user_id=match.group(2), org_id=match.group(1), username=self.username)


def identity_from_login_answer(url: str, status: int, body: str) -> Identity | None:
    """The identity in a recorded login answer (SOAP loginResponse or OAuth token JSON), if any.

    ``--replay`` of a recording made with a password, JWT or client-credentials login has no
    userinfo answer (the login said who the user is), so the identity is read back from here.
    """
    if status != 200:
        return None
    capture = _LoginAnswerCapture(None)
    path = urlsplit(url).path
    try:
        if path.startswith("/services/Soap/u/") or path.startswith("/services/Soap/c/"):
            capture._read_soap(body.encode("utf-8"))
        elif path == "/services/oauth2/token":
            capture._read_oauth(json.loads(body))
    except (ValueError, ET.ParseError):
        return None
    return capture.identity


# --------------------------------------------------------------------------- connect


def connect(options: ConnectionOptions, session: GuardedSession) -> Connection:
    """Log in with the flow the options ask for and return a ready client.

    Raises UsageError (exit 2) for bad or missing options, AuditIncomplete (exit 3) when the
    login is refused or the host cannot be reached, and ApiAccessRefused when Salesforce says
    API access is off. No message contains a secret.
    """
    method = choose_method(options)
    _add_secrets(session.redactor, options)
    version = normalise_api_version(options.api_version)

    if method == SF_CLI:
        assert options.target_org is not None
        timeout = max(session.timeout, sfcli.SF_TIMEOUT_SECONDS)
        org = sfcli.org_session(options.target_org, timeout=timeout, redactor=session.redactor)
        session.redactor.add(org.access_token)
        sf = Salesforce(instance_url=org.instance_url, session_id=org.access_token, version=version, session=session)
        return Connection(sf, session, _base_url(sf), method, None)

    if method == ACCESS_TOKEN:
        assert options.instance_url is not None and options.access_token is not None
        url = normalise_instance_url(options.instance_url)
        sf = Salesforce(instance_url=url, session_id=options.access_token, version=version, session=session)
        return Connection(sf, session, _base_url(sf), method, None)

    if method == JWT:
        _check_private_key(options)

    capture = _LoginAnswerCapture(options.username if method in (PASSWORD, JWT) else None)
    hooks = session.hooks.setdefault("response", [])
    hooks.append(capture)
    try:
        sf = _login(method, options, session, version)
    except SalesforceAuthenticationFailed as exc:
        raise _login_refused(exc, method, options, session.redactor) from None
    except AuditorError as exc:  # the session's connection errors: already one line and redacted
        raise type(exc)(session.redactor.redact(str(exc))) from None
    except (ExpatError, AttributeError, TypeError, KeyError):
        # A 200 answer that is not a login answer (a proxy page), or simple-salesforce < 1.12.10
        # choking on an OAuth error without error_description (§6.1).
        raise AuditIncomplete(
            f"the login endpoint {_login_host(options)} gave an answer that is not a Salesforce login "
            "answer: check --domain and any proxy in between"
        ) from None
    finally:
        hooks.remove(capture)

    session.redactor.add(sf.session_id)
    if capture.password_expired:
        # LoginResult.passwordExpired: the session may only reset the password [U for what
        # other calls then answer]; nothing useful can be read.
        raise AuditIncomplete(
            f"the password of {options.username} has expired: log in to Salesforce in a browser, set a new "
            "password, then re-run with it"
        )
    return Connection(sf, session, _base_url(sf), method, capture.identity)


def _login(method: str, options: ConnectionOptions, session: GuardedSession, version: str) -> Salesforce:
    domain = normalise_domain(options.domain)
    if method == PASSWORD:
        return Salesforce(
            username=options.username,
            password=options.password,
            # The token may be "" (trusted IP ranges); simple-salesforce only checks "is not None".
            security_token=options.security_token or "",
            domain=domain,
            version=version,
            session=session,
        )
    if method == JWT:
        aud_domain, token_domain = _jwt_domains(domain)
        return Salesforce(
            username=options.username,
            consumer_key=options.client_id,
            privatekey_file=str(options.private_key_file) if options.private_key_file is not None else None,
            privatekey=options.private_key if options.private_key_file is None else None,
            domain=aud_domain,
            instance_url=token_domain,
            version=version,
            session=session,
        )
    assert method == CLIENT_CREDENTIALS
    return Salesforce(
        consumer_key=options.client_id,
        consumer_secret=options.client_secret,
        domain=domain,
        version=version,
        session=session,
    )


def _jwt_domains(domain: str) -> tuple[str, str | None]:
    """(audience stem, token-endpoint stem) for simple-salesforce's JWT flow.

    simple-salesforce puts ``https://{domain}.salesforce.com`` in ``aud`` and posts to
    ``https://{instance_url or domain}.salesforce.com/services/oauth2/token`` (§6.1). Salesforce
    accepts only https://login.salesforce.com or https://test.salesforce.com as the audience
    (Experience Cloud sites aside) [S third-party docs]. So a My Domain is used for the token
    endpoint and the audience stays login, or test for a ``.sandbox.my`` domain [U: inferred
    from the sandbox My Domain naming; "audience is invalid" tells the user to fix --domain].
    """
    if domain in ("login", "test"):
        return domain, None
    return ("test" if ".sandbox." in f".{domain}." else "login"), domain


def _base_url(sf: Salesforce) -> str:
    return f"https://{sf.sf_instance}"


def _login_host(options: ConnectionOptions) -> str:
    return f"{normalise_domain(options.domain)}.salesforce.com"


# --------------------------------------------------------------------------- refusals


def _auth_text(exc: SalesforceAuthenticationFailed) -> str:
    """The refusal text, across simple-salesforce 1.12.8-1.12.10 (``.message`` became the template)."""
    for attribute in ("auth_message", "message"):
        value = getattr(exc, attribute, None)
        if isinstance(value, str) and value and "{content}" not in value:
            return " ".join(value.split())
    return ""


_FIXES = {
    "INVALID_LOGIN": "wrong username, password or security token, or the user is locked out or inactive: "
    "check the credentials and --domain (login, test or <mydomain>.my)",
    "LOGIN_MUST_USE_SECURITY_TOKEN": "Salesforce wants the user's security token because this network is not "
    "trusted: pass it with --security-token or SF_SECURITY_TOKEN (it is appended to the password; reset it "
    "in the user's settings under Reset My Security Token)",
    # pragma: allowlist nextline secret
    "PASSWORD_LOCKOUT": "the user is locked out after too many failed logins: wait for the lockout period to "
    "end, or have an admin unlock the user in Setup > Users",
}


def _login_refused(
    exc: SalesforceAuthenticationFailed, method: str, options: ConnectionOptions, redactor: Redactor
) -> AuditIncomplete | ApiAccessRefused:
    code = "" if exc.code is None else str(exc.code)
    text = _auth_text(exc)
    # API access off: by code over SOAP [S]; over OAuth whether and how it is refused is [U],
    # so the code is also looked for in the text.
    for api_code in API_REFUSAL_CODES:
        if code == api_code or api_code in text:
            return ApiAccessRefused(api_code, redactor.redact(text or api_code))

    host = _login_host(options)
    who = options.username or options.client_id or "the user"
    lowered = text.lower()
    if code in _FIXES:
        line = f"Salesforce refused the login of {who} at {host} ({code}): {_FIXES[code]}"
    elif isinstance(exc.code, int):
        line = (
            f"the login endpoint {host} answered HTTP {code} with a body that is not a Salesforce login answer: "
            "check --domain and any proxy in between"
        )
    elif code in ("invalid_client_id", "invalid_client"):
        line = (
            f"Salesforce does not accept the connected app's credentials ({code}: {text}): check --client-id"
            + (" and --client-secret" if method == CLIENT_CREDENTIALS else "")
            + "; a connected app created less than ~10 minutes ago is not active yet, so wait and retry"
        )
    elif code == "invalid_grant" and ("approved" in lowered and "consumer" in lowered):
        line = (
            f"{who} may not use the connected app ({code}: {text}): in Setup, set the connected app's "
            "Permitted Users to 'Admin approved users are pre-authorized' and add the user's profile or "
            "permission set to it"
        )
    elif code == "invalid_grant" and "audience" in lowered:
        line = (
            f"the token's audience does not match the org ({code}: {text}): use --domain test for a sandbox, "
            "login for production, or your My Domain (<mydomain>.my)"
        )
    elif code == "invalid_grant" and ("expired" in lowered or "invalid assertion" in lowered):
        line = (
            f"Salesforce rejected the signed assertion ({code}: {text}): check this computer's clock (the "
            "assertion is valid for 3 minutes) and that the certificate on the connected app matches the "
            "private key"
        )
    elif code == "invalid_grant" and "authentication failure" in lowered:
        line = (
            f"Salesforce refused {who} at {host} ({code}: {text}): bad credentials, or the user is inactive "
            "or locked; check --username and --domain (sandbox usernames end in .<sandbox name>)"
        )
    elif code == "invalid_grant" and "client credentials" in lowered:
        # e.g. "no client credentials user enabled" [U]
        line = (
            f"the connected app cannot run the client-credentials flow ({code}: {text}): enable it and set a "
            "Run As user in the connected app's OAuth policies"
        )
    elif not code and re.search(r"(?i)<(!doctype|html)", text):
        # A page instead of a SOAP fault: a maintenance page during an outage, or a proxy [S §3.1].
        title = re.search(r"(?is)<title>(.*?)</title>", text)
        shown = " ".join((title.group(1) if title else "an HTML page").split())[:120]
        line = (
            f"the login endpoint {host} answered with a web page ('{shown}') instead of a login answer: "
            "Salesforce may be down for maintenance (check status.salesforce.com), or a proxy is in the way"
        )
    else:
        detail = f"{code}: {text}" if text else code or "no reason given"
        line = f"Salesforce refused the login at {host} ({detail})"
    return AuditIncomplete(redactor.redact(line))


def expired_session_hint(auth_method: str, target_org: str | None = None) -> str:
    """What to tell the user when Salesforce answers INVALID_SESSION_ID mid-audit.

    A session borrowed from sf or passed as --access-token cannot refresh itself (§6.1, §6.2).
    """
    if auth_method == SF_CLI:
        alias = target_org or "ALIAS"
        return f"the session from sf expired: {sfcli.EXPIRED_HINT} (sf org login web --alias {alias}) and retry"
    if auth_method == ACCESS_TOKEN:
        return "the access token expired or was revoked: get a fresh one and retry"
    return "the session expired and logging in again failed: retry the audit"


__all__ = [
    "ACCESS_TOKEN",
    "AUTH_METHODS",
    "CLIENT_CREDENTIALS",
    "ENV_VARS",
    "FLAGS",
    "JWT",
    "PASSWORD",
    "SF_CLI",
    "ApiAccessRefused",
    "Connection",
    "ConnectionOptions",
    "Identity",
    "choose_method",
    "connect",
    "connection_redactor",
    "expired_session_hint",
    "normalise_domain",
    "resolve_missing_secrets",
]

