"""Smoke test of the production chain: nginx -> gunicorn -> Django on PostgreSQL and Redis,
with the task worker, DEBUG off, from a virtual environment with runtime dependencies only.

Run with `make smoke` (CI runs it after the suites). The tests run in file order on one chain;
the last one stops gunicorn to see nginx's own error page.
"""

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from scripts.chain import nginx

from .client import Client, post_form_defaults
from .conftest import EDITORS, PORT

SEED_PLACE = "kuenstlerstadt-kalbe"
PAGES = {
    "home": "/",
    "list": "/orte/",
    "filtered list": "/orte/?kategorie=arbeiten-wirtschaft&art=ort",
    "search": "/orte/?q=schule",
    "detail": f"/orte/{SEED_PLACE}/",
    "geojson": "/orte.geojson",
    "csv": "/orte.csv",
    "contact": "/kontakt/",
    "contact about an entry": f"/orte/{SEED_PLACE}/kontakt/",
    "suggest": "/mitmachen/ort-vorschlagen/",
    "about": "/ueber/",
    "imprint": "/impressum/",
    "privacy": "/datenschutz/",
    "accessibility": "/barrierefreiheit/",
    "admin login": "/admin/login/",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    # Geolocation for this site only ("Mein Standort", after a click); camera and the rest off.
    "Permissions-Policy": "camera=(), geolocation=(self)",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
}
FORM_MIN_SECONDS = 3.2  # KREATIVORTE_FORM_MIN_SECONDS, the production default, plus a margin


@pytest.fixture(scope="module")
def client(chain):
    return Client(PORT)


@pytest.fixture(scope="module")
def shown_forms(client):
    """Both forms fetched at the start, so that the minimum fill time has passed when they are
    sent and the tests need not wait for it."""
    shown = {}
    for name, path in (("contact", "/kontakt/"), ("suggest", "/mitmachen/ort-vorschlagen/")):
        response = client.get(path)
        assert response.status == 200
        shown[name] = (time.monotonic(), post_form_defaults(response.text))
    return shown


def wait_for_fill_time(shown_at):
    time.sleep(max(0, shown_at + FORM_MIN_SECONDS - time.monotonic()))


def gunicorn_requests(chain, method, path):
    return len(re.findall(rf'"{method} {re.escape(path)}"', chain.log("gunicorn")))


def photo(size=(1400, 1000), noise=True):
    """A JPEG; with noise it stays large (about 1-2 MB), above the 1 MB limit of plain pages."""
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (40, 110, 60))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def test_runtime_environment_has_no_development_tools(chain, shown_forms):
    listing = "import importlib.metadata as m; print(*(d.name for d in m.distributions()))"
    installed = set(
        subprocess.run([chain.python, "-c", listing], capture_output=True, text=True, check=True)
        .stdout.lower()
        .replace("_", "-")
        .split()
    )
    assert {"django", "gunicorn", "django-tasks-db", "psycopg", "django-storages"} <= installed
    development = {"pytest", "pytest-django", "ruff", "playwright", "moto", "aiosmtpd", "uv"}
    assert not installed & development


@pytest.mark.parametrize("name", PAGES)
def test_every_page_type_answers_through_nginx(client, name):
    response = client.get(PAGES[name])
    assert response.status == 200, response.text[:500]
    assert response.header("Server") == "nginx"  # no version, no gunicorn
    assert not response.header("X-Powered-By")


