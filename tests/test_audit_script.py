"""The modules of the audit package; `make audit` runs them all against a live server, and
tests/browser/test_audit_checks.py runs the in-browser checks in Chromium."""

import json
import socket
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings

from places.models import PlaceImage
from scripts.audit import budgets, cli, fixtures, lighthouse, report, vnu
from scripts.audit.config import FONT_BUDGET, LIGHTHOUSE_BUDGETS, TILE_PATH, WEIGHT_BUDGET
from scripts.audit.pages import PAGES, PageType
from scripts.audit.results import Result
from scripts.audit.site import free_port, parse_ports, parse_server_log
from tests.factories import make_place

LIST = PageType("list", "/orte/", "Liste", weight=True)


# --- Page list and command line -----------------------------------------------------------------


def test_only_picks_known_page_types_in_page_list_order():
    args = cli.parse_args(["--only", "404,home", "--only", "list", "--skip-lighthouse"])
    assert [page.name for page in args.pages] == ["home", "list", "404"]
    assert args.skip_lighthouse
    with pytest.raises(SystemExit):
        cli.parse_args(["--only", "gibtesnicht"])


def test_every_page_type_of_the_list_is_audited_by_default():
    assert cli.parse_args([]).pages == PAGES
    names = [page.name for page in PAGES]
    assert len(names) == len(set(names))


def test_page_list_keeps_the_gates_on_the_key_pages():
    lighthouse_pages = {page.name for page in PAGES if page.lighthouse}
    assert {"home", "list", "detail-photo"} <= lighthouse_pages
    assert "list" in {page.name for page in PAGES if page.weight}
    slugs = {"photo": "mit-foto", "plain": "ohne-foto"}
    assert all(page.path.format(**slugs).startswith("/") for page in PAGES)


def test_ports_come_from_the_flag_or_the_environment(monkeypatch):
    assert cli.parse_args(["--ports", "8110-8119"]).ports == range(8110, 8120)
    assert cli.parse_args(["--port", "8111"]).ports == range(8111, 8112)
    monkeypatch.setenv("AUDIT_PORTS", "8113-8114")
    assert cli.parse_args([]).ports == range(8113, 8115)
    for bad in ["acht", "8119-8110", "0", "70000"]:
        with pytest.raises(ValueError):
            parse_ports(bad)
    with pytest.raises(SystemExit):
        cli.parse_args(["--ports", "8119-8110"])


def test_a_port_with_a_listener_is_taken():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(SystemExit, match=f"No free port in {port}-{port}"):
            free_port(range(port, port + 1))
    assert free_port(range(port, port + 1)) == port


# --- Results ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "finding",
    [
        {"missing": True},
        {"problems": ["x"]},
        {"axe": [{"rule": "x"}]},
        {"vnu": [{"message": "x"}]},
        {"console": [{"text": "x"}]},
        {"outside": [{"url": "https://example.org/"}]},
        {"headers_missing": ["x-frame-options"]},
        {"reflow": [{"width": 320, "document_width": 333}]},
        {"lighthouse_failures": ["seo 90 < 100"]},
        {"weight": {"bytes": 200_000, "over": True}},
        {"fonts": {"bytes": 70_000, "over": True}},
    ],
)
def test_every_kind_of_finding_fails_the_result(finding):
    assert not Result(LIST, status=200).failed
    assert Result(LIST, status=200, **finding).failed


def test_a_planned_page_fails_only_once_it_exists():
    planned = PageType("karte", "/karte/", planned=True)
    assert Result(planned, status=404, missing=True).planned
    assert not Result(planned, status=404, missing=True).failed
    assert Result(planned, status=200, reflow=[{"width": 320}]).failed
    assert Result(planned, status=404, missing=True, problems=["no map"]).failed
    assert Result(PageType("home", "/"), status=404, missing=True).failed


def test_result_as_dict_is_json():
    result = Result(LIST, url="http://127.0.0.1/orte/", status=200, outside=[{"url": "x"}])
    data = json.loads(json.dumps(result.as_dict()))
    assert data["page"] == "list"
    assert data["outside_requests"] == [{"url": "x"}]
    assert data["failed"] is True
    assert data["planned"] is False


# --- Budgets, Lighthouse, Nu checker ------------------------------------------------------------


class FakeRequest:
    def __init__(self, resource_type, url, body, headers=100):
        self.resource_type, self.url = resource_type, url
        self._sizes = {"responseBodySize": body, "responseHeadersSize": headers}

    def sizes(self):
        if self._sizes["responseBodySize"] is None:
            raise RuntimeError("aborted")
        return self._sizes


