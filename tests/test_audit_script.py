"""The pure parts of scripts/audit.py; `make audit` runs the real thing against a live server."""

import pytest

from scripts import audit


def test_only_accepts_known_page_types():
    args = audit.parse_args(["--only", "home,list", "--only", "404", "--skip-lighthouse"])
    assert [page.name for page in args.pages] == ["home", "list", "404"]
    assert args.skip_lighthouse
    with pytest.raises(SystemExit):
        audit.parse_args(["--only", "gibtesnicht"])


def test_every_page_type_is_audited_by_default():
    names = [page.name for page in audit.parse_args([]).pages]
    assert len(names) == len(set(names)) == 20
    assert {page.name for page in audit.PAGES if page.lighthouse} == {
        "home",
        "list",
        "detail-photo",
    }


def test_missing_page_and_findings_fail_the_result():
    page = audit.PageType("list", "/orte/")
    assert not audit.Result(page, status=200).failed
    assert audit.Result(page, status=404, missing=True).failed
    assert audit.Result(page, status=200, vnu=[{"message": "x"}]).failed
    assert audit.Result(page, status=200, weight={"bytes": 200_000, "over": True}).failed


def test_table_shows_missing_pages_and_scores():
    results = [
        audit.Result(
            audit.PAGES[0], status=200, lighthouse=dict.fromkeys(audit.LIGHTHOUSE_BUDGETS, 100)
        ),
        audit.Result(audit.PAGES[1], status=404, missing=True),
    ]
    table = audit.format_table(audit.table_rows(results))
    assert "100/100/100/100" in table
    assert "MISSING" in table
    assert "MISSING" in audit.format_details(results)


def test_server_errors_are_read_from_the_log(tmp_path):
    site = audit.Site.__new__(audit.Site)
    site.log_path = tmp_path / "server.log"
    site.log_path.write_text(
        "Internal Server Error: /kontakt/\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "ValueError: Missing staticfiles manifest entry for 'css/forms.css'\n"
        '127.0.0.1 - - "GET / HTTP/1.1" 200\n'
        "Forbidden (CSRF cookie not set.): /mitmachen/\n"
    )
    assert site.server_errors() == {
        "/kontakt/": ["ValueError: Missing staticfiles manifest entry for 'css/forms.css'"],
        "/mitmachen/": ["Forbidden (CSRF cookie not set.)"],
    }
