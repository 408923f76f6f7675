"""connect(): run the flow the options ask for and hand back one frozen :class:`OrgSession`."""

from __future__ import annotations

from xml.parsers.expat import ExpatError

from auditor.connect.choose import choose_method
from auditor.connect.flows import FLOWS, LOGINS, LoggedIn
from auditor.connect.identity import LoginAnswerCapture
from auditor.connect.options import AuthMethod, ConnectionOptions, normalise_api_version, normalise_domain
from auditor.connect.refusals import login_refused
from auditor.connect.secrets import add_secrets
from auditor.connect.session import Identity, OrgSession
from auditor.errors import AuditIncomplete, AuditorError
from auditor.transport import GuardedSession


def connect(options: ConnectionOptions, session: GuardedSession, *, known_identity: Identity | None = None) -> OrgSession:
    """Log in with the flow the options ask for and return a ready session on the org.

    This is where ``session``'s redactor learns the secrets: those in ``options`` and any token
    the login hands out. ``known_identity`` is who the session belongs to when the caller already
    knows and the login does not say (a replayed recording's login answer).

    Raises UsageError (exit 2) for bad or missing options, AuditIncomplete (exit 3) when the
    login is refused or the host cannot be reached, and ApiAccessRefused when Salesforce says
    API access is off. No message contains a secret.
    """
    method = choose_method(options)
    add_secrets(session.redactor, options)
    version = normalise_api_version(options.api_version)
    if method not in LOGINS:
        sf = FLOWS[method](options, session, version)
        return _org_session(sf, session, version, method, known_identity)

    from simple_salesforce.exceptions import SalesforceAuthenticationFailed

    capture = LoginAnswerCapture(options.username if method in (AuthMethod.PASSWORD, AuthMethod.JWT) else None)
    hooks = session.hooks.setdefault("response", [])
    hooks.append(capture)
    try:
        sf = FLOWS[method](options, session, version)
    except SalesforceAuthenticationFailed as exc:
        who = options.username or options.client_id or "the user"
        raise login_refused(exc, method, who, _login_host(options), session.redactor) from None
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
    return _org_session(sf, session, version, method, capture.identity or known_identity)


def _org_session(sf: LoggedIn, session: GuardedSession, version: str, method: AuthMethod,
                 identity: Identity | None) -> OrgSession:
    return OrgSession(
        http=session,
        base_url=f"https://{sf.sf_instance}",
        api_version=version,
        auth_method=method,
        identity=identity,
        headers=dict(sf.headers),
    )


def _login_host(options: ConnectionOptions) -> str:
    return f"{normalise_domain(options.domain)}.salesforce.com"
