"""The five login flows, one function each, all through simple-salesforce with our GuardedSession.

Every flow has the same shape, ``(options, session, version) -> Salesforce``, and :data:`FLOWS`
maps each :class:`AuthMethod` to its function (shared/reference/salesforce-api.md §6.1 for the
library's branches). The two direct flows send nothing; the three logins send one request.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from auditor.connect import sfcli
from auditor.connect.options import AuthMethod, ConnectionOptions, normalise_domain, normalise_instance_url
from auditor.errors import UsageError
from auditor.transport import GuardedSession

if TYPE_CHECKING:
    from simple_salesforce.api import Salesforce


class LoggedIn(Protocol):
    """What connect() needs of a flow's result: simple-salesforce's ``Salesforce`` has it, and so
    does :class:`DirectSession` for the flows that hold a token already."""

    @property
    def sf_instance(self) -> str: ...

    @property
    def session_id(self) -> str: ...

    @property
    def headers(self) -> dict[str, str]: ...


Flow = Callable[[ConnectionOptions, GuardedSession, str], LoggedIn]


@dataclass(frozen=True)
class DirectSession:
    """A session on a token the caller already has (--access-token, sf CLI): what simple-salesforce's
    direct mode computes (host[:port] of the instance URL, the same three headers), without loading
    simple-salesforce, zeep and cryptography (a third of a replay's start-up) for a flow that sends
    no login request."""

    instance_url: str
    session_id: str
    sf_instance: str = field(init=False)
    headers: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.instance_url)
        host = parts.hostname or ""
        if parts.port not in (None, 443):
            host += f":{parts.port}"
        object.__setattr__(self, "sf_instance", host)
        object.__setattr__(self, "headers", {"Content-Type": "application/json",
                                             "Authorization": "Bearer " + self.session_id, "X-PrettyPrint": "1"})


def access_token(options: ConnectionOptions, session: GuardedSession, version: str) -> LoggedIn:
    """--instance-url + --access-token: a direct session, no request."""
    assert options.instance_url is not None and options.access_token is not None
    return DirectSession(normalise_instance_url(options.instance_url), options.access_token)


def sf_cli(options: ConnectionOptions, session: GuardedSession, version: str) -> LoggedIn:
    """--target-org ALIAS: a token borrowed from the sf CLI (auditor/connect/sfcli.py)."""
    assert options.target_org is not None
    timeout = max(session.timeout, sfcli.SF_TIMEOUT_SECONDS)
    org = sfcli.org_session(options.target_org, timeout=timeout, redactor=session.redactor)
    session.redactor.add(org.access_token)
    return DirectSession(org.instance_url, org.access_token)


def password(options: ConnectionOptions, session: GuardedSession, version: str) -> LoggedIn:
    """--username + --password [+ --security-token]: SOAP login."""
    from simple_salesforce.api import Salesforce

    return Salesforce(
        username=options.username,
        password=options.password,
        # The token may be "" (trusted IP ranges); simple-salesforce only checks "is not None".
        security_token=options.security_token or "",
        domain=normalise_domain(options.domain),
        version=version,
        session=session,
    )


def jwt(options: ConnectionOptions, session: GuardedSession, version: str) -> LoggedIn:
    """--client-id + --username + --private-key-file (or SF_JWT_KEY): OAuth JWT bearer."""
    from simple_salesforce.api import Salesforce

    check_private_key(options)
    aud_domain, token_domain = jwt_domains(normalise_domain(options.domain))
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


def client_credentials(options: ConnectionOptions, session: GuardedSession, version: str) -> LoggedIn:
    """--client-id + --client-secret + --domain <mydomain>.my: OAuth client credentials."""
    from simple_salesforce.api import Salesforce

    return Salesforce(
        consumer_key=options.client_id,
        consumer_secret=options.client_secret,
        domain=normalise_domain(options.domain),
        version=version,
        session=session,
    )


FLOWS: dict[AuthMethod, Flow] = {
    AuthMethod.ACCESS_TOKEN: access_token,
    AuthMethod.SF_CLI: sf_cli,
    AuthMethod.PASSWORD: password,
    AuthMethod.JWT: jwt,
    AuthMethod.CLIENT_CREDENTIALS: client_credentials,
}
# The flows that send a login request (and so can be refused, and say who logged in).
LOGINS = frozenset({AuthMethod.PASSWORD, AuthMethod.JWT, AuthMethod.CLIENT_CREDENTIALS})


def jwt_domains(domain: str) -> tuple[str, str | None]:
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


def check_private_key(options: ConnectionOptions) -> None:
    """UsageError unless the JWT key is readable, unencrypted PEM. Never echoes the key."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

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
