"""Lighthouse (npm, mobile emulation) on the page types marked `lighthouse`, against the budgets."""

import json
import os
import subprocess

from scripts import chromium
from scripts.audit import budgets
from scripts.audit.config import (
    LIGHTHOUSE,
    LIGHTHOUSE_BUDGETS,
    OUT,
    WEIGHT_BUDGET,
    WEIGHT_TYPES,
)

# Lighthouse sometimes fails to record its trace on a loaded 2-core machine (NO_NAVSTART).
# Such a crash of the tool is run again; a completed run's scores are never retried.
ATTEMPTS = 3


def lighthouse_report(url, report):
    """Run Lighthouse once; return (report data, None) or (None, why it crashed)."""
    report.unlink(missing_ok=True)
    completed = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={chromium.headless_flags()}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ],
        env={**os.environ, "CHROME_PATH": chromium.EXECUTABLE},
        capture_output=True,
        text=True,
        timeout=180,
    )
    if completed.returncode != 0 or not report.exists():
        return None, f"lighthouse failed: {(completed.stderr or completed.stdout)[-500:]}"
    data = json.loads(report.read_text())
    if data.get("runtimeError"):
        return None, f"lighthouse runtime error: {data['runtimeError']}"
    return data, None


def score(data, thresholds=LIGHTHOUSE_BUDGETS):
    """Scores per category (0-100) and one failure per category under its budget, naming the
    weighted audits that lost points."""
    audits = data["audits"]
    scores, failures = {}, []
    for key, budget in thresholds.items():
        category = data["categories"][key]
        value = None if category["score"] is None else round(category["score"] * 100)
        scores[key] = value
        if value is not None and value >= budget:
            continue
        weak = []
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and audit["score"] is not None and audit["score"] < 1:
                display = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                weak.append(f"{ref['id']}: {audit['title']}{display}")
        failures.append(f"{key} {value} < {budget}" + (": " + "; ".join(weak) if weak else ""))
    return scores, failures


def run_lighthouse(result, log=print):
    report = OUT / "lighthouse" / f"{result.page.name}.json"
    for attempt in range(1, ATTEMPTS + 1):
        data, error = lighthouse_report(result.url, report)
        if data is not None:
            break
        log(f"  Lighthouse attempt {attempt} on {result.page.name}: {error[:200]}")
    if data is None:
        result.lighthouse_failures.append(error)
        return
    result.lighthouse, result.lighthouse_failures = score(data)
    if result.page.weight:
        # The mobile run's transfer sizes replace the desktop browser's figure.
        items = budgets.lighthouse_items(data)
        result.weight = budgets.measure(items, WEIGHT_TYPES, WEIGHT_BUDGET, "lighthouse (mobile)")
