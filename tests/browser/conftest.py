"""Real-browser tests: Python Playwright drives Debian's Chromium against the live server.

Locally, without /usr/bin/chromium, these tests skip with a hint. In CI (CI=true) a missing
browser is a failure, never a silent skip.
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail

from scripts import chromium
from tests.factories import make_category, make_place

# Playwright's sync API runs an event loop in this thread; ORM calls in the test body are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not chromium.available():
        message = f"{chromium.MISSING_HINT} to run the browser tests."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = chromium.new_context(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def forms_settings(settings):
    """For tests that send the public forms: people in tests type faster than people do."""
    settings.KREATIVORTE_FORM_MIN_SECONDS = 0
    settings.KREATIVORTE_EDITOR_EMAILS = ["redaktion@example.org"]
    mail.outbox = []
    return settings


@pytest.fixture
def directory():
    """Three published entries in two categories; one has no coordinates."""
    living = make_category(name="Wohnen/Bauen", slug="wohnen-bauen", order=1)
    work = make_category(name="Arbeiten/Wirtschaft", slug="arbeiten-wirtschaft", order=2)
    return {
        "living": make_place(
            name="Baugruppe am Anger",
            categories=[living],
            latitude=Decimal("52.633"),
            longitude=Decimal("11.429"),
        ),
        "work": make_place(
            name="Werkstatt im Sägewerk",
            categories=[work],
            latitude=Decimal("52.099"),
            longitude=Decimal("12.461"),
        ),
        "unmapped": make_place(
            name="Dorfladen ohne Karte", categories=[work], latitude=None, longitude=None
        ),
    }


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
