"""The audit's in-browser checks (reflow, axe with WCAG 2.2) in Chromium, on pages made for them."""

from scripts.audit.browser import axe_violations, check_reflow

STYLE = "<style>body { margin: 0; font: 16px/1.4 sans-serif } * { box-sizing: border-box }</style>"
TOPICS = (
    STYLE
    + """<main id="main"><ul class="topics" style="display: grid; gap: 16px; padding: 0;
    grid-template-columns: repeat(3, 250px); list-style: none; margin: 0 16px">
    <li>Wohnen</li><li>Arbeiten</li><li class="topic">Leben</li></ul></main>"""
)


def test_reflow_names_the_width_and_the_box_that_sticks_out(page):
    page.set_content(TOPICS)
    findings = check_reflow(page, widths=(320, 640, 1280))
    assert [(f["width"], f["document_width"]) for f in findings] == [(320, 798), (640, 798)]
    widest = findings[1]["widest"]
    assert widest["selector"] == "#main > ul.topics > li.topic:nth-of-type(3)"
    assert (widest["cause"], widest["right"]) == ("box", 798)


def test_reflow_names_a_word_too_long_for_the_screen(page):
    page.set_content(
        STYLE + '<div class="prose" style="padding: 0 16px"><h2>Kontakt</h2>'
        '<h2 style="font-size: 32px">Umsatzsteuer-Identifikationsnummer</h2></div>'
    )
    [finding] = check_reflow(page, widths=(320, 1024))
    assert finding["width"] == 320
    assert finding["document_width"] > 320
    assert finding["widest"]["selector"] == "div.prose > h2:nth-of-type(2)"
    assert finding["widest"]["cause"] == "text"
    assert finding["widest"]["text"] == "Umsatzsteuer-Identifikationsnummer"


def test_reflow_accepts_wide_content_in_a_scrolling_box_and_fixed_layers(page):
    page.set_content(
        STYLE + '<div style="overflow-x: auto"><table style="width: 900px"><tr><td>Tabelle'
        '</td></tr></table></div><div style="position: fixed; left: 0; width: 700px">Hinweis'
        "</div><p>Ein Satz, der umbricht, wie es sich gehört.</p>"
    )
    assert check_reflow(page, widths=(320, 390)) == []


def test_axe_runs_the_wcag_22_rules_too(page):
    """target-size (WCAG 2.2, 2.5.8) is tagged wcag22aa only: it runs because that tag is on."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_content(
        '<html lang="de"><title>Ziele</title><main><h1>Ziele</h1><p>'
        '<button style="width: 12px; height: 12px; padding: 0">1</button>'
        '<button style="width: 12px; height: 12px; padding: 0">2</button></p></main></html>'
    )
    found = axe_violations(Axe(), page, "desktop", set())
    assert {violation["rule"] for violation in found} == {"target-size"}
