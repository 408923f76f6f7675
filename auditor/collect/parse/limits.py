"""The org's limits from ``GET /limits``: daily API requests, data and file storage."""

from __future__ import annotations

from typing import Any

from auditor.collect.parse.fields import _dict, _int
from auditor.snapshot import Limits, LimitValue


def parse_limits(body: Any) -> Limits:
    document = _dict(body, "limits")

    def value(name: str) -> LimitValue | None:
        entry = document.get(name)
        if entry is None:
            return None  # e.g. DataStorageMB without Manage Users [C D-LIMITS-202]
        entry = _dict(entry, name)
        # DailyApiRequests also nests one {Max, Remaining} per connected app: ignore dict children.
        return LimitValue(max=_int(entry.get("Max"), f"{name}.Max"), remaining=_int(entry.get("Remaining"), f"{name}.Remaining"))

    return Limits(
        daily_api_requests=value("DailyApiRequests"),
        data_storage_mb=value("DataStorageMB"),
        file_storage_mb=value("FileStorageMB"),
    )
