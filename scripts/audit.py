"""Real-browser quality gates: axe, Nu HTML Checker, console, outside requests, headers, Lighthouse.

Builds a throwaway site (SQLite in a temp dir, seed data, one photo, collected static files),
serves it with gunicorn and DEBUG off exactly as in production, and checks every page type in
Debian's Chromium. Prints a table and the details of every finding, writes
test-results/audit/report.{json,html}, and exits 1 on any violation, error, budget miss or missing
page.

    .venv/bin/python scripts/audit.py                      # everything (about a minute)
    .venv/bin/python scripts/audit.py --only list,map --skip-lighthouse

Needs: Chromium (/usr/bin/chromium or CHROMIUM_PATH), Java 17+, `npm ci` (vnu-jar, lighthouse).
"""

import argparse
import html
import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-results" / "audit"
VENV_BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PORTS = range(8013, 8020)
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REQUIRED_HEADERS = [
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
]
LIGHTHOUSE_BUDGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# HTML, CSS, JS and fonts of the list page, transferred (compressed) bytes.
WEIGHT_BUDGET = 100 * 1024
WEIGHT_TYPES = {"document", "stylesheet", "script", "font"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
TILE_PATH = "/media/audit/tile.png"
MAP_BUTTON = "Karte anzeigen"
FIELD_ERRORS = "main [aria-invalid=true], main .errorlist, main [role=alert]"


@dataclass
class PageType:
    name: str
    path: str
    lighthouse: bool = False
    weight: bool = False
    expect_status: int = 200
    action: str = ""
    description: str = ""


PAGES = [
    PageType("home", "/", lighthouse=True, description="Startseite"),
    PageType("list", "/orte/", lighthouse=True, weight=True, description="Liste"),
    PageType(
        "list-filtered", "/orte/?kategorie=wohnen-bauen&art=ort", description="Liste mit Filtern"
    ),
    PageType("list-empty", "/orte/?q=gibtesnicht", description="leere Trefferliste"),
    PageType("detail-photo", "/orte/{photo}/", lighthouse=True, description="Detail mit Foto"),
    PageType("detail", "/orte/{plain}/", description="Detail ohne Foto"),
    PageType("map", "/orte/", action="map", description="Karte geöffnet"),
    PageType("contact", "/kontakt/", description="Kontaktformular"),
    PageType("contact-errors", "/kontakt/", action="submit-empty", description="mit Fehlern"),
    PageType("thanks", "/kontakt/danke/", description="Danke-Seite"),
    PageType("suggest", "/mitmachen/ort-vorschlagen/", description="Ort vorschlagen"),
    PageType("ueber", "/ueber/", description="Über das Portal"),
    PageType("impressum", "/impressum/", description="Impressum"),
    PageType("datenschutz", "/datenschutz/", description="Datenschutz"),
    PageType(
        "barrierefreiheit", "/barrierefreiheit/", action="feedback", description="Erklärung BF"
    ),
    PageType("404", "/gibt-es-nicht/", expect_status=404, description="Fehlerseite 404"),
    # Error pages from views that exist only in the audit's generated URLconf (AUDIT_URLS).
    PageType("400", "/audit-fehler/400/", expect_status=400, description="Fehlerseite 400"),
    PageType("403", "/audit-fehler/403/", expect_status=403, description="Fehlerseite 403"),
    PageType(
        "403-csrf",
        "/audit-fehler/csrf/",
        expect_status=403,
        action="post-without-token",
        description="CSRF-Fehler",
    ),
    PageType("500", "/audit-fehler/500/", expect_status=500, description="Fehlerseite 500"),
]


@dataclass
class Result:
    page: PageType
    url: str = ""
    status: int | None = None
    missing: bool = False
    problems: list = field(default_factory=list)
    axe: list = field(default_factory=list)
    vnu: list = field(default_factory=list)
    console: list = field(default_factory=list)
    outside: list = field(default_factory=list)
    headers_missing: list = field(default_factory=list)
    lighthouse: dict = field(default_factory=dict)
    lighthouse_failures: list = field(default_factory=list)
    weight: dict = field(default_factory=dict)
    html_file: str = ""

    @property
    def failed(self):
        return bool(
            self.missing
            or self.problems
            or self.axe
            or self.vnu
            or self.console
            or self.outside
            or self.headers_missing
            or self.lighthouse_failures
            or self.weight.get("over")
        )

    def as_dict(self):
        return {
            "page": self.page.name,
            "description": self.page.description,
            "url": self.url,
            "status": self.status,
            "missing": self.missing,
            "failed": self.failed,
            "problems": self.problems,
            "axe": self.axe,
            "vnu": self.vnu,
            "console": self.console,
            "outside_requests": self.outside,
            "headers_missing": self.headers_missing,
            "lighthouse": self.lighthouse,
            "lighthouse_failures": self.lighthouse_failures,
            "weight": self.weight,
            "html_file": self.html_file,
        }


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- The throwaway site ---------------------------------------------------------------------


class Site:
    """A seeded copy of the portal in a temp dir, served by gunicorn with DEBUG off."""

    def __init__(self, port):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.tmp = Path(tempfile.mkdtemp(prefix="kreativorte-audit-"))
        self.media = self.tmp / "media"
        self.process = None
        self.log_path = OUT / "server.log"
        self.slugs = {}
        # Generated modules: the production settings with STATIC_ROOT out of the working tree,
        # and the production URLconf plus views that raise, to render the error pages.
        (self.tmp / "audit_settings.py").write_text(
            "from kreativorte.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(self.tmp / 'static')!r}\n"
            'ROOT_URLCONF = "audit_urls"\n'
        )
        (self.tmp / "audit_urls.py").write_text(AUDIT_URLS)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DJANGO_SETTINGS_MODULE": "audit_settings",
            "PYTHONPATH": os.pathsep.join([str(self.tmp), str(ROOT)]),
            "DATABASE_URL": f"sqlite:///{self.tmp / 'db.sqlite3'}",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_MEDIA_ROOT": str(self.media),
            # Plain HTTP on 127.0.0.1: the browser must keep the CSRF cookie.
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HTTPS": "0",
            # No nginx in front: Django serves the photos and the tile.
            "KREATIVORTE_SERVE_MEDIA": "1",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DJANGO_LOG_LEVEL": "WARNING",
            # The audit checks how the form shows errors, not the spam time trap.
            "KREATIVORTE_FORM_MIN_SECONDS": "0",
            # Tiles come from this server (one blank PNG), so nothing leaves the machine.
            "KREATIVORTE_MAP_TILE_URL": f"{self.base}{TILE_PATH}?{{z}}/{{x}}/{{y}}",
        }

    def manage(self, *args, stdin=None):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def build(self):
        self.manage("migrate", "--noinput")
        self.manage("seed")
        self.manage("collectstatic", "--noinput")
        self.make_tile()
        out = self.manage("shell", stdin=ADD_PHOTO)
        self.slugs = json.loads(out.strip().splitlines()[-1])

    def make_tile(self):
        from PIL import Image

        tile = self.media / TILE_PATH.removeprefix("/media/")
        tile.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (256, 256), (232, 241, 230)).save(tile, "PNG")

    def start(self):
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "kreativorte.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log_path}")
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within 30 s; see {self.log_path}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "log_file", None):
            self.log_file.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server_errors(self):
        """Map each path that answered 500 to the exception lines of its tracebacks."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        errors, path = {}, None
        for line in text.splitlines():
            if line.startswith("Internal Server Error: "):
                path = line.removeprefix("Internal Server Error: ").strip()
            elif line.startswith("Forbidden (") and "): " in line:
                reason, _, forbidden_path = line.partition("): ")
                errors.setdefault(forbidden_path.strip(), []).append(reason + ")")
            elif path and line and not line.startswith((" ", "Traceback", "\t")):
                errors.setdefault(path, [])
                if line not in errors[path]:
                    errors[path].append(line)
                path = None
        return errors


AUDIT_URLS = """
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_protect

