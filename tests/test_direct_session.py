"""The token flows build their session without simple-salesforce: it must be the session
simple-salesforce's direct mode would build (same host, same headers), so nothing sent changes."""

from __future__ import annotations

import pytest
from simple_salesforce.api import Salesforce

from auditor.connect.flows import DirectSession

TOKEN = "00DFAKE000000000!FAKE.TOKEN.FOR.TESTS"


@pytest.mark.parametrize("url", ["https://acme.my.salesforce.com", "https://acme.my.salesforce.com/",
                                 "https://acme.my.salesforce.com:443", "https://localhost:8443",
                                 "http://127.0.0.1:9000/services"])
def test_direct_session_matches_simple_salesforce(url: str) -> None:
    ours = DirectSession(url, TOKEN)
    theirs = Salesforce(instance_url=url, session_id=TOKEN)
    assert (ours.sf_instance, ours.headers, ours.session_id) == (theirs.sf_instance, theirs.headers, theirs.session_id)