def test_page_weight_leaves_out_photos_fonts_and_tiles_and_fonts_have_their_own_budget():
    requests = [
        FakeRequest("document", "http://h/orte/", 20_000),
        FakeRequest("stylesheet", "http://h/static/site.css", 10_000),
        FakeRequest("script", "http://h/static/map.js", 5_000),
        FakeRequest("image", "http://h/media/foto.webp", 400_000),
        FakeRequest("image", f"http://h{TILE_PATH}?1/2/3", 1_000),
        FakeRequest("font", "http://h/static/vendor/font.woff2", 30_000),
        FakeRequest("font", "http://h/static/vendor/font-bold.woff2", 31_000),
        FakeRequest("script", "http://h/aborted.js", None),
    ]
    items = list(budgets.playwright_items(requests))
    weight = budgets.measure(items, {"document", "stylesheet", "script"}, WEIGHT_BUDGET, "pw")
    assert weight == {
        "source": "pw",
        "bytes": 35_300,
        "by_type": {"document": 20_100, "stylesheet": 10_100, "script": 5_100},
        "over": False,
    }
    fonts = budgets.measure(items, {"font"}, FONT_BUDGET, "pw")
    assert (fonts["bytes"], fonts["over"]) == (61_200, False)  # 59.8 KB
    # A second page load in the same visit (a form sent) fetches the same files again, with
    # the cache off under request routing: they count once, a second document counts.
    again = [
        ("document", "http://h/orte/", 20_100),
        ("font", "http://h/static/vendor/font.woff2", 30_100),
        ("font", "http://h/static/vendor/font-bold.woff2", 31_100),
    ]
    assert budgets.measure(items + again, {"font"}, FONT_BUDGET, "pw")["bytes"] == 61_200
    assert budgets.measure(items + again, {"document"}, WEIGHT_BUDGET, "pw")["bytes"] == 40_200
    items.append(("font", "http://h/static/vendor/font-italic.woff2", 300))
    assert budgets.measure(items, {"font"}, FONT_BUDGET, "pw")["over"]  # 60.1 KB


def lighthouse_data(scores, weak_audit_score=1):
    """A Lighthouse report cut down to what the audit reads."""
    return {
        "categories": {
            key: {
                "score": value / 100,
                "auditRefs": [{"id": "largest-contentful-paint", "weight": 25}],
            }
            for key, value in scores.items()
        },
        "audits": {
            "largest-contentful-paint": {
                "score": weak_audit_score,
                "title": "Largest Contentful Paint",
                "displayValue": "3.1 s",
            },
            "network-requests": {
                "details": {
                    "items": [
                        {"resourceType": "Document", "url": "http://h/", "transferSize": 9_000},
                        {"resourceType": "Font", "url": "http://h/f.woff2", "transferSize": 20_000},
                    ]
                }
            },
        },
    }


def test_lighthouse_scores_meet_the_budgets_or_name_what_lost_points():
    perfect = lighthouse_data(dict.fromkeys(LIGHTHOUSE_BUDGETS, 100))
    assert lighthouse.score(perfect) == (dict.fromkeys(LIGHTHOUSE_BUDGETS, 100), [])
    at_budget = lighthouse_data({**dict.fromkeys(LIGHTHOUSE_BUDGETS, 100), "performance": 95})
    assert lighthouse.score(at_budget)[1] == []
    slow = lighthouse_data(
        {**dict.fromkeys(LIGHTHOUSE_BUDGETS, 100), "performance": 94}, weak_audit_score=0.4
    )
    scores, failures = lighthouse.score(slow)
    assert scores["performance"] == 94
    assert failures == [
        "performance 94 < 95: largest-contentful-paint: Largest Contentful Paint (3.1 s)"
    ]
    weight = budgets.measure(
        budgets.lighthouse_items(slow), {"document"}, WEIGHT_BUDGET, "lighthouse"
    )
    assert weight["bytes"] == 9_000


def test_vnu_messages_are_filed_under_their_page(tmp_path):
    home, imprint = Result(PageType("home", "/")), Result(PageType("impressum", "/impressum/"))
    files = {str(tmp_path / "home.html"): home, str(tmp_path / "impressum.html"): imprint}
    vnu.file_messages(
        [
            {
                "url": f"file:{tmp_path / 'impressum.html'}",
                "lastLine": 12,
                "firstColumn": 3,
                "message": "Stray end tag “div”.",
                "extract": "  </div>  ",
            },
            {"url": "file:/elsewhere.html", "message": "not ours"},
        ],
        files,
    )
    assert home.vnu == []
    assert imprint.vnu == [
        {"line": 12, "column": 3, "message": "Stray end tag “div”.", "extract": "</div>"}
    ]


# --- Report -------------------------------------------------------------------------------------