from kreativorte.urls import *  # noqa: F403
from kreativorte.urls import urlpatterns


def bad_request(request):
    raise SuspiciousOperation("audit")


def forbidden(request):
    raise PermissionDenied


@csrf_protect
def csrf(request):
    # A GET renders a form without a token; the audit posts it to get the CSRF failure page.
    return HttpResponse(
        '<!doctype html><html lang="de"><title>x</title><form method="post">'
        '<button>Senden</button></form></html>'
    )


def server_error(request):
    raise RuntimeError("audit: the 500 page is rendered on purpose")


urlpatterns = [
    path("audit-fehler/400/", bad_request),
    path("audit-fehler/403/", forbidden),
    path("audit-fehler/csrf/", csrf),
    path("audit-fehler/500/", server_error),
    *urlpatterns,
]
"""

# Run inside `manage.py shell`: one photo for the first published place, and the slug of another
# published place without photos.
ADD_PHOTO = """
import io, json
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from places.images import make_renditions
from places.models import Place, PlaceImage
places = list(Place.objects.published().order_by("slug"))
photo, plain = places[0], places[1]
picture = Image.new("RGB", (1600, 1067), (118, 150, 96))
draw = ImageDraw.Draw(picture)
draw.rectangle([0, 0, 1600, 500], fill=(176, 205, 228))
draw.polygon([(500, 700), (800, 420), (1100, 700)], fill=(163, 71, 45))
draw.rectangle([560, 700, 1040, 1000], fill=(230, 220, 200))
buffer = io.BytesIO()
picture.save(buffer, "JPEG", quality=80)
make_renditions(PlaceImage.objects.create(
    place=photo,
    image=SimpleUploadedFile("audit-foto.jpg", buffer.getvalue(), "image/jpeg"),
    alt_text="Ein Haus mit rotem Dach auf einer Wiese unter blauem Himmel",
    credit="Foto: Audit",
))
print(json.dumps({"photo": photo.slug, "plain": plain.slug}))
"""


def free_port(preferred=None):
    for port in [preferred] if preferred else PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port in {PORTS.start}-{PORTS.stop - 1}.")


# --- Browser checks ----------------------------------------------------------------------------


class BrowserAudit:
    def __init__(self, site, browser):
        from axe_playwright_python.sync_playwright import Axe

        self.site = site
        self.browser = browser
        self.axe = Axe()

    def run(self, page_type):
        result = Result(page_type, url=self.site.base + page_type.path.format(**self.site.slugs))
        context = self.browser.new_context(locale="de-DE", viewport=VIEWPORTS["desktop"])
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
            self.visit(page, page_type, result, documents, state)
            if tiles_before_consent:
                result.outside.append(
                    {"url": tiles_before_consent[0], "phase": "map tile before consent"}
                )
            if not result.missing:
                self.check_page(page, page_type, result, documents)
                if page_type.weight:
                    result.weight = measure_weight(requests)
        except Exception as error:  # noqa: BLE001 - a broken page must not stop the audit
            result.problems.append(f"audit step failed: {type(error).__name__}: {error}")
        finally:
            context.close()
        return result

    def visit(self, page, page_type, result, documents, state):
        response = page.goto(result.url, wait_until="load")
        result.status = response.status if response else None
        if page_type.action == "map":
            self.open_map(page, result, state)
        elif page_type.action == "submit-empty" and result.status == 200:
            self.submit_empty(page, result)
        elif page_type.action == "post-without-token" and result.status == 200:
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

    def open_map(self, page, result, state):
        for path in ["/orte/", "/"]:
            if path != "/orte/":
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
                    result.problems.append("map: no map rendered after clicking 'Karte anzeigen'")
                return
        result.missing = True
        result.problems.append(f"no button named '{MAP_BUTTON}' on /orte/ or /")

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
        body = document.body()
        html_file = OUT / "html" / f"{page_type.name}.html"
        html_file.write_bytes(body)
        result.html_file = str(html_file.relative_to(ROOT))
        self.check_content(page, page_type, result)
        seen = set()
        for viewport, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            page.screenshot(
                path=OUT / "screenshots" / f"{page_type.name}-{viewport}.png", full_page=True
            )
            response = self.axe.run(
                page,
                options={
                    "runOnly": {"type": "tag", "values": AXE_TAGS},
                    "resultTypes": ["violations"],
                },
            ).response
            for violation in response["violations"]:
                for node in violation["nodes"]:
                    selector = " ".join(str(part) for part in node["target"])
                    if (violation["id"], selector) in seen:
                        continue
                    seen.add((violation["id"], selector))
                    result.axe.append(
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


def measure_weight(requests):
    total, by_type = 0, {}
    for request in requests:
        kind = request.resource_type
        if kind not in WEIGHT_TYPES or TILE_PATH in request.url:
            continue
        try:
            sizes = request.sizes()
        except Exception:  # noqa: BLE001 - aborted or unfinished requests have no sizes
            continue
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        by_type[kind] = by_type.get(kind, 0) + size
        total += size
    return {
        "source": "playwright",
        "bytes": total,
        "by_type": by_type,
        "over": total > WEIGHT_BUDGET,
    }


# --- Nu HTML Checker ---------------------------------------------------------------------------


def run_vnu(results):
    files = {str(Path(ROOT / r.html_file).resolve()): r for r in results if r.html_file}
    if not files:
        return
    completed = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--exit-zero-always",
            "--format",
            "json",
            *files,
        ],
        capture_output=True,
        text=True,
    )
    raw = completed.stdout.strip() or completed.stderr.strip()
    try:
        messages = json.loads(raw)["messages"]
    except (ValueError, KeyError):
        for result in files.values():
            result.problems.append(f"vnu did not run: {raw[:300]}")
        return
    for message in messages:
        path = urlsplit(message.get("url", "")).path
        result = files.get(str(Path(path).resolve()))
        if result is None:
            continue
        result.vnu.append(
            {
                "line": message.get("lastLine"),
                "column": message.get("firstColumn") or message.get("lastColumn"),
                "message": message.get("message", ""),
                "extract": (message.get("extract") or "").strip()[:160],
            }
        )


# --- Lighthouse --------------------------------------------------------------------------------


# Lighthouse sometimes fails to record its trace on a loaded 2-core machine (NO_NAVSTART).
# Such a crash of the tool is run again; a completed run's scores are never retried.
LIGHTHOUSE_ATTEMPTS = 3


def lighthouse_report(url, report):
    """Run Lighthouse once; return (report data, None) or (None, why it crashed)."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    report.unlink(missing_ok=True)
    completed = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={flags}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
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


