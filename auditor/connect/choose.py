"""Which login flow the options ask for, what it still lacks, and asking for missing secrets."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from auditor.connect.options import (
    ENV_VARS,
    FLAGS,
    AuthMethod,
    ConnectionOptions,
    normalise_api_version,
    normalise_domain,
)
from auditor.errors import UsageError

# Secrets we may ask for interactively (hidden input is the caller's prompt's job), with the
# prompt's label: the access token as well as the password and client secret, so a missing
# SF_ACCESS_TOKEN on a terminal is asked for like the others.
_PROMPTS: dict[str, Callable[[ConnectionOptions], str]] = {
    "password": lambda options: f"Salesforce password for {options.username}",
    "client_secret": lambda options: f"Client secret of connected app {options.client_id}",
    "access_token": lambda options: f"Access token for {options.instance_url}",
}
PROMPTABLE_SECRETS = tuple(_PROMPTS)

_NO_CREDENTIALS = (
    "no Salesforce credentials: pass --target-org ALIAS (sf CLI), or --instance-url with --access-token, "
    "or --username with --password [--security-token], or --client-id with --username and --private-key-file "
    "(JWT), or --client-id with --client-secret and --domain <mydomain>.my (client credentials)"
)
# The option that, when present, defines the flow.
_DEFINING: tuple[tuple[str, AuthMethod], ...] = (
    ("target_org", AuthMethod.SF_CLI),
    ("access_token", AuthMethod.ACCESS_TOKEN),
    ("private_key_file", AuthMethod.JWT),
    ("private_key", AuthMethod.JWT),
    ("client_secret", AuthMethod.CLIENT_CREDENTIALS),
    ("password", AuthMethod.PASSWORD),
)
METHOD_LABEL = {
    AuthMethod.SF_CLI: "sf CLI session",
    AuthMethod.ACCESS_TOKEN: "access token",
    AuthMethod.JWT: "JWT bearer login",
    AuthMethod.CLIENT_CREDENTIALS: "client-credentials login",
    AuthMethod.PASSWORD: "username-password login",  # pragma: allowlist secret
}


def _present(value: object) -> bool:
    return value is not None and value != ""


def _missing_message(name: str) -> str:
    return f"missing {ENV_VARS[name]} (set the environment variable or pass {FLAGS[name]})"


def _method_and_missing(options: ConnectionOptions) -> tuple[AuthMethod, list[str]]:
    """The flow the options ask for and the secrets it still lacks; UsageError on anything else."""
    given = [(name, method) for name, method in _DEFINING if _present(getattr(options, name))]
    if _present(options.private_key_file) and _present(options.private_key):
        raise UsageError("pass the JWT key either with --private-key-file or in SF_JWT_KEY, not both")
    methods = list(dict.fromkeys(method for _, method in given))
    if len(methods) > 1:
        shown = " and ".join(f"{FLAGS[name]} ({METHOD_LABEL[method]})" for name, method in given)
        extra = ""
        if set(methods) == {AuthMethod.PASSWORD, AuthMethod.CLIENT_CREDENTIALS}:
            extra = " (the OAuth username-password flow is not supported)"
        raise UsageError(f"conflicting login options: {shown}; keep only one way to log in{extra}")

    missing: list[str] = []
    if methods:
        method = methods[0]
    elif _present(options.instance_url):
        method, missing = AuthMethod.ACCESS_TOKEN, ["access_token"]
    elif _present(options.client_id) and _present(options.username):
        raise UsageError(
            "missing the JWT private key: pass --private-key-file or set SF_JWT_KEY "
            "(or use --client-secret without --username for client credentials)"
        )
    elif _present(options.client_id):
        method, missing = AuthMethod.CLIENT_CREDENTIALS, ["client_secret"]
    elif _present(options.username):
        method, missing = AuthMethod.PASSWORD, ["password"]
    else:
        raise UsageError(_NO_CREDENTIALS)
    _check_combination(method, options)
    normalise_domain(options.domain)  # validates
    normalise_api_version(options.api_version)  # validates
    return method, missing


def _check_combination(method: AuthMethod, options: ConnectionOptions) -> None:
    """UsageError when an option does not belong with the chosen flow, or one it needs is absent."""
    if _present(options.instance_url) and method != AuthMethod.ACCESS_TOKEN:
        raise UsageError(
            f"--instance-url is only used with --access-token; for a {METHOD_LABEL[method]} "
            + ("drop it" if method == AuthMethod.SF_CLI else "use --domain (login, test or <mydomain>.my)")
        )
    if method == AuthMethod.ACCESS_TOKEN and not _present(options.instance_url):
        raise UsageError("--access-token needs --instance-url (https://<mydomain>.my.salesforce.com)")
    if method == AuthMethod.PASSWORD:
        if not _present(options.username):
            raise UsageError("--password needs --username")
        if _present(options.client_id):
            raise UsageError("--client-id is for JWT and client-credentials logins, not with --password")
    if method == AuthMethod.JWT:
        for name in ("client_id", "username"):
            if not _present(getattr(options, name)):
                raise UsageError(f"a JWT login needs {FLAGS[name]} as well as the private key")
    if method == AuthMethod.CLIENT_CREDENTIALS:
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


def choose_method(options: ConnectionOptions) -> AuthMethod:
    """Decide the login flow from which options are present.

    Raises UsageError naming what is missing or conflicting (including a missing access token,
    password or client secret: see :func:`resolve_missing_secrets`).
    """
    method, missing = _method_and_missing(options)
    if missing:
        raise UsageError(_missing_message(missing[0]))
    return method


def resolve_missing_secrets(
    options: ConnectionOptions, interactive: bool, prompt: Callable[[str], str]
) -> ConnectionOptions:
    """Fill in a flow's missing access token, password or client secret.

    When interactive, ask with ``prompt(label)`` (it must hide the input; the label has no
    trailing ": "); otherwise raise UsageError naming the environment variable, e.g. "missing
    SF_PASSWORD (set the environment variable or pass --password)". Other missing pieces raise
    UsageError as :func:`choose_method` does.
    """
    _, missing = _method_and_missing(options)
    for name in missing:
        if name not in _PROMPTS or not interactive:
            raise UsageError(_missing_message(name))
        value = prompt(_PROMPTS[name](options))
        if not value:
            raise UsageError(f"no value entered: {_missing_message(name)}")
        options = _with_secret(options, name, value)
    return options


def _with_secret(options: ConnectionOptions, name: str, value: str) -> ConnectionOptions:
    if name == "password":
        return dataclasses.replace(options, password=value)
    if name == "client_secret":
        return dataclasses.replace(options, client_secret=value)
    assert name == "access_token"
    return dataclasses.replace(options, access_token=value)