def test_unknown_page_is_the_german_404(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status == 404
    assert "Seite nicht gefunden" in response.text


def test_every_security_header_on_pages(client):
    for path in ("/", f"/orte/{SEED_PLACE}/", "/kontakt/"):
        response = client.get(path)
        for header, expected in SECURITY_HEADERS.items():
            assert expected in response.header(header), (path, header)


def test_plain_http_is_redirected_to_https(chain):
    response = Client(PORT, forwarded_proto="").get("/orte/")
    assert response.status == 301
    assert response.header("Location") == f"https://127.0.0.1:{PORT}/orte/"


def test_readiness_through_nginx_covers_database_cache_and_task_queue(client):
    response = client.get("/readyz")
    assert response.status == 200
    assert json.loads(response.body)["checks"] == {"database": "ok", "cache": "ok", "tasks": "ok"}


def test_deploy_check_is_clean(chain):
    result = subprocess.run(
        [chain.python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).resolve().parents[2],
        env=chain.env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_are_compressed(client):
    response = client.get("/orte/", headers={"Accept-Encoding": "gzip"})
    assert response.header("Content-Encoding") == "gzip"
    if nginx.brotli_modules():
        response = client.get("/orte/", headers={"Accept-Encoding": "br, gzip"})
        assert response.header("Content-Encoding") == "br"


def test_static_files_come_from_nginx_with_long_cache(client, chain):
    home = client.get("/").text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1)
    before = gunicorn_requests(chain, "GET", stylesheet)
    response = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.header("Content-Type").startswith("text/css")
    assert response.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.header("Content-Encoding") == "gzip"  # WhiteNoise's .gz, as it is
    assert response.header("X-Content-Type-Options") == "nosniff"
    if nginx.BROTLI_MODULES["static"] in nginx.brotli_modules():
        brotli = client.get(stylesheet, headers={"Accept-Encoding": "br, gzip"})
        assert brotli.header("Content-Encoding") == "br"  # WhiteNoise's .br
    assert gunicorn_requests(chain, "GET", stylesheet) == before
    unhashed = client.get("/static/css/site.css")
    assert unhashed.header("Cache-Control") == "public, max-age=3600"


def test_contact_form_mail_is_delivered_by_the_worker(client, chain, shown_forms):
    shown_at, form = shown_forms["contact"]
    wait_for_fill_time(shown_at)
    fields = {
        **form["fields"],
        "name": "Smoke Testerin",
        "email": "smoke@example.org",
        "concern": form["choices"]["concern"][0],
        "message": "Eine Nachricht aus dem Smoke-Test der Produktionskette.",
        "consent": "on",
    }
    started = time.monotonic()
    response = client.post_form("/kontakt/", fields)
    posted = time.monotonic() - started
    assert response.status == 302, response.text[:2000]
    assert response.header("Location") == "/kontakt/danke/"
    delivered = chain.sink.wait_for(lambda subject: "Smoke Testerin" in subject)
    assert delivered, "no notification reached the SMTP sink within 30 s"
    recipients, subject, _message = delivered
    assert recipients == [EDITORS]
    assert subject.startswith("Neue Anfrage")
    assert "inquiries.tasks.deliver_notifications state=RUNNING" in chain.log("worker")
    print(f"\ncontact post through nginx: {posted * 1000:.0f} ms", file=sys.stderr)


def test_upload_through_the_suggest_form_is_stored_and_served_by_nginx(client, chain, shown_forms):
    shown_at, form = shown_forms["suggest"]
    wait_for_fill_time(shown_at)
    content = photo()
    assert len(content) > 1024 * 1024  # over the limit of other routes
    fields = {
        **form["fields"],
        "name": "Smoke-Mühle",
        "kind": form["choices"]["kind"][0],
        "stage": form["choices"]["stage"][0],
        "categories": form["choices"]["categories"][:1],
        "locality": "Testhausen",
        "district": form["choices"]["district"][0],
        "description": "Eine Mühle, die nur im Smoke-Test steht. Sie hat drei Mahlgänge.",
        "photo_1_alt": "Die Mühle von vorn",
        "photo_credit": "Foto: Smoke",
        "rights_confirmed": "on",
        "submitter_name": "Smoke Tester",
        "submitter_email": "smoke@example.org",
        "consent": "on",
    }
    response = client.post_form(
        "/mitmachen/ort-vorschlagen/",
        fields,
        files=[("photo_1", "muehle.jpg", "image/jpeg", content)],
    )
    assert response.status == 302, response.text[:3000]
    assert response.header("Location") == "/mitmachen/ort-vorschlagen/danke/"

    media = chain.media_root
    originals = [p for p in media.rglob("*.jpg") if "renditions" not in p.parts]
    assert len(originals) == 1
    served = client.get("/media/" + originals[0].relative_to(media).as_posix())
    assert served.status == 200
    assert served.header("Content-Type") == "image/jpeg"
    assert served.header("X-Content-Type-Options") == "nosniff"
    assert "sandbox" in served.header("Content-Security-Policy")
    assert served.body == originals[0].read_bytes()

    deadline = time.monotonic() + 30
    while not list(media.rglob("renditions/*-400w.webp")) and time.monotonic() < deadline:
        time.sleep(0.2)
    renditions = sorted(media.rglob("renditions/*.webp"))
    assert renditions, "the worker wrote no renditions within 30 s"
    rendition = client.get("/media/" + renditions[0].relative_to(media).as_posix())
    assert rendition.status == 200
    assert rendition.header("Content-Type") == "image/webp"
    assert chain.sink.wait_for(lambda subject: "Smoke-Mühle" in subject)


def test_media_serves_images_only(client, chain):
    media = chain.media_root
    (media / "places").mkdir(exist_ok=True)
    for name in ("evil.html", "places/evil.svg", "places/evil.js"):
        (media / name).write_text("<script>alert(1)</script>")
    for name in ("evil.html", "places/evil.svg", "places/evil.js", "../nginx/nginx.conf"):
        assert client.get(f"/media/{name}").status in (400, 404), name


def test_slow_clients_do_not_block_other_visitors(client, chain):
    """The issue's probe, with more slow clients than gunicorn has workers: each sends a POST
    announcing 100000 bytes, sends 10 and holds. nginx waits for them; gunicorn never sees them."""
    before = gunicorn_requests(chain, "POST", "/kontakt/")
    slow = []
    try:
        for _ in range(8):
            sock = socket.create_connection(("127.0.0.1", PORT), timeout=5)
            sock.sendall(
                b"POST /kontakt/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100000\r\n\r\nname=slow&"
            )
            slow.append(sock)
        time.sleep(1)
        started = time.monotonic()
        response = client.get("/")
        latency = time.monotonic() - started
        assert response.status == 200
        assert latency < 1, f"GET / took {latency:.2f} s during the slow-body probe"
        print(f"\nGET / during the slow-body probe: {latency * 1000:.0f} ms", file=sys.stderr)
    finally:
        for sock in slow:
            sock.close()
    assert gunicorn_requests(chain, "POST", "/kontakt/") == before


def oversized_post(path, size):
    """Announce ``size`` bytes, send the first megabyte, and read what comes back."""
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {size}\r\n\r\n".encode()
        )
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(b"x" * (1024 * 1024))
        received = b""
        while b"</html>" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    return received.decode("utf-8", errors="replace")


