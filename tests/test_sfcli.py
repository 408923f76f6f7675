"""auditor.connect.sfcli against the stand-in `sf` (tests/stand_ins/sf) put first on PATH."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.connect import sfcli
from auditor.errors import AuditIncomplete, UsageError
from auditor.redact import Redactor

STAND_INS = Path(__file__).parent / "stand_ins"
FAKE_TOKEN = "00DFAKE000000002!FAKESFCLITOKEN0003"  # what the stand-in hands out


@pytest.fixture
def fake_sf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Put the stand-in first on PATH; return the file its invocations are logged to."""
    monkeypatch.setenv("PATH", f"{STAND_INS}{os.pathsep}{os.environ.get('PATH', '')}")
    log = tmp_path / "sf-calls.jsonl"
    monkeypatch.setenv("AUDITOR_FAKE_SF_LOG", str(log))
    return log


def calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def scenario(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("AUDITOR_FAKE_SF_SCENARIO", name)


def test_plain_token_from_org_display(fake_sf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario(monkeypatch, "plain")
    org = sfcli.org_session("fakeorg")
    assert org.instance_url == "https://fake-org-dev-ed.develop.my.salesforce.com"
    assert org.access_token == FAKE_TOKEN
    assert org.username == "admin@fake-org.example"
    assert org.org_id == "00DFAKE000000002AA"
    assert org.connected_status == "Connected"
    assert calls(fake_sf) == [["org", "display", "--target-org", "fakeorg", "--json"]]
    assert FAKE_TOKEN not in repr(org)


def test_redacted_token_asks_show_access_token(fake_sf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario(monkeypatch, "redacted")
    redactor = Redactor()
    org = sfcli.org_session("fakeorg", redactor=redactor)
    assert org.access_token == FAKE_TOKEN
    assert calls(fake_sf) == [
        ["org", "display", "--target-org", "fakeorg", "--json"],
        ["org", "auth", "show-access-token", "--target-org", "fakeorg", "--json"],
    ]
    # the token is now known to the redactor used for logs and messages
    assert FAKE_TOKEN not in redactor.redact(f"token {FAKE_TOKEN}")


@pytest.mark.parametrize("name", ["unknown-alias", "unknown-alias-stderr"])
def test_unknown_alias(fake_sf: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    scenario(monkeypatch, name)
    with pytest.raises(AuditIncomplete) as caught:
        sfcli.org_session("nosuch")
    assert str(caught.value) == "sf knows no org 'nosuch': run 'sf org login web --alias nosuch' first"
    assert caught.value.exit_status == 3


def test_other_sf_error_is_one_line_with_login_hint(fake_sf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario(monkeypatch, "expired")
    with pytest.raises(AuditIncomplete) as caught:
        sfcli.org_session("fakeorg")
    message = str(caught.value)
    assert "\n" not in message
    assert "RefreshTokenAuthError" in message
    assert "re-run sf org login" in message


def test_show_access_token_failure(fake_sf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario(monkeypatch, "show-token-fails")
    with pytest.raises(AuditIncomplete, match="sf org auth show-access-token failed for 'fakeorg'"):
        sfcli.org_session("fakeorg")


def test_not_json(fake_sf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario(monkeypatch, "not-json")
    with pytest.raises(AuditIncomplete) as caught:
        sfcli.org_session("fakeorg")
    message = str(caught.value)
    assert message.startswith("sf org display printed something that is not JSON (exit status 0)")
    assert "\n" not in message


def test_timeout(fake_sf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario(monkeypatch, "slow")
    with pytest.raises(AuditIncomplete, match=r"sf org display did not answer within 1 s"):
        sfcli.org_session("fakeorg", timeout=1.0)


def test_sf_not_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(UsageError) as caught:
        sfcli.org_session("fakeorg")
    assert str(caught.value) == (
        "the Salesforce CLI (sf) is not installed or not on PATH: install it, or use --instance-url/--access-token"
    )
    assert caught.value.exit_status == 2


@pytest.mark.parametrize("alias", ["", "-o", "two\nlines"])
def test_unusable_alias(alias: str) -> None:
    with pytest.raises(UsageError, match="is not a usable sf alias"):
        sfcli.org_session(alias)


def test_json_with_stray_line_is_tolerated() -> None:
    document = sfcli._parse_json('Warning: update available\n{"status": 0, "result": {"accessToken": "x"}}')
    assert document == {"status": 0, "result": {"accessToken": "x"}}
    assert sfcli._parse_json("[1, 2]") is None
    assert sfcli._parse_json("") is None
