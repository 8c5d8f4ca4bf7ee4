"""Whatever arrives in the query string or path: 200 with a German message, 400 or 404.

Never a 500 (the test client re-raises server errors), never reflected markup.
"""

from urllib.parse import quote

from django.test import TestCase

from tests.factories import make_category, make_place

XSS = '<script>alert("x")</script>'
LONG_Q = "schule" * 834  # 5,004 characters
PARAMS = ["q", "kategorie", "art", "kreis", "merkmal", "stand", "sucht", "sortierung", "seite"]

# (path, query string, expected status, text the page must show or None)
CASES = [
    # Unknown, repeated and empty parameters
    ("/orte/", "foo=bar&utm_source=newsletter", 200, "2 Einträge"),
    ("/orte/", "kategorie=wohnen-bauen&kategorie=quatsch", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "merkmal=&merkmal=&kategorie=", 200, "2 Einträge"),
    ("/orte/", "q=&q=schule", 200, "1 Eintrag"),
    ("/orte/", "kategorie[]=wohnen-bauen", 200, "2 Einträge"),
    # Wrong types and unknown slugs
    ("/orte/", "art=1", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "stand=%F0%9F%8C%B1", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "kreis=landkreis-atlantis", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "merkmal=coworking&merkmal=gibts-nicht", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "sucht=niemand", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "sortierung=preis", 200, "Diese Auswahl gibt es nicht"),
    # Pages: anything but an existing page number is a 404
    ("/orte/", "seite=1", 200, "2 Einträge"),
    ("/orte/", "seite=0", 404, None),
    ("/orte/", "seite=-1", 404, None),
    ("/orte/", "seite=abc", 404, None),
    ("/orte/", "seite=1.5", 404, None),
    ("/orte/", "seite=999999", 404, None),
    ("/orte/", "seite=99999999999999999999999", 404, None),
    ("/orte/", "seite=2&kategorie=wohnen-bauen", 404, None),
    # Oversized and binary input
    ("/orte/", f"q={LONG_Q}", 200, "Bitte höchstens 200 Zeichen eingeben."),
    ("/orte/", "q=schule%00", 200, "Nullzeichen sind nicht erlaubt."),
    ("/orte/", "kategorie=wohnen%00bauen", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "merkmal=%00", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "kreis=%00&sucht=%00&stand=%00", 200, "Diese Auswahl gibt es nicht"),
    ("/orte/", "seite=%00", 404, None),
    ("/orte/", "q=%FF%FE", 200, None),
    ("/orte/", "q=%27%3B%20DROP%20TABLE%20places_place%3B--", 200, "Keine Einträge"),
    ("/orte/", "q=schule%20%26%20%7C%20!%20%3A*", 200, "1 Eintrag"),
    # Open data: invalid filters are a 400, unknown parameters are ignored
    ("/orte.geojson", "kategorie=quatsch", 400, "Ungültige Filterangaben"),
    ("/orte.geojson", "q=schule%00", 400, "Ungültige Filterangaben"),
    ("/orte.geojson", "seite=abc&foo=bar", 200, "FeatureCollection"),
    ("/orte.csv", f"q={LONG_Q}", 400, "Ungültige Filterangaben"),
    ("/orte.csv", "merkmal=%00", 400, "Ungültige Filterangaben"),
    # Paths
    ("/orte/gibt-es-nicht/", "", 404, None),
    ("/orte/%00/", "", 404, None),
    ("/orte/" + "a" * 300 + "/", "", 404, None),
    (f"/orte/{quote(XSS)}/", "", 404, None),
    ("/orte/alte-schule/", "q=%00&seite=-1", 200, "Alte Schule"),
    ("/", "q=%00&kategorie=x", 200, "Kreativorte im Grünen"),
]


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        category = make_category(name="Wohnen/Bauen", slug="wohnen-bauen")
        make_place(name="Alte Schule", slug="alte-schule", categories=[category])
        make_place(name="Neuer Hof", categories=[category])

    def test_table(self):
        for path, query, status, text in CASES:
            with self.subTest(path=path, query=query[:60]):
                response = self.client.get(f"{path}?{query}" if query else path)
                assert response.status_code == status
                if text:
                    assert text in response.getvalue().decode()

    def test_markup_in_every_parameter_is_never_reflected(self):
        for path in ["/orte/", "/orte.geojson", "/orte.csv", "/", "/orte/alte-schule/"]:
            for name in PARAMS:
                with self.subTest(path=path, parameter=name):
                    response = self.client.get(path, {name: XSS})
                    assert response.status_code in (200, 400, 404)
                    content = response.getvalue().decode()
                    assert "<script>alert" not in content
                    assert 'alert("x")' not in content or "&lt;script&gt;" in content

    def test_markup_in_all_parameters_at_once(self):
        response = self.client.get("/orte/", dict.fromkeys(PARAMS[:-1], XSS))
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()
        assert "Einige Angaben konnten wir nicht verwenden" in response.content.decode()
