"""`auditor explain OBJECT[.FIELD]` over recorded orgs."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.explain import UnknownTarget, explain
from tests.clirun import run_cli
from tests.factory import make_config, make_snapshot

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "cassettes" / "demo.yaml")


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


def test_explain_field_over_the_demo_cassette(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("explain", "Contact.MailingCountry", "--replay", DEMO)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "granted by profile 'HubSpot Integration'" in _line(out, "FLS Read:")
    assert _line(out, "FLS Edit:").endswith("nothing grants it")
    assert "permissionable: yes; calculated: no" in out
    assert "HubSpot needs Read, Edit" in out and "contacts.country, two_way" in out
    # Address components carry no FLS of their own: the compound's grants are shown (reference §2.7).
    assert "field-level security lives on the compound field Contact.MailingAddress (Mailing Address)" in out


def test_explain_object_over_the_demo_cassette(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("explain", "Campaign", "--replay", DEMO)
    assert result.exit_code == 0, result.stderr
    assert "Object Campaign: in the sync scope; HubSpot needs Read, Edit." in result.stdout
    assert "granted by profile 'HubSpot Integration'" in _line(result.stdout, "Read:")
    assert _line(result.stdout, "Edit:").endswith("nothing grants it")


def test_explain_names_the_muting_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("explain", "contact", "--replay", str(ROOT / "cassettes" / "group-muting-edit.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "Edit muted by 'Mute_Contact_Edit' in permission set group 'HubSpot Integration Access'" in _line(result.stdout, "Edit:")


@pytest.mark.parametrize("target", ["Contact.NoSuchField__c", "Widget__c", "Contact.Email.Extra"])
def test_explain_unknown_target_is_exit_2_in_one_line(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("explain", target, "--replay", DEMO)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("auditor: ")


def test_explain_is_a_pure_formatter() -> None:
    text = explain(make_snapshot(), make_config(), "Lead")
    assert text.startswith("Lead for '") and "Read:" in text
    with pytest.raises(UnknownTarget):
        explain(make_snapshot(), make_config(), "Nope")
