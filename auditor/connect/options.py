"""What a login may be given: the flows, the options, how each is spelled, and their validators.

Imports nothing heavy, so the CLI can build and check options before loading any HTTP library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from urllib.parse import urlsplit

from auditor.errors import UsageError

DEFAULT_API_VERSION = "62.0"
# PermissionSetAssignment.ExpirationDate / IsActive, which the plan queries, exist from v52 [C O-PSA].
MIN_API_VERSION = 52.0


class AuthMethod(str, Enum):
    """The five login flows (module docstring of :mod:`auditor.connect`)."""

    ACCESS_TOKEN = "access-token"
    PASSWORD = "password"  # pragma: allowlist secret
    JWT = "jwt"
    CLIENT_CREDENTIALS = "client-credentials"
    SF_CLI = "sf-cli"

    def __str__(self) -> str:  # the value in messages and JSON, on every Python version
        return self.value


ACCESS_TOKEN = AuthMethod.ACCESS_TOKEN
PASSWORD = AuthMethod.PASSWORD
JWT = AuthMethod.JWT
CLIENT_CREDENTIALS = AuthMethod.CLIENT_CREDENTIALS
SF_CLI = AuthMethod.SF_CLI
AUTH_METHODS = tuple(AuthMethod)

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


_DOMAIN_STEM = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")
_API_VERSION = re.compile(r"[vV]?(\d{2,3})(?:\.0)?")


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
    """"62.0" from "62.0", "v62.0" or "62" (simple-salesforce and our URLs add the "v" themselves).

    UsageError for anything else, and for versions older than :data:`MIN_API_VERSION`.
    """
    value = (version or DEFAULT_API_VERSION).strip()
    match = _API_VERSION.fullmatch(value)
    if match is None:
        raise UsageError(f"--api-version {version!r} is not an API version like {DEFAULT_API_VERSION}")
    number = f"{int(match.group(1))}.0"
    if float(number) < MIN_API_VERSION:
        raise UsageError(
            f"--api-version {version}: the auditor needs API version {MIN_API_VERSION:.1f} or later "
            "(permission set assignments' ExpirationDate and IsActive)"
        )
    return number


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
