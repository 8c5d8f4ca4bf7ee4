"""The page types the audit visits: the one list. A new page type is one line here.

Every page type gets every browser gate (axe, Nu checker, console, outside requests, headers,
reflow, font budget, screenshots at 390 and 1280 px); `lighthouse` and `weight` add those gates.
`{photo}` and `{plain}` in a path are the slugs of a published entry with and without a photo.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageType:
    name: str
    path: str
    description: str = ""
    lighthouse: bool = False
    weight: bool = False
    expect_status: int = 200
    # What to do after loading: "map" (consent, then the map must render), "submit-empty",
    # "no-token" (post its form without the CSRF token), "feedback" (a feedback contact must be
    # on the page).
    action: str = ""
    # Further paths to try when the action's control is not on this page.
    fallback: tuple[str, ...] = ()
    # A page type an open issue adds: while it answers 404 it is listed as planned, not failed;
    # once it exists it is audited like any other.
    planned: bool = False


PAGES = [
    PageType("home", "/", "Startseite", lighthouse=True),
    PageType("list", "/orte/", "Liste", lighthouse=True, weight=True),
    PageType("list-filtered", "/orte/?kategorie=wohnen-bauen&art=ort", "Liste mit Filtern"),
    PageType("list-empty", "/orte/?q=gibtesnicht", "leere Trefferliste"),
    PageType("detail-photo", "/orte/{photo}/", "Detail mit Foto", lighthouse=True),
    PageType("detail", "/orte/{plain}/", "Detail ohne Foto"),
    PageType("map", "/orte/", "Karte geöffnet", action="map", fallback=("/",)),
    PageType("karte", "/karte/", "Kartenseite", lighthouse=True, action="map"),
    PageType("near", "/orte/?nahe=Stendal&umkreis=25", "Liste nahe einem Ort"),
    PageType("ideas", "/ideen/", "Ideen finden"),
    PageType("ideas-chosen", "/ideen/?vornutzung=hof", "Ideen: ein Gebäudetyp"),
    PageType("compare", "/vergleichen/?orte=coconat,kodorf-wiesenburg,{plain}", "Vergleich"),
    PageType("contact", "/kontakt/", "Kontaktformular"),
    PageType("contact-errors", "/kontakt/", "mit Fehlern", action="submit-empty"),
    PageType("thanks", "/kontakt/danke/", "Danke-Seite"),
    PageType("suggest", "/mitmachen/ort-vorschlagen/", "Ort vorschlagen"),
    PageType("ueber", "/ueber/", "Über das Portal"),
    PageType("impressum", "/impressum/", "Impressum"),
    PageType("datenschutz", "/datenschutz/", "Datenschutz"),
    PageType("barrierefreiheit", "/barrierefreiheit/", "Erklärung BF", action="feedback"),
    PageType("404", "/gibt-es-nicht/", "Fehlerseite 404", expect_status=404),
    # Error pages from views that exist only in the audit's URLconf (scripts/audit/urls.py).
    PageType("400", "/audit-fehler/400/", "Fehlerseite 400", expect_status=400),
    PageType("403", "/audit-fehler/403/", "Fehlerseite 403", expect_status=403),
    PageType("403-csrf", "/audit-fehler/csrf/", "CSRF", expect_status=403, action="no-token"),
    PageType("500", "/audit-fehler/500/", "Fehlerseite 500", expect_status=500),
]
