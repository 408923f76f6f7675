"""`--help` reads well on an 80-column terminal: grouped options, nothing cut, examples."""

from __future__ import annotations

import pytest
import typer

from auditor.cli import app
from tests.clirun import run_cli

COMMANDS = ("audit", "whoami", "explain", "checks")
PANELS = ("Connection", "What to audit", "Inputs", "Output", "Recording and replay", "Network")


def _help(monkeypatch: pytest.MonkeyPatch, *args: str, columns: int = 80) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.delenv("TERMINAL_WIDTH", raising=False)
    result = run_cli(*args, "--help")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _names(command: str) -> list[str]:
    """Every option name and environment variable the command documents."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    names: list[str] = []
    for param in group.commands[command].params:
        if getattr(param, "hidden", False):
            continue
        names += [name for name in (*param.opts, *param.secondary_opts) if name.startswith("-")]
        envvar = getattr(param, "envvar", None)
        names += [envvar] if isinstance(envvar, str) else list(envvar or ())
    return names


@pytest.mark.parametrize("command", COMMANDS)
def test_help_at_80_columns_cuts_no_option_or_variable_name(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    text = _help(monkeypatch, command)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    words = set(text.replace("│", " ").replace(",", " ").split())
    for name in _names(command):
        assert name in words or f"[env var: {name}]" in text.replace("\n", " "), name
    assert "--help" in words


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_examples_and_no_bool_placeholders(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    text = _help(monkeypatch, command)
    assert "<bool>" not in text
    assert "Examples:" in text and f"auditor {command}" in text.split("Examples:")[1]


def test_audit_options_are_grouped_in_panels(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _help(monkeypatch, "audit")
    titles = [line.split("─ ", 1)[1].split(" ─", 1)[0] for line in text.splitlines() if line.startswith("╭─ ")]
    assert titles == list(PANELS)  # --help sits under Output: no catch-all "Options" panel
    for option, panel in (("--access-token", "Connection"), ("--skip", "What to audit"),
                          ("--mappings", "Inputs"), ("--format", "Output"),
                          ("--replay", "Recording and replay"), ("--timeout", "Network")):
        section = text.split(f"╭─ {panel} ")[1].split("╰")[0]
        assert option in section, (option, panel)


def test_markup_in_help_texts_is_shown_literally(monkeypatch: pytest.MonkeyPatch) -> None:
    for command in ("audit", "whoami", "explain"):
        assert "[tool.auditor]" in _help(monkeypatch, command, columns=200)


def test_top_level_help_lists_commands_examples_and_exit_statuses(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _help(monkeypatch)
    for command in COMMANDS:
        assert f" {command} " in text
    assert "Examples:" in text and "130 interrupted" in text
    assert run_cli("audit", "-h").stdout == run_cli("audit", "--help").stdout
