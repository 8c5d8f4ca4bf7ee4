"""The checks inside Chromium: status, content, headers, console, outside requests, axe, reflow,
budgets and screenshots of one page type."""

from pathlib import Path
from urllib.parse import urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe

from scripts import chromium
from scripts.audit import budgets
from scripts.audit.config import (
    AXE_TAGS,
    FIELD_ERRORS,
    FONT_BUDGET,
    FONT_TYPES,
    LOCAL_HOSTS,
    MAP_BUTTON,
    OUT,
    REFLOW_HEIGHT,
    REFLOW_WIDTHS,
    REQUIRED_HEADERS,
    ROOT,
    TILE_PATH,
    VIEWPORTS,
    WEIGHT_BUDGET,
    WEIGHT_TYPES,
)
from scripts.audit.results import Result

REFLOW_SCRIPT = (Path(__file__).parent / "reflow.js").read_text()
# After a resize, let the page lay out and paint twice before a screenshot (on a loaded machine
# a full-page screenshot once showed blank cards far below the fold).
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def check_reflow(page, widths=REFLOW_WIDTHS, height=REFLOW_HEIGHT):
    """One finding per width at which the document is wider than the viewport."""
    findings = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        measured = page.evaluate(REFLOW_SCRIPT)
        if measured["width"] > measured["viewport"]:
            findings.append(
                {"width": measured["viewport"], "document_width": measured["width"]}
                | {"widest": measured["widest"]}
            )
    return findings


def axe_violations(axe, page, viewport, seen):
    """axe's violations on the page as it is now; each rule and element once per page type."""
    response = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    ).response
    found = []
    for violation in response["violations"]:
        for node in violation["nodes"]:
            selector = " ".join(str(part) for part in node["target"])
            if (violation["id"], selector) in seen:
                continue
            seen.add((violation["id"], selector))
            found.append(
                {
                    "rule": violation["id"],
                    "impact": violation.get("impact"),
                    "help": violation["help"],
                    "help_url": violation["helpUrl"],
                    "selector": selector,
                    "message": node.get("failureSummary", "").replace("\n", " "),
                    "html": node.get("html", "")[:200],
                    "viewport": viewport,
                }
            )
    return found


