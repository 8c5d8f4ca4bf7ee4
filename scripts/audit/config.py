"""Where the audit reads and writes, and every threshold a page must meet."""

import sys
from pathlib import Path

from scripts import chromium

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-results" / "audit"
VENV_BIN = Path(sys.executable).parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"

# gunicorn takes the first free port of this range (--ports or AUDIT_PORTS change it).
DEFAULT_PORTS = "8790-8799"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# axe-core rules by tag: WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REQUIRED_HEADERS = [
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
]
LIGHTHOUSE_BUDGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# Transferred (compressed) bytes. Page weight: HTML, CSS and JS of a `weight` page type, without
# photos and fonts. Fonts have a budget of their own, on every page.
WEIGHT_BUDGET = 100 * 1024
WEIGHT_TYPES = {"document", "stylesheet", "script"}
FONT_BUDGET = 60 * 1024
FONT_TYPES = {"font"}

# axe runs and screenshots are taken at these viewports (screenshots/<page>-<width>.png).
VIEWPORTS = {"desktop": chromium.DESKTOP, "mobile": chromium.MOBILE}
# WCAG 1.4.10 Reflow: at each width the document must be no wider than the viewport.
REFLOW_WIDTHS = (320, 390, 640, 1024, 1280)
REFLOW_HEIGHT = 900

TILE_PATH = "/media/audit/tile.png"
MAP_BUTTON = "Karte anzeigen"
FIELD_ERRORS = "main [aria-invalid=true], main .errorlist, main [role=alert]"
