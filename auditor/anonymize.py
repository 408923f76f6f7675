"""Replace identifying values in a recording with stable fakes (``--record --anonymize``).

Salesforce ids keep their 3-character key prefix (005 user, 00D org, 0PS permission set, ...)
and their length, so a replayed cassette still looks like Salesforce; usernames and e-mail
addresses become ``user1@example.com``; the org's name becomes "Anonymized Org". The same input
always maps to the same fake within one recording, so references between answers still line up.
"""

from __future__ import annotations

import hashlib
import re

_ID = re.compile(r"\b([a-zA-Z0-9]{3})([a-zA-Z0-9]{12})([a-zA-Z0-9]{3})?\b")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
# Key prefixes of records that identify a customer: org, user, profile, permission sets and
# assignments, groups, licenses, objects' records. Anything else is left as is.
_PREFIXES = ("00D", "005", "00e", "0PS", "0Pa", "0PG", "100", "001", "003", "00Q", "006", "701", "00T", "01q")
# The identity answers name the connected user, who is not the audited one with --user: OAuth
# userinfo ("name", and "nickname", the username's local part) and the SOAP login's userFullName.
_USERINFO_NAMES = re.compile(r'("(?:name|nickname|given_name|family_name)"\s*:\s*")(?:[^"\\]|\\.)*(")')
_LOGIN_FULL_NAME = re.compile(r"(<userFullName>)[^<]*(</userFullName>)")


class Anonymizer:
    def __init__(self, names: dict[str, str] | None = None) -> None:
        self._map: dict[str, str] = {}
        self._emails: dict[str, str] = {}
        self._names = dict(names or {})  # literal text -> replacement (org name, user's full name)

    def _fake_id(self, match: re.Match[str]) -> str:
        prefix, body, suffix = match.group(1), match.group(2), match.group(3) or ""
        if prefix not in _PREFIXES or not re.search(r"\d", body):
            return match.group(0)
        original = match.group(0)
        key = original[:15]
        if key not in self._map:
            digest = hashlib.sha256(key.encode()).hexdigest().upper()
            self._map[key] = prefix + "0" * 4 + digest[:8]
        fake = self._map[key]
        return fake + ("AAA" if suffix else "")

    def _fake_email(self, match: re.Match[str]) -> str:
        email = match.group(0).lower()
        if email not in self._emails:
            self._emails[email] = f"user{len(self._emails) + 1}@example.com"
        return self._emails[email]

    def apply(self, text: str) -> str:
        if '"preferred_username"' in text:  # only userinfo: elsewhere "name" is an object's or field's
            text = _USERINFO_NAMES.sub(lambda m: f"{m.group(1)}Integration User{m.group(2)}", text)
        text = _LOGIN_FULL_NAME.sub(r"\1Integration User\2", text)
        for literal, replacement in sorted(self._names.items(), key=lambda item: -len(item[0])):
            if literal:
                text = text.replace(literal, replacement)
        text = _EMAIL.sub(self._fake_email, text)
        return _ID.sub(self._fake_id, text)
