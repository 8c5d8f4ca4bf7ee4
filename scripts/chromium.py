"""One Chromium set-up for the browser tests and the audit (and the flags Lighthouse passes).

Debian's binary, launched by Python Playwright (`playwright install` cannot download here). Without
the networking flags Chromium keeps trying to reach outside hosts.
"""

import os
import shutil
from pathlib import Path

EXECUTABLE = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
CONTEXT_OPTIONS = {"locale": "de-DE", "viewport": DESKTOP}
MISSING_HINT = (
    f"Chromium not found at {EXECUTABLE}: install it with 'apt-get install -y chromium' "
    "(or set CHROMIUM_PATH)"
)


def available():
    return bool(shutil.which(EXECUTABLE) or Path(EXECUTABLE).exists())


def launch(playwright):
    return playwright.chromium.launch(executable_path=EXECUTABLE, args=ARGS)


def new_context(browser, **options):
    """A German-speaking desktop context; keyword arguments override the defaults."""
    return browser.new_context(**{**CONTEXT_OPTIONS, **options})


def headless_flags():
    """The same flags for a Chromium another tool starts (Lighthouse's --chrome-flags)."""
    return " ".join(["--headless=new", *ARGS])