def run_lighthouse(result):
    report = OUT / "lighthouse" / f"{result.page.name}.json"
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        data, error = lighthouse_report(result.url, report)
        if data is not None:
            break
        print(f"  Lighthouse attempt {attempt} on {result.page.name}: {error[:200]}")
    if data is None:
        result.lighthouse_failures.append(error)
        return
    audits = data["audits"]
    for key, budget in LIGHTHOUSE_BUDGETS.items():
        category = data["categories"][key]
        score = None if category["score"] is None else round(category["score"] * 100)
        result.lighthouse[key] = score
        if score is not None and score >= budget:
            continue
        weak = []
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and audit["score"] is not None and audit["score"] < 1:
                display = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                weak.append(f"{ref['id']}: {audit['title']}{display}")
        result.lighthouse_failures.append(
            f"{key} {score} < {budget}" + (": " + "; ".join(weak) if weak else "")
        )
    if result.page.weight:
        items = audits.get("network-requests", {}).get("details", {}).get("items", [])
        by_type, total = {}, 0
        for item in items:
            kind = (item.get("resourceType") or "").lower()
            if kind in WEIGHT_TYPES and TILE_PATH not in item.get("url", ""):
                size = item.get("transferSize") or 0
                by_type[kind] = by_type.get(kind, 0) + size
                total += size
        result.weight = {
            "source": "lighthouse (mobile)",
            "bytes": total,
            "by_type": by_type,
            "over": total > WEIGHT_BUDGET,
        }


