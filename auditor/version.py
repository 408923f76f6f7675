"""The tool's own identity: name, version and where to read about it (one definition of each).

The version is the installed distribution's (``importlib.metadata``), so ``--version``, the JSON
report's ``tool`` key and SARIF's ``tool.driver`` always agree with what pip installed.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

TOOL_NAME = "auditor"
DISTRIBUTION = "hubspot-sf-auditor"
# Used when the distribution declares no Homepage/Documentation URL in its metadata.
FALLBACK_INFORMATION_URI = f"https://pypi.org/project/{DISTRIBUTION}/"


@lru_cache(maxsize=1)
def tool_version() -> str:
    """The installed version, or "0+unknown" when run from a source tree that was never installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=1)
def information_uri() -> str:
    """The project's Homepage (or Documentation) URL from its metadata, else its PyPI page."""
    try:
        urls = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return FALLBACK_INFORMATION_URI
    by_label = {label.strip().lower(): url.strip() for label, _, url in (u.partition(",") for u in urls)}
    return by_label.get("homepage") or by_label.get("documentation") or FALLBACK_INFORMATION_URI
