"""The table, the details of every finding, and test-results/audit/report.{json,html}."""

import html
import io
import json
import time

from scripts.audit.config import (
    AXE_TAGS,
    FONT_BUDGET,
    LIGHTHOUSE_BUDGETS,
    OUT,
    REFLOW_WIDTHS,
    WEIGHT_BUDGET,
)

HEADER = [
    "page",
    "HTTP",
    "page",
    "axe",
    "vnu",
    "console",
    "outside",
    "headers",
    "reflow",
    "LH perf/a11y/bp/seo",
    "weight",
    "fonts",
    "result",
]


def cell_count(items):
    return "ok" if not items else str(len(items))


def kilobytes(measured):
    return f"{measured['bytes'] / 1024:.1f} KB" if measured else ""


def table_rows(results):
    rows = []
    for r in results:
        lh = r.lighthouse
        lighthouse = (
            "/".join("–" if lh.get(k) is None else str(lh[k]) for k in LIGHTHOUSE_BUDGETS)
            if lh
            else ("fail" if r.lighthouse_failures else "")
        )
        if r.planned:
            page_state = "planned"
        elif r.missing:
            page_state = "MISSING"
        elif r.problems:
            page_state = f"{len(r.problems)} problem" + ("s" if len(r.problems) > 1 else "")
        else:
            page_state = "ok"
        absent = r.missing
        rows.append(
            [
                r.page.name,
                str(r.status or "–"),
                page_state,
                "–" if absent else cell_count(r.axe),
                "–" if absent else cell_count(r.vnu),
                cell_count(r.console),
                cell_count(r.outside),
                "–" if absent else ("ok" if not r.headers_missing else "missing"),
                "–" if absent else (",".join(str(f["width"]) for f in r.reflow) or "ok"),
                lighthouse,
                kilobytes(r.weight),
                "–" if absent else (kilobytes(r.fonts) if r.fonts.get("bytes") else "none"),
                "planned" if r.planned else ("FAIL" if r.failed else "pass"),
            ]
        )
    return rows


def format_table(rows):
    widths = [max(len(str(row[i])) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = [" | ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def format_reflow(finding):
    line = (
        f"  reflow    at {finding['width']} px the document is {finding['document_width']} px wide"
    )
    widest = finding.get("widest")
    if widest:
        reach = "its text reaches" if widest["cause"] == "text" else "its box reaches"
        line += f"; widest: {widest['selector']} ({reach} {widest['right']} px)"
        if widest.get("text"):
            line += f" {widest['text'][:60]!r}"
    return line + "\n"


def format_budget(name, measured, budget):
    return (
        f"  {name:<9} {measured['bytes'] / 1024:.1f} KB > {budget // 1024} KB "
        f"({measured['source']}): {measured['by_type']}\n"
    )


def format_details(results):
    out = io.StringIO()
    for r in results:
        if not r.failed:
            continue
        out.write(f"\n== {r.page.name} ({r.page.description}) {r.url}\n")
        if r.missing:
            out.write(f"  MISSING   HTTP {r.status}: the page does not exist yet\n")
        for problem in r.problems:
            out.write(f"  page      {problem}\n")
        for v in r.axe:
            out.write(f"  axe       {v['rule']} [{v['impact']}, {v['viewport']}] {v['selector']}\n")
            out.write(f"            {v['help']}: {v['message'][:300]}\n")
        for v in r.vnu:
            out.write(f"  vnu       {r.html_file}:{v['line']}:{v['column']} {v['message']}\n")
        for c in r.console:
            out.write(f"  console   {c['text'][:300]}\n")
        for o in r.outside:
            out.write(f"  outside   {o['phase']}: {o['url']}\n")
        if r.headers_missing:
            out.write(f"  headers   missing: {', '.join(r.headers_missing)}\n")
        for finding in r.reflow:
            out.write(format_reflow(finding))
        for failure in r.lighthouse_failures:
            out.write(f"  lighthouse {failure}\n")
        if r.weight.get("over"):
            out.write(format_budget("weight", r.weight, WEIGHT_BUDGET))
        if r.fonts.get("over"):
            out.write(format_budget("fonts", r.fonts, FONT_BUDGET))
    return out.getvalue()


def write_reports(results, elapsed, skipped_lighthouse):
    rows = table_rows(results)
    payload = {
        "generated": time.strftime("%Y-%m-%d %H:%M:%S"),
        "seconds": round(elapsed, 1),
        "lighthouse_skipped": skipped_lighthouse,
        "budgets": {
            "lighthouse": LIGHTHOUSE_BUDGETS,
            "weight_bytes": WEIGHT_BUDGET,
            "font_bytes": FONT_BUDGET,
        },
        "axe_tags": AXE_TAGS,
        "reflow_widths": list(REFLOW_WIDTHS),
        "passed": not any(r.failed for r in results),
        "pages": [r.as_dict() for r in results],
    }
    (OUT / "report.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    body = "".join(
        f'<tr class="{"fail" if r.failed else "pass"}">'
        + "".join(f"<td>{html.escape(c)}</td>" for c in row)
        + "</tr>"
        for r, row in zip(results, rows, strict=True)
    )
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kreativorte audit</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem; color: #1b1f1d; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #d9ded8; padding: .3rem .6rem; }}
tr.fail td:last-child {{ color: #a3472d; font-weight: bold; }}
pre {{ background: #f7f6ef; padding: 1rem; white-space: pre-wrap; }}
</style></head><body>
<h1>Audit {html.escape(payload["generated"])}: {"passed" if payload["passed"] else "FAILED"}</h1>
<p>{len(results)} page types in {payload["seconds"]} s. Screenshots in screenshots/, served HTML
in html/, Lighthouse reports in lighthouse/.</p>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<h2>Details</h2><pre>{html.escape(format_details(results)) or "No findings."}</pre>
</body></html>
"""
    (OUT / "report.html").write_text(document)