class BrowserAudit:
    def __init__(self, site, browser):
        self.site = site
        self.browser = browser
        self.axe = Axe()

    def run(self, page_type):
        result = Result(page_type, url=self.site.base + page_type.path.format(**self.site.slugs))
        context = chromium.new_context(self.browser)
        page = context.new_page()
        page.set_default_timeout(15_000)
        documents, requests = [], []
        tiles_before_consent = []
        state = {"consented": False}

        def on_route(route):
            url = route.request.url
            if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL_HOSTS:
                route.continue_()
                return
            result.outside.append(
                {"url": url, "phase": "after map consent" if state["consented"] else "on load"}
            )
            route.abort()

        def on_request(request):
            requests.append(request)
            if TILE_PATH in request.url and not state["consented"]:
                tiles_before_consent.append(request.url)

        def on_response(response):
            if response.request.resource_type == "document" and response.frame == page.main_frame:
                documents.append(response)

        def on_console(message):
            if message.type == "error":
                location = message.location or {}
                result.console.append({"text": message.text, "url": location.get("url", "")})

        context.route("**/*", on_route)
        page.on("request", on_request)
        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: result.console.append({"text": f"Uncaught {error}"}))
        try:
            self.visit(page, page_type, result, state)
            if tiles_before_consent:
                result.outside.append(
                    {"url": tiles_before_consent[0], "phase": "map tile before consent"}
                )
            if not result.missing:
                self.check_page(page, page_type, result, documents)
                items = list(budgets.playwright_items(requests))
                result.fonts = budgets.measure(items, FONT_TYPES, FONT_BUDGET, "playwright")
                if page_type.weight:
                    result.weight = budgets.measure(
                        items, WEIGHT_TYPES, WEIGHT_BUDGET, "playwright"
                    )
        except Exception as error:  # noqa: BLE001 - a broken page must not stop the audit
            result.problems.append(f"audit step failed: {type(error).__name__}: {error}")
        finally:
            context.close()
        return result

    def visit(self, page, page_type, result, state):
        response = page.goto(result.url, wait_until="load")
        result.status = response.status if response else None
        if page_type.action == "map":
            if result.status == 200 or page_type.fallback:
                self.open_map(page, page_type, result, state)
        elif result.status == 200:
            if page_type.action == "submit-empty":
                self.submit_empty(page, result)
            elif page_type.action == "no-token":
                with page.expect_navigation(wait_until="load") as navigation:
                    page.get_by_role("button", name="Senden").click()
                result.status = navigation.value.status if navigation.value else None
        if result.status == 404 and page_type.expect_status != 404:
            result.missing = True
            result.console = []  # only the browser's note about that very 404
        elif result.status != page_type.expect_status:
            result.problems.append(
                f"HTTP {result.status} (expected {page_type.expect_status}) at {page.url}"
            )

    def open_map(self, page, page_type, result, state):
        """Give consent with the map button (here or on a fallback page); the map must render."""
        for path in [None, *page_type.fallback]:
            if path is not None:
                response = page.goto(self.site.base + path, wait_until="load")
                result.status = response.status if response else None
            button = page.get_by_role("button", name=MAP_BUTTON)
            if result.status == 200 and button.count():
                result.url = page.url
                page.wait_for_timeout(300)  # anything that loads late must still wait for consent
                state["consented"] = True
                button.first.click()
                page.wait_for_load_state("networkidle")
                if not page.locator(".leaflet-container, [data-map-ready]").count():
                    result.problems.append(f"map: no map rendered after clicking '{MAP_BUTTON}'")
                return
        result.missing = True
        paths = " or ".join([page_type.path, *page_type.fallback])
        result.problems.append(f"no button named '{MAP_BUTTON}' on {paths}")

    def submit_empty(self, page, result):
        form = page.locator("main form[method=post i]").first
        if not form.count():
            result.problems.append("no POST form inside <main>")
            return
        form.evaluate("f => { f.noValidate = true; }")
        submit = form.locator("button[type=submit], input[type=submit], button:not([type])").last
        with page.expect_navigation(wait_until="load") as navigation:
            submit.click()
        response = navigation.value
        result.status = response.status if response else None
        if "danke" in page.url:
            result.problems.append("the empty form was accepted (landed on the thanks page)")
        elif not page.locator(FIELD_ERRORS).count():
            result.problems.append("no visible field errors after submitting the empty form")

    def check_page(self, page, page_type, result, documents):
        document = documents[-1] if documents else None
        if document is None:
            result.problems.append("no HTML document was loaded")
            return
        if document.status != page_type.expect_status and not result.problems:
            result.problems.append(f"final document answered HTTP {document.status}")
        # The browser reports the intended 404 of the error page as a console error.
        if document.status >= 400:
            result.console = [
                entry
                for entry in result.console
                if not (
                    entry["text"].startswith("Failed to load resource")
                    and entry.get("url") == document.url
                )
            ]
        headers = document.all_headers()
        result.headers_missing = [name for name in REQUIRED_HEADERS if not headers.get(name)]
        html_file = OUT / "html" / f"{page_type.name}.html"
        html_file.write_bytes(document.body())
        result.html_file = str(html_file.relative_to(ROOT))
        self.check_content(page, page_type, result)
        result.reflow = check_reflow(page)
        seen = set()
        for viewport, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            page.evaluate(NEXT_FRAMES)
            screenshot = OUT / "screenshots" / f"{page_type.name}-{size['width']}.png"
            page.screenshot(path=screenshot, full_page=True)
            result.screenshots.append(str(screenshot.relative_to(ROOT)))
            result.axe += axe_violations(self.axe, page, viewport, seen)

    def check_content(self, page, page_type, result):
        if page.evaluate("() => document.documentElement.lang") != "de":
            result.problems.append('<html> has no lang="de"')
        headings = page.locator("h1").count()
        if headings != 1:
            result.problems.append(f"{headings} <h1> elements (expected exactly one)")
        if page_type.name == "home":
            self.check_favicon(page, result)
        if page_type.name == "detail-photo":
            images = page.locator("main img[src*='/media/']")
            if not images.count():
                result.problems.append("the place's photo is not shown (no <img> from /media/)")
            elif not images.first.evaluate("img => img.complete && img.naturalWidth > 0"):
                result.problems.append(f"photo did not load: {images.first.get_attribute('src')}")
        if page_type.action == "feedback":
            contact = page.locator("main a[href^='mailto:'], main a[href*='kontakt']")
            if not contact.count():
                result.problems.append(
                    "no feedback contact (a mailto: link or a link to the contact form)"
                )

    def check_favicon(self, page, result):
        """Without a reachable icon every browser asks for /favicon.ico and logs the 404."""
        links = page.locator("link[rel~=icon]")
        href = links.first.get_attribute("href") if links.count() else "/favicon.ico"
        if href.startswith("data:"):
            return
        response = page.request.get(urljoin(page.url, href))
        if not response.ok:
            result.problems.append(
                f"favicon {href} answers HTTP {response.status}: browsers log a console error "
                "(Lighthouse best-practices errors-in-console)"
            )
