"""The output choice of the small commands (checks, whoami, explain): text for people, JSON for scripts."""

from __future__ import annotations

from enum import Enum


class TextOrJson(str, Enum):
    """``--format`` of checks, whoami and explain. Each reporter maps every member (a test checks)."""

    TEXT = "text"
    JSON = "json"
