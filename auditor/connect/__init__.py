"""Every way to authenticate to Salesforce; the only package that holds credentials.

Five flows, all through simple-salesforce with our :class:`~auditor.transport.GuardedSession`
(shared/reference/salesforce-api.md §6.1 for the library's branches):

============================  ==========================================================
``access-token``              --instance-url + --access-token: direct session, no request
``password``                  --username + --password [+ --security-token]: SOAP login
``jwt``                       --client-id + --username + --private-key-file / SF_JWT_KEY
``client-credentials``        --client-id + --client-secret + --domain <mydomain>.my
``sf-cli``                    --target-org ALIAS: token borrowed from the sf CLI
============================  ==========================================================

One module per job:

- ``options``: the flows, the options and their spellings, validators (light: no HTTP library);
- ``choose``: which flow the options ask for, and prompting for a missing secret;
- ``flows``: one function per flow, in a table;
- ``login``: :func:`connect`, which returns one frozen :class:`OrgSession`;
- ``identity``: who logged in, read from the login answer;
- ``refusals``: a refused login as one line naming cause and fix (a table);
- ``secrets``: every secret in the options, for the redactor;
- ``sfcli``: borrowing a session from the Salesforce CLI;
- ``session``: :class:`OrgSession` and :class:`Identity` (light: the collector names them).

Login refusals become one-line :class:`AuditIncomplete` errors (exit 3) naming the cause and the
fix, except refusals meaning "API access is off", which become :class:`ApiAccessRefused` so the
CLI can report them as the SF_API_DISABLED finding.
"""

from __future__ import annotations

from auditor.connect.choose import PROMPTABLE_SECRETS, choose_method, resolve_missing_secrets
from auditor.connect.identity import identity_from_login_answer
from auditor.connect.login import connect
from auditor.connect.options import (
    ACCESS_TOKEN,
    AUTH_METHODS,
    CLIENT_CREDENTIALS,
    DEFAULT_API_VERSION,
    ENV_VARS,
    FLAGS,
    JWT,
    MIN_API_VERSION,
    PASSWORD,
    SF_CLI,
    AuthMethod,
    ConnectionOptions,
    normalise_api_version,
    normalise_domain,
    normalise_instance_url,
)
from auditor.connect.refusals import auth_text
from auditor.connect.secrets import connection_redactor
from auditor.connect.session import Identity, OrgSession
from auditor.errors import API_REFUSAL_CODES, ApiAccessRefused

__all__ = [
    "ACCESS_TOKEN",
    "API_REFUSAL_CODES",
    "AUTH_METHODS",
    "CLIENT_CREDENTIALS",
    "DEFAULT_API_VERSION",
    "ENV_VARS",
    "FLAGS",
    "JWT",
    "MIN_API_VERSION",
    "PASSWORD",
    "PROMPTABLE_SECRETS",
    "SF_CLI",
    "ApiAccessRefused",
    "AuthMethod",
    "ConnectionOptions",
    "Identity",
    "OrgSession",
    "auth_text",
    "choose_method",
    "connect",
    "connection_redactor",
    "identity_from_login_answer",
    "normalise_api_version",
    "normalise_domain",
    "normalise_instance_url",
    "resolve_missing_secrets",
]
