"""What the CLI detects about its terminal, and the progress line's steps."""

from __future__ import annotations

import io

import pytest
import requests

from auditor.progress import CollectProgress, step_of
from auditor.terminal import in_ci, report_width, use_color


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("environ", "terminal", "expected"), [
    ({}, True, True),
    ({}, False, False),
    ({"NO_COLOR": "1"}, True, False),
    ({"NO_COLOR": ""}, True, True),  # no-color.org: present and not empty
    ({"FORCE_COLOR": "1"}, False, True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins
    ({"TERM": "dumb"}, True, False),
])
def test_colour(environ: dict[str, str], terminal: bool, expected: bool) -> None:
    stream = _Terminal() if terminal else io.StringIO()
    assert use_color(stream, environ) is expected


def test_width_is_the_terminals_and_none_for_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "91")
    assert report_width(_Terminal()) == 91
    assert report_width(io.StringIO()) is None


@pytest.mark.parametrize(("value", "expected"), [
    (None, False), ("", False), ("false", False), ("0", False), ("true", True), ("1", True), ("yes", True),
])
def test_ci(value: str | None, expected: bool) -> None:
    assert in_ci({} if value is None else {"CI": value}) is expected


@pytest.mark.parametrize(("url", "step"), [
    ("https://login.salesforce.com/services/Soap/u/62.0", "login"),
    ("https://acme.my.salesforce.com/services/oauth2/token", "login"),
    ("https://acme.my.salesforce.com/services/oauth2/userinfo", "identity"),
    ("https://acme.my.salesforce.com/services/data/v62.0/limits", "limits"),
    ("https://acme.my.salesforce.com/services/data/v62.0/composite", "composite"),
    ("https://acme.my.salesforce.com/services/data/v62.0/query/01gxx-2000", "pages"),
    ("https://api.status.salesforce.com/v1/instances/USA596/status", "trust status"),
    ("https://acme.my.salesforce.com/services/data/v62.0/sobjects/User/005", None),
])
def test_steps(url: str, step: str | None) -> None:
    assert step_of(url) == step


def test_progress_names_the_answered_steps_in_order() -> None:
    progress = CollectProgress(io.StringIO(), "acme.my.salesforce.com")
    assert progress._text() == "connecting to acme.my.salesforce.com…"
    for path in ("composite", "limits", "composite", "query/01g-2000"):
        response = requests.Response()
        response.url = f"https://acme.my.salesforce.com/services/data/v62.0/{path}"
        progress.on_response(response)
    assert progress._text() == "collecting from acme.my.salesforce.com: limits ✓  composite ✓×2  pages ✓"