def test_table_and_details_show_every_finding():
    home = PageType("home", "/", "Startseite", lighthouse=True)
    results = [
        Result(home, status=200, lighthouse=dict.fromkeys(LIGHTHOUSE_BUDGETS, 100)),
        Result(PageType("detail", "/orte/x/"), status=404, missing=True),
        Result(PageType("karte", "/karte/", planned=True), status=404, missing=True),
        Result(
            PageType("impressum", "/impressum/"),
            status=200,
            reflow=[
                {
                    "width": 320,
                    "document_width": 338,
                    "widest": {
                        "selector": "#main > div.prose > h2:nth-of-type(5)",
                        "right": 338,
                        "width": 288,
                        "cause": "text",
                        "text": "Umsatzsteuer-Identifikationsnummer",
                    },
                }
            ],
            fonts={"source": "playwright", "bytes": 70_000, "by_type": {"font": 70_000}},
        ),
    ]
    results[-1].fonts["over"] = True
    table = report.format_table(report.table_rows(results))
    assert "100/100/100/100" in table
    rows = {line.split(" | ")[0].strip(): line for line in table.splitlines()[2:]}
    assert "MISSING" in rows["detail"] and "FAIL" in rows["detail"]
    assert "planned" in rows["karte"] and "FAIL" not in rows["karte"]
    assert " 320 " in rows["impressum"] and "68.4 KB" in rows["impressum"]
    details = report.format_details(results)
    assert "MISSING" in details
    assert "karte" not in details
    assert (
        "at 320 px the document is 338 px wide; widest: #main > div.prose > h2:nth-of-type(5) "
        "(its text reaches 338 px) 'Umsatzsteuer-Identifikationsnummer'"
    ) in details
    assert "fonts     68.4 KB > 60 KB (playwright)" in details


def test_reports_are_written_as_json_and_html(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "OUT", tmp_path)
    results = [Result(LIST, status=200, reflow=[{"width": 640, "document_width": 757}])]
    report.write_reports(results, 12.3, skipped_lighthouse=True)
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["passed"] is False
    assert data["axe_tags"] == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    assert data["reflow_widths"] == [320, 390, 640, 1024, 1280]
    assert data["budgets"]["font_bytes"] == 60 * 1024
    assert data["pages"][0]["reflow"][0]["document_width"] == 757
    assert "FAILED" in (tmp_path / "report.html").read_text()


def test_server_errors_are_read_from_the_log():
    log = (
        "Internal Server Error: /kontakt/\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "ValueError: Missing staticfiles manifest entry for 'css/forms.css'\n"
        '127.0.0.1 - - "GET / HTTP/1.1" 200\n'
        "Forbidden (CSRF cookie not set.): /mitmachen/\n"
    )
    assert parse_server_log(log) == {
        "/kontakt/": ["ValueError: Missing staticfiles manifest entry for 'css/forms.css'"],
        "/mitmachen/": ["Forbidden (CSRF cookie not set.)"],
    }


# --- The throwaway site's own modules -----------------------------------------------------------


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="scripts.audit.urls")
def test_audit_urls_render_the_real_error_pages_and_keep_the_site():
    client = Client(raise_request_exception=False)
    assert client.get("/audit-fehler/400/").status_code == 400
    forbidden = client.get("/audit-fehler/403/")
    assert forbidden.status_code == 403
    assert "403.html" in [t.name for t in forbidden.templates]
    broken = client.get("/audit-fehler/500/")
    assert broken.status_code == 500
    assert "Technischer Fehler" in broken.content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/audit-fehler/csrf/").status_code == 200
    refused = strict.post("/audit-fehler/csrf/")
    assert refused.status_code == 403
    assert "403_csrf.html" in [t.name for t in refused.templates]
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_fixtures_give_the_first_published_entry_a_photo():
    make_place(name="Zollhaus")
    first = make_place(name="Alte Brennerei")
    make_place(name="Entwurf", status="draft")
    second = make_place(name="Bahnhof Bismark")
    assert fixtures.add_photo() == {"photo": first.slug, "plain": second.slug}
    image = PlaceImage.objects.get()
    assert image.place == first
    assert (image.width, image.height) == (1600, 1067)
    assert image.alt_text == fixtures.ALT_TEXT
    assert image.renditions


def test_preflight_names_what_is_missing(monkeypatch):
    monkeypatch.setattr(cli.chromium, "available", lambda: False)
    monkeypatch.setattr(cli, "VNU_JAR", SimpleNamespace(exists=lambda: False))
    with pytest.raises(SystemExit) as exit_info:
        cli.preflight(skip_lighthouse=True)
    message = str(exit_info.value)
    assert "Chromium not found" in message
    assert "npm ci" in message
