"""Who is audited matters: the report header says whether the verdicts are about the logged-in
user's own session or about the user named by --user (the admin-audits-its-integration-user case)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION_USER = "hubspot.sync@acme.example.com"


@pytest.mark.parametrize(("args", "table_says", "json_says"), [
    ((), "Audited: the logged-in user's own session", "connected_user"),
    (("--user", INTEGRATION_USER), "Audited: the user named by --user", "user_option"),
])
def test_the_header_says_who_is_audited(monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], table_says: str,
                                         json_says: str) -> None:
    monkeypatch.chdir(ROOT)
    cassette = "cassettes/admin-audits-integration-user.yaml" if args else "cassettes/demo.yaml"
    assert table_says in run_cli("audit", "--replay", cassette, *args).stdout
    assert f"**Audited:** {table_says.split(': ', 1)[1].split(' own')[0]}" in \
        run_cli("audit", "--replay", cassette, "-f", "markdown", *args).stdout.replace("\\", "")
    assert json.loads(run_cli("audit", "--replay", cassette, "-f", "json", *args).stdout)["audited"] == json_says
