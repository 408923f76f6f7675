"""An expired assignment does not grant, and the finding says it was ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli_scenarios import audit_json

ROOT = Path(__file__).resolve().parent.parent


def test_expired_assignment_is_not_counted_and_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, document, _ = audit_json("expired-assignment")
    assert code == 1
    assert document["would_suspend"] == ["SF_API_DISABLED"]
    finding = next(f for f in document["findings"] if f["check"] == "api-enabled")
    assert finding["status"] == "fail"
    assert "permission set 'HubSpot Sync' ignored: assignment expired 2024-01-31T00:00:00.000+0000" in finding["sources"]
    # Everything else the permission set does not grant is unaffected.
    assert all(f["status"] == "pass" for f in document["findings"] if f["check"] in ("object-access", "field-access"))
