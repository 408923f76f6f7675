"""Every secret in the options, in every form it may be sent in, for the redactor."""

from __future__ import annotations

from html import escape

from auditor.connect.options import ConnectionOptions
from auditor.redact import Redactor


def connection_redactor(options: ConnectionOptions) -> Redactor:
    """A Redactor that knows every secret in ``options`` (and the forms they are sent in)."""
    redactor = Redactor()
    add_secrets(redactor, options)
    return redactor


def add_secrets(redactor: Redactor, options: ConnectionOptions) -> None:
    password = options.password or ""
    token = options.security_token or ""
    for secret in (
        options.access_token,
        options.client_secret,
        options.private_key,
        password + token if password and token else None,
        escape(password) + token if password else None,  # the SOAP body escapes the password
        password,
        token,
    ):
        redactor.add(secret)
    if options.private_key:
        for line in options.private_key.splitlines():
            redactor.add(line.strip() if len(line.strip()) >= 16 else None)
