"""A refused login, as one line naming the cause and the fix: the refusals are a table.

Each :data:`REFUSALS` row is (errorCode, pattern the refusal text must match or None, message).
The first matching row wins, so the order below is meaningful. Messages are ``str.format``
templates over ``who``, ``host``, ``code``, ``text`` and ``secret_flag``. A few shapes are not
codes and stay in code: API access off (its own outcome), an HTTP status instead of a code, and a
web page instead of a login answer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple


from auditor.connect.options import AuthMethod
from auditor.errors import API_REFUSAL_CODES, ApiAccessRefused, AuditIncomplete
from auditor.redact import Redactor

if TYPE_CHECKING:
    from simple_salesforce.exceptions import SalesforceAuthenticationFailed


class Refusal(NamedTuple):
    code: str
    text: re.Pattern[str] | None  # searched in the lower-cased refusal text; None: any text
    message: str


_CHECK_CREDENTIALS = "check the credentials and --domain (login, test or <mydomain>.my)"

REFUSALS: tuple[Refusal, ...] = (
    Refusal("INVALID_LOGIN", None,
            "Salesforce refused the login of {who} at {host} ({code}): wrong username, password or security "
            f"token, or the user is locked out or inactive: {_CHECK_CREDENTIALS}"),
    Refusal("LOGIN_MUST_USE_SECURITY_TOKEN", None,
            "Salesforce refused the login of {who} at {host} ({code}): Salesforce wants the user's security "
            "token because this network is not trusted: pass it with --security-token or SF_SECURITY_TOKEN (it "
            "is appended to the password; reset it in the user's settings under Reset My Security Token)"),
    # pragma: allowlist nextline secret
    Refusal("PASSWORD_LOCKOUT", None,
            "Salesforce refused the login of {who} at {host} ({code}): the user is locked out after too many "
            "failed logins: wait for the lockout period to end, or have an admin unlock the user in Setup > Users"),
    *(
        Refusal(code, None,
                "Salesforce does not accept the connected app's credentials ({code}: {text}): check --client-id"
                "{secret_flag}; a connected app created less than ~10 minutes ago is not active yet, so wait "
                "and retry")
        for code in ("invalid_client_id", "invalid_client")
    ),
    Refusal("invalid_grant", re.compile(r"(?=.*approved)(?=.*consumer)", re.S),
            "{who} may not use the connected app ({code}: {text}): in Setup, set the connected app's Permitted "
            "Users to 'Admin approved users are pre-authorized' and add the user's profile or permission set "
            "to it"),
    Refusal("invalid_grant", re.compile("audience"),
            "the token's audience does not match the org ({code}: {text}): use --domain test for a sandbox, "
            "login for production, or your My Domain (<mydomain>.my)"),
    Refusal("invalid_grant", re.compile("expired|invalid assertion"),
            "Salesforce rejected the signed assertion ({code}: {text}): check this computer's clock (the "
            "assertion is valid for 3 minutes) and that the certificate on the connected app matches the "
            "private key"),
    Refusal("invalid_grant", re.compile("authentication failure"),
            "Salesforce refused {who} at {host} ({code}: {text}): bad credentials, or the user is inactive "
            "or locked; check --username and --domain (sandbox usernames end in .<sandbox name>)"),
    # e.g. "no client credentials user enabled" [U]
    Refusal("invalid_grant", re.compile("client credentials"),
            "the connected app cannot run the client-credentials flow ({code}: {text}): enable it and set a "
            "Run As user in the connected app's OAuth policies"),
)


def auth_text(exc: SalesforceAuthenticationFailed) -> str:
    """The refusal text, across simple-salesforce 1.12.8-1.12.10 (``.message`` became the template)."""
    for attribute in ("auth_message", "message"):
        value = getattr(exc, attribute, None)
        if isinstance(value, str) and value and "{content}" not in value:
            return " ".join(value.split())
    return ""


def login_refused(
    exc: SalesforceAuthenticationFailed, method: AuthMethod, who: str, host: str, redactor: Redactor
) -> AuditIncomplete | ApiAccessRefused:
    """The error for a refused login: ApiAccessRefused when API access is off, else one line (exit 3)."""
    code = "" if exc.code is None else str(exc.code)
    text = auth_text(exc)
    # API access off: by code over SOAP [S]; over OAuth whether and how it is refused is [U],
    # so the code is also looked for in the text.
    for api_code in sorted(API_REFUSAL_CODES):
        if code == api_code or api_code in text:
            return ApiAccessRefused(api_code, redactor.redact(text or api_code))
    return AuditIncomplete(redactor.redact(_refusal_line(exc, code, text, method, who, host)))


def _refusal_line(
    exc: SalesforceAuthenticationFailed, code: str, text: str, method: AuthMethod, who: str, host: str
) -> str:
    lowered = text.lower()
    for refusal in REFUSALS:
        if refusal.code == code and (refusal.text is None or refusal.text.search(lowered)):
            secret_flag = " and --client-secret" if method == AuthMethod.CLIENT_CREDENTIALS else ""
            return refusal.message.format(who=who, host=host, code=code, text=text, secret_flag=secret_flag)
    if isinstance(exc.code, int):
        return (
            f"the login endpoint {host} answered HTTP {code} with a body that is not a Salesforce login answer: "
            "check --domain and any proxy in between"
        )
    if not code and re.search(r"(?i)<(!doctype|html)", text):
        # A page instead of a SOAP fault: a maintenance page during an outage, or a proxy [S §3.1].
        title = re.search(r"(?is)<title>(.*?)</title>", text)
        shown = " ".join((title.group(1) if title else "an HTML page").split())[:120]
        return (
            f"the login endpoint {host} answered with a web page ('{shown}') instead of a login answer: "
            "Salesforce may be down for maintenance (check status.salesforce.com), or a proxy is in the way"
        )
    detail = f"{code}: {text}" if text else code or "no reason given"
    return f"Salesforce refused the login at {host} ({detail})"
