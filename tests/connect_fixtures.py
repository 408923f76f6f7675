"""Builders of realistic Salesforce login answers for the connect tests.

Shapes follow shared/reference/salesforce-api.md §1.8, §3.3 and §3.4 (SOAP loginResponse of
the partner API, SOAP LoginFault with ``sf:``-prefixed elements, OAuth token JSON). Values are
obviously fake: session ids are "00DFAKE...!FAKE..." with fewer than 40 characters after "!", so
they never look like a real session id.
"""

from __future__ import annotations

import json
import time
from typing import Any
from xml.sax.saxutils import escape

FAKE_ORG_ID = "00DFAKE000000001AA"
FAKE_USER_ID = "005FAKE000000001AA"
FAKE_PROFILE_ID = "00eFAKE000000001AA"
FAKE_USERNAME = "hubspot.integration@fake-org.example"
FAKE_SESSION_ID = "00DFAKE000000001!FAKESESSIONFAKE0001"
FAKE_ACCESS_TOKEN = "00DFAKE000000001!FAKEACCESSTOKEN0002"
FAKE_INSTANCE_HOST = "fake-org.my.salesforce.com"
API_VERSION = "62.0"

# Faults as reference §3.3 describes them (messages: [S] where seen, composed otherwise).
LOGIN_FAULT_MESSAGES = {
    "INVALID_LOGIN": "Invalid username, password, security token; or user locked out.",
    "LOGIN_MUST_USE_SECURITY_TOKEN": (
        "Invalid username, password, security token; or user locked out. Are you at a new location? "
        "When accessing Salesforce--either via a desktop client or the API--from outside of your "
        "company's trusted networks, you must add a security token to your password to log in."
    ),
    "API_DISABLED_FOR_ORG": "API is not enabled for this Organization or Partner",
    "API_CURRENTLY_DISABLED": "API is disabled for this User",
    "PASSWORD_LOCKOUT": "Your account has been locked out.",  # [U] message  # pragma: allowlist secret
}


def soap_login_success(
    *,
    server_host: str = FAKE_INSTANCE_HOST,
    session_id: str = FAKE_SESSION_ID,
    user_id: str = FAKE_USER_ID,
    org_id: str = FAKE_ORG_ID,
    username: str = FAKE_USERNAME,
    sandbox: bool = False,
    password_expired: bool = False,
    api_version: str = API_VERSION,
) -> str:
    """A partner-API SOAP loginResponse (HTTP 200)."""
    org15 = org_id[:15]
    flag = {True: "true", False: "false"}
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <loginResponse>
   <result>
    <metadataServerUrl>https://{server_host}/services/Soap/m/{api_version}/{org15}</metadataServerUrl>
    <passwordExpired>{flag[password_expired]}</passwordExpired>
    <sandbox>{flag[sandbox]}</sandbox>
    <serverUrl>https://{server_host}/services/Soap/u/{api_version}/{org15}</serverUrl>
    <sessionId>{escape(session_id)}</sessionId>
    <userId>{user_id}</userId>
    <userInfo>
     <accessibilityMode>false</accessibilityMode>
     <chatterExternal>false</chatterExternal>
     <currencySymbol>$</currencySymbol>
     <orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit>
     <orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode>
     <orgDefaultCurrencyLocale>en_US</orgDefaultCurrencyLocale>
     <orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments>
     <orgHasPersonAccounts>false</orgHasPersonAccounts>
     <organizationId>{org_id}</organizationId>
     <organizationMultiCurrency>false</organizationMultiCurrency>
     <organizationName>Fake Org Inc</organizationName>
     <profileId>{FAKE_PROFILE_ID}</profileId>
     <roleId xsi:nil="true"/>
     <sessionSecondsValid>7200</sessionSecondsValid>
     <userDefaultCurrencyIsoCode xsi:nil="true"/>
     <userEmail>integration@fake-org.example</userEmail>
     <userFullName>HubSpot Integration</userFullName>
     <userId>{user_id}</userId>
     <userLanguage>en_US</userLanguage>
     <userLocale>en_US</userLocale>
     <userName>{escape(username)}</userName>
     <userTimeZone>America/Los_Angeles</userTimeZone>
     <userType>Standard</userType>
     <userUiSkin>Theme3</userUiSkin>
    </userInfo>
   </result>
  </loginResponse>
 </soapenv:Body>
</soapenv:Envelope>
"""


def soap_login_fault(code: str, message: str | None = None) -> str:
    """A SOAP LoginFault (served with HTTP 500), ``sf:`` prefixes as simple-salesforce needs."""
    text = escape(message if message is not None else LOGIN_FAULT_MESSAGES.get(code, "Login failed."))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <soapenv:Fault>
   <faultcode>sf:{code}</faultcode>
   <faultstring>{code}: {text}</faultstring>
   <detail>
    <sf:LoginFault xsi:type="sf:LoginFault">
     <sf:exceptionCode>{code}</sf:exceptionCode>
     <sf:exceptionMessage>{text}</sf:exceptionMessage>
    </sf:LoginFault>
   </detail>
  </soapenv:Fault>
 </soapenv:Body>
</soapenv:Envelope>
"""


def oauth_token_success(
    *,
    instance_url: str = f"https://{FAKE_INSTANCE_HOST}",
    access_token: str = FAKE_ACCESS_TOKEN,
    org_id: str = FAKE_ORG_ID,
    user_id: str = FAKE_USER_ID,
    id_host: str = "login.salesforce.com",
    scope: str | None = "api",
) -> dict[str, Any]:
    """The token endpoint's 200 JSON (§3.4)."""
    body: dict[str, Any] = {
        "access_token": access_token,
        "instance_url": instance_url,
        "id": f"https://{id_host}/id/{org_id}/{user_id}",
        "token_type": "Bearer",
        "issued_at": str(int(time.time() * 1000)),
        "signature": "FAKESIGNATUREFAKESIGNATURE=",
    }
    if scope is not None:
        body["scope"] = scope
    return body


def oauth_error(error: str, description: str | None) -> dict[str, Any]:
    """The token endpoint's 400 JSON; ``description=None`` leaves error_description out."""
    body: dict[str, Any] = {"error": error}
    if description is not None:
        body["error_description"] = description
    return body


def as_json(body: dict[str, Any]) -> str:
    return json.dumps(body)
