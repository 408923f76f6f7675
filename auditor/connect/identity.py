"""Who logged in, read from the login answer itself rather than spending a second request."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from auditor.connect.session import Identity

if TYPE_CHECKING:
    import requests

_ID_URL = re.compile(r"/id/(00D[A-Za-z0-9]{12,15})/(005[A-Za-z0-9]{12,15})/?$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_soap_login(path: str) -> bool:
    return path.startswith("/services/Soap/u/") or path.startswith("/services/Soap/c/")


class LoginAnswerCapture:
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
            if _is_soap_login(path):
                self.read_soap(response.content)
            elif path == "/services/oauth2/token":
                self.read_oauth(response.json())
        except (ValueError, ET.ParseError):
            return  # best effort: the collector falls back to /services/oauth2/userinfo

    def read_soap(self, content: bytes) -> None:
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

    def read_oauth(self, document: object) -> None:
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
    capture = LoginAnswerCapture(None)
    path = urlsplit(url).path
    try:
        if _is_soap_login(path):
            capture.read_soap(body.encode("utf-8"))
        elif path == "/services/oauth2/token":
            capture.read_oauth(json.loads(body))
    except (ValueError, ET.ParseError):
        return None
    return capture.identity
