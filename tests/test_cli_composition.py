"""The composition root's contracts: one formatter per text|json choice, settings typed once,
connection options declared once and shared by every command that connects."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from auditor.cli import app
from auditor.model import FailOn
from auditor.report.checks import CHECKS_FORMATTERS
from auditor.report.text_or_json import TextOrJson
from auditor.report.whoami import WHOAMI_FORMATTERS
from auditor.settings import Settings, read_settings
from tests.clirun import run_cli

CONNECTION = ("--instance-url", "--access-token", "--username", "--password", "--security-token", "--domain",
              "--client-id", "--client-secret", "--private-key-file", "--api-version")


@pytest.mark.parametrize("formatters", [CHECKS_FORMATTERS, WHOAMI_FORMATTERS], ids=["checks", "whoami"])
def test_every_text_or_json_choice_has_exactly_one_formatter(formatters: dict[TextOrJson, object]) -> None:
    assert set(formatters) == set(TextOrJson)


def test_the_connecting_commands_share_one_declaration_of_each_connection_option() -> None:
    group = typer.main.get_group(app)
    seen: dict[str, set[tuple[str | None, str | None, str | None]]] = {}
    for name in ("audit", "whoami", "explain", "fix"):
        options = {p.opts[0]: p for p in group.commands[name].params if p.opts}
        for flag in CONNECTION:
            option = options[flag]
            seen.setdefault(flag, set()).add((option.help, str(option.envvar), option.metavar))
    assert all(len(variants) == 1 for variants in seen.values()), seen


def test_settings_are_read_once_into_typed_values(tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_text('fail_on = "warn"\nheadroom_percent = 5\napi_version = 61.0\n'
                                           'skip = ["api-enabled"]\n', encoding="utf-8")
    settings = read_settings(None, cwd=tmp_path)
    assert settings == Settings(fail_on=FailOn.WARN, headroom_percent=5.0, api_version="61.0", skip=("api-enabled",))
    assert isinstance(settings.headroom_percent, float)
    assert read_settings(None, cwd=tmp_path / "nowhere") == Settings()


@pytest.mark.parametrize("command", [("checks",), ("whoami", "--replay", "cassettes/demo.yaml"),
                                     ("explain", "Contact", "--replay", "cassettes/demo.yaml")])
def test_an_unknown_text_or_json_format_is_a_usage_error(command: tuple[str, ...]) -> None:
    result = run_cli(*command, "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json'" in result.stderr
    assert result.stdout == ""