# --- Reporting ---------------------------------------------------------------------------------


def cell_count(items):
    return "ok" if not items else str(len(items))


def table_rows(results):
    rows = []
    for r in results:
        lh = r.lighthouse
        lighthouse = (
            "/".join("–" if lh.get(k) is None else str(lh[k]) for k in LIGHTHOUSE_BUDGETS)
            if lh
            else ("fail" if r.lighthouse_failures else "")
        )
        if r.missing:
            page_state = "MISSING"
        elif r.problems:
            page_state = f"{len(r.problems)} problem" + ("s" if len(r.problems) > 1 else "")
        else:
            page_state = "ok"
        rows.append(
            [
                r.page.name,
                str(r.status or "–"),
                page_state,
                "–" if r.missing else cell_count(r.axe),
                "–" if r.missing else cell_count(r.vnu),
                cell_count(r.console),
                cell_count(r.outside),
                "–" if r.missing else ("ok" if not r.headers_missing else "missing"),
                lighthouse,
                f"{r.weight['bytes'] / 1024:.1f} KB" if r.weight else "",
                "FAIL" if r.failed else "pass",
            ]
        )
    return rows


HEADER = [
    "page",
    "HTTP",
    "page",
    "axe",
    "vnu",
    "console",
    "outside",
    "headers",
    "LH perf/a11y/bp/seo",
    "weight",
    "result",
]


