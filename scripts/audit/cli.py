"""`python -m scripts.audit`: build the site, run every gate, report, exit 1 on any finding."""

import argparse
import importlib.util
import os
import shutil
import sys
import time
from urllib.parse import urlsplit

import scripts.audit
from scripts import chromium
from scripts.audit import report
from scripts.audit.config import DEFAULT_PORTS, LIGHTHOUSE, OUT, ROOT, VNU_JAR
from scripts.audit.pages import PAGES
from scripts.audit.site import Site, free_port, parse_ports


def log(message):
    print(message, file=sys.stderr, flush=True)


def preflight(skip_lighthouse):
    missing = []
    if not chromium.available():
        missing.append(chromium.MISSING_HINT)
    if not shutil.which("java"):
        missing.append("Java 17+ for the Nu HTML Checker (apt-get install -y default-jre-headless)")
    if not VNU_JAR.exists() or (not skip_lighthouse and not LIGHTHOUSE.exists()):
        missing.append("Node tools: run `npm ci` in the repository root")
    if importlib.util.find_spec("axe_playwright_python") is None:
        missing.append("axe-playwright-python: .venv/bin/pip install -e '.[dev]'")
    if missing:
        raise SystemExit("Cannot run the audit, missing:\n  - " + "\n  - ".join(missing))


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m scripts.audit", description=scripts.audit.__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PAGE",
        help="audit only these page types (repeat or comma-separate): "
        + ", ".join(p.name for p in PAGES),
    )
    parser.add_argument("--skip-lighthouse", action="store_true", help="skip Lighthouse runs")
    parser.add_argument(
        "--ports",
        "--port",
        type=parse_ports,
        default=os.environ.get("AUDIT_PORTS", DEFAULT_PORTS),
        metavar="PORT[-PORT]",
        help="gunicorn takes the first free port of this range "
        f"(default: AUDIT_PORTS or {DEFAULT_PORTS})",
    )
    args = parser.parse_args(argv)
    names = {name.strip() for value in args.only for name in value.split(",") if name.strip()}
    unknown = names - {p.name for p in PAGES}
    if unknown:
        parser.error(f"unknown page type(s): {', '.join(sorted(unknown))}")
    args.pages = [p for p in PAGES if not names or p.name in names]
    return args


def audit_pages(site, pages):
    """Every browser gate on each page type, in one Chromium."""
    from playwright.sync_api import sync_playwright

    from scripts.audit.browser import BrowserAudit

    results = []
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        audit = BrowserAudit(site, browser)
        for page_type in pages:
            log(f"  {page_type.name:<16} {page_type.path.format(**site.slugs)}")
            results.append(audit.run(page_type))
        browser.close()
    return results


def main(argv=None):
    args = parse_args(argv)
    preflight(args.skip_lighthouse)
    from scripts.audit.lighthouse import run_lighthouse
    from scripts.audit.vnu import run_vnu

    started = time.monotonic()
    shutil.rmtree(OUT, ignore_errors=True)
    for sub in ["html", "screenshots", "lighthouse"]:
        (OUT / sub).mkdir(parents=True, exist_ok=True)
    site = Site(free_port(args.ports))
    try:
        log(f"Building the site in {site.tmp} …")
        site.build()
        site.start()
        log(f"Serving on {site.base}; photo on /orte/{site.slugs['photo']}/")
        results = audit_pages(site, args.pages)
        log("Nu HTML Checker …")
        run_vnu(results)
        if not args.skip_lighthouse:
            for result in results:
                if result.page.lighthouse and not result.missing:
                    log(f"Lighthouse {result.page.name} …")
                    run_lighthouse(result)
        server_errors = site.server_errors()
        for result in results:
            for exception in server_errors.get(urlsplit(result.url).path, []):
                if result.status in (403, 500) and result.status != result.page.expect_status:
                    result.problems.append(f"server: {exception}")
    finally:
        site.stop()
    elapsed = time.monotonic() - started
    report.write_reports(results, elapsed, args.skip_lighthouse)
    print(report.format_table(report.table_rows(results)))
    print(report.format_details(results), end="")
    if any(problem.startswith("server: ") for r in results for problem in r.problems):
        print(f"\nServer errors: see {site.log_path.relative_to(ROOT)} for the tracebacks.")
    planned = [r.page.name for r in results if r.planned]
    if planned:
        print(f"\nPlanned page types that do not exist yet (not audited): {', '.join(planned)}")
    failed = [r.page.name for r in results if r.failed]
    print(
        f"\n{len(results)} page types in {elapsed:.0f} s"
        + (" (Lighthouse skipped)" if args.skip_lighthouse else "")
        + f". Reports: {(OUT / 'report.html').relative_to(ROOT)}, report.json, screenshots/"
    )
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print("All quality gates passed.")
    return 0