def test_oversized_upload_is_refused_by_nginx_with_a_german_page(chain):
    before = gunicorn_requests(chain, "POST", "/mitmachen/ort-vorschlagen/")
    answer = oversized_post("/mitmachen/ort-vorschlagen/", 50 * 1024 * 1024)
    assert answer.startswith("HTTP/1.1 413"), answer[:300]
    assert "Content-Type: text/html" in answer
    assert "Die Daten sind zu groß" in answer
    assert 'lang="de"' in answer
    # Plain pages take 1 MB at most.
    assert oversized_post("/kontakt/", 2 * 1024 * 1024).startswith("HTTP/1.1 413")
    assert gunicorn_requests(chain, "POST", "/mitmachen/ort-vorschlagen/") == before


def test_cache_is_the_shared_redis(chain):
    subprocess.run(
        [
            chain.python,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from django.core.cache import cache; cache.set('smoke', 'ok', 60)",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=chain.env,
        check=True,
    )
    assert chain.redis.get(":1:smoke") is not None


def test_nginx_answers_in_german_when_gunicorn_is_down(client, chain):
    next(process for process in chain.processes if process.name == "gunicorn").stop()
    response = client.get("/orte/")
    assert response.status == 502
    assert "Die Seite ist gerade nicht erreichbar" in response.text
    assert response.header("Content-Security-Policy").startswith("default-src 'none'")
