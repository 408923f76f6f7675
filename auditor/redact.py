"""Keep secrets out of everything the auditor writes: logs, errors, reports, cassettes."""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "***REDACTED***"

# Shapes that are secrets whatever their value. A Salesforce session id / access token is
# "<15 or 18 char org id>!<long token>".
_PATTERNS = (
    re.compile(r"00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{20,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._!\-]{16,}"),
    re.compile(r'(?i)("?(?:access_token|refresh_token|id_token|signature|client_secret|password|assertion)"?\s*[:=]\s*"?)[^"&\s,}]+'),
    re.compile(r"(?i)(<(?:\w+:)?sessionId>)[^<]+(</(?:\w+:)?sessionId>)"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
)


class Redactor:
    """Replaces known secret values and secret-shaped text with a placeholder."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        # Very short values (an empty security token, "1") would redact ordinary text.
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            if pattern.groups == 2:
                text = pattern.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(2)}", text)
            elif pattern.groups == 1:
                text = pattern.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
            else:
                text = pattern.sub(REDACTED, text)
        return text
