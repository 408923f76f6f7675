"""Paging: all records of a query answer, following nextRecordsUrl page by page, bounded by what the
query's totalSize allows and refusing a next page that leaves the query resource, repeats, or makes no
progress (each page costs an API call)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from auditor.collect.executor import Answer
from auditor.collect.parse import Malformed, next_records_url, parse_part, query_records
from auditor.errors import ReadOnlyViolation
from auditor.snapshot import FailureKind, Unavailable
from auditor.transport import normalise_path

# Salesforce returns query results in batches of 200 to 2,000 records [C D-QUERYMORE]; so a query of
# totalSize N needs at most ceil(N / 200) pages. Beyond that, or past the absolute ceiling (a million
# rows at the smallest batch, more than any org's permission rows), the paging is not Salesforce's.
_SMALLEST_BATCH = 200
_QUERY_PAGE = re.compile(r"^/services/data/v\d+\.\d+/(?:tooling/)?query(?:All)?/[A-Za-z0-9-]+/?$")
MAX_PAGES = 5000


def page_limit(first_page: Any, first_count: int) -> int:
    """How many pages a query may take: its ``totalSize`` over the batch size, the smaller of 200 and
    the first page's record count (a page can be smaller for wide rows [U]); the ceiling when unknown."""
    total = first_page.get("totalSize") if isinstance(first_page, dict) else None
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        return MAX_PAGES
    batch = min(_SMALLEST_BATCH, first_count) if first_count > 0 else _SMALLEST_BATCH
    return max(1, min(MAX_PAGES, -(-total // batch) + 1))


def _pagination_anomaly(url: str, seen: set[str], pages: int, limit: int) -> str | None:
    """Why the next page must not be fetched: a URL that leaves the query resource once normalised
    (the read-only guard would refuse it anyway), a repeated URL, more pages than the query can have."""
    try:
        path = normalise_path(urlsplit(url).path)
    except ReadOnlyViolation:
        path = ""
    if not _QUERY_PAGE.match(path) or urlsplit(url).netloc:
        return f"nextRecordsUrl {url[:120]!r} is not a page of the query resource"
    if url in seen:
        return f"pagination loops: nextRecordsUrl {url[:120]!r} was already fetched, after {pages} pages"
    if pages >= limit:
        return f"pagination did not end after {pages} pages, more than the query's totalSize allows"
    return None


def paged_records(first_answer: Answer | None, what: str, get: Callable[[str], Answer],
                  failed: Callable[[str, Unavailable], Unavailable]) -> list[dict[str, Any]] | Unavailable:
    """All records of a query answer, following nextRecordsUrl page by page [C D-QUERYMORE] with ``get``;
    a failure goes through ``failed`` (which records it, or not) and is returned."""
    first = parse_part(first_answer, what, query_records)
    if isinstance(first, Unavailable):
        return failed(what, first)
    records = list(first)
    assert first_answer is not None  # else parse_part said "not requested"
    body = first_answer.body
    limit = page_limit(body, len(records))
    seen: set[str] = set()
    while True:
        try:
            url = next_records_url(body)
        except Malformed as exc:
            return failed(what, Unavailable(FailureKind.UNEXPECTED, f"{what}: unexpected answer ({exc})"))
        if url is None:
            return records
        pages = len(seen) + 1  # pages fetched so far, the first answer included
        loop = _pagination_anomaly(url, seen, pages, limit)
        if loop is not None:
            return failed(what, Unavailable(FailureKind.UNEXPECTED, f"{what}: unexpected answer ({loop})"))
        seen.add(url)
        page = get(url)
        more = parse_part(page, f"{what} (next page)", query_records)
        if isinstance(more, Unavailable):
            return failed(what, more)
        if not more and isinstance(page.body, dict) and page.body.get("done") is False:
            # Only the last page can be short, let alone empty: an empty page that is not the last
            # is paging that makes no progress (each page costs an API call).
            return failed(what, Unavailable(FailureKind.UNEXPECTED, f"{what}: unexpected answer (pagination made "
                                            f"no progress: page {pages + 1} had no records and was not the last)"))
        records.extend(more)
        body = page.body
