"""Transferred bytes by resource type, against a budget (page weight, fonts)."""

from scripts.audit.config import TILE_PATH


def measure(items, kinds, budget, source):
    """Sum (resource type, url, bytes) items of the given kinds; map tiles never count.

    A file other than a document counts once per visit: the audit's request routing turns
    Playwright's cache off, so a visit with two page loads (a form sent, a fallback page) would
    otherwise count the same hashed, cached font or stylesheet twice."""
    total, by_type, seen = 0, {}, set()
    for kind, url, size in items:
        if kind not in kinds or TILE_PATH in url or (kind != "document" and url in seen):
            continue
        seen.add(url)
        by_type[kind] = by_type.get(kind, 0) + size
        total += size
    return {"source": source, "bytes": total, "by_type": by_type, "over": total > budget}


def playwright_items(requests):
    """(type, url, bytes) of Playwright requests: encoded body plus headers, as transferred."""
    for request in requests:
        try:
            sizes = request.sizes()
        except Exception:  # noqa: BLE001 - aborted or unfinished requests have no sizes
            continue
        yield (
            request.resource_type,
            request.url,
            sizes["responseBodySize"] + sizes["responseHeadersSize"],
        )


def lighthouse_items(report):
    """(type, url, bytes) of the requests in a Lighthouse report (its transferSize)."""
    details = report["audits"].get("network-requests", {}).get("details", {})
    for item in details.get("items", []):
        yield (
            (item.get("resourceType") or "").lower(),
            item.get("url", ""),
            item.get("transferSize") or 0,
        )