def format_table(rows):
    widths = [max(len(str(row[i])) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = [" | ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


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
        for failure in r.lighthouse_failures:
            out.write(f"  lighthouse {failure}\n")
        if r.weight.get("over"):
            out.write(
                f"  weight    {r.weight['bytes'] / 1024:.1f} KB > {WEIGHT_BUDGET // 1024} KB "
                f"({r.weight['source']}): {r.weight['by_type']}\n"
            )
    return out.getvalue()


def write_reports(results, elapsed, skipped_lighthouse):
    rows = table_rows(results)
    payload = {
        "generated": time.strftime("%Y-%m-%d %H:%M:%S"),
        "seconds": round(elapsed, 1),
        "lighthouse_skipped": skipped_lighthouse,
        "budgets": {"lighthouse": LIGHTHOUSE_BUDGETS, "weight_bytes": WEIGHT_BUDGET},
        "axe_tags": AXE_TAGS,
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


# --- Main --------------------------------------------------------------------------------------


def preflight(skip_lighthouse):
    missing = []
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        missing.append(f"Chromium at {CHROMIUM} (apt-get install -y chromium, or CHROMIUM_PATH)")
    if not shutil.which("java"):
        missing.append("Java 17+ for the Nu HTML Checker (apt-get install -y default-jre-headless)")
    if not VNU_JAR.exists() or (not skip_lighthouse and not LIGHTHOUSE.exists()):
        missing.append("Node tools: run `npm ci` in the repository root")
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        missing.append("axe-playwright-python: .venv/bin/pip install -e '.[dev]'")
    if missing:
        raise SystemExit("Cannot run the audit, missing:\n  - " + "\n  - ".join(missing))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PAGE",
        help="audit only these page types (repeat or comma-separate): "
        + ", ".join(p.name for p in PAGES),
    )
    parser.add_argument("--skip-lighthouse", action="store_true", help="skip Lighthouse runs")
    parser.add_argument("--port", type=int, help="gunicorn port (default: first free of 8013-8019)")
    args = parser.parse_args(argv)
    names = {name.strip() for value in args.only for name in value.split(",") if name.strip()}
    unknown = names - {p.name for p in PAGES}
    if unknown:
        parser.error(f"unknown page type(s): {', '.join(sorted(unknown))}")
    args.pages = [p for p in PAGES if not names or p.name in names]
    return args


def main(argv=None):
    args = parse_args(argv)
    preflight(args.skip_lighthouse)
    started = time.monotonic()
    shutil.rmtree(OUT, ignore_errors=True)
    for sub in ["html", "screenshots", "lighthouse"]:
        (OUT / sub).mkdir(parents=True, exist_ok=True)
    site = Site(free_port(args.port))
    try:
        log(f"Building the site in {site.tmp} …")
        site.build()
        site.start()
        log(f"Serving on {site.base}; photo on /orte/{site.slugs['photo']}/")
        from playwright.sync_api import sync_playwright

        results = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            audit = BrowserAudit(site, browser)
            for page_type in args.pages:
                log(f"  {page_type.name:<16} {page_type.path.format(**site.slugs)}")
                results.append(audit.run(page_type))
            browser.close()
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
    write_reports(results, elapsed, args.skip_lighthouse)
    print(format_table(table_rows(results)))
    print(format_details(results), end="")
    if any(problem.startswith("server: ") for r in results for problem in r.problems):
        print(f"\nServer errors: see {site.log_path.relative_to(ROOT)} for the tracebacks.")
    failed = [r.page.name for r in results if r.failed]
    print(
        f"\n{len(results)} page types in {elapsed:.0f} s"
        + (" (Lighthouse skipped)" if args.skip_lighthouse else "")
        + f". Reports: {(OUT / 'report.html').relative_to(ROOT)}, report.json"
    )
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print("All quality gates passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
