"""Search cases; the same tests run on SQLite and PostgreSQL (DATABASE_URL chooses)."""

from django.db import connection
from django.test import TestCase

from places.models import Place
from places.search import fold, search_places, search_terms
from tests.factories import make_feature, make_place


def names(queryset):
    return sorted(place.name for place in queryset)


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coworking = make_feature(name="Coworking", slug="coworking")
        cls.overnight = make_feature(name="Übernachtung", slug="uebernachtung")
        cls.kalbe = make_place(
            name="Künstlerstadt Kalbe",
            teaser="Kunst in einer kleinen Stadt der Altmark.",
            description="Stipendien, Sommercampus und eine Galerie.",
            locality="Kalbe (Milde)",
        )
        cls.school = make_place(
            name="Alte Schule Jeber-Bergfrieden",
            teaser="Eine Seifenmanufaktur im Grünen.",
            description="Ein Backsteinbau mit Turmuhr.",
            locality="Coswig (Anhalt)",
            locality_part="Jeber-Bergfrieden",
            features=[cls.coworking],
        )
        cls.farm = make_place(
            name="Elbehof Wahrenberg",
            teaser="Seminare am Fluss.",
            description="Ruhige Zimmer, große Wiese.",
            locality="Aland",
            former_use="ehemaliger Fährgasthof",
            features=[cls.overnight],
        )
        cls.queryset = Place.objects.published()

    def search(self, query):
        return names(search_places(self.queryset, query))

    def test_umlaut_spellings_find_the_same_entry(self):
        for query in ["Künstler", "kuenstler", "KÜNSTLER", "Kuenstlerstadt", "künstlerstadt kalbe"]:
            with self.subTest(query=query):
                assert self.search(query) == ["Künstlerstadt Kalbe"]

    def test_word_in_name_is_found_case_insensitively(self):
        assert self.search("schule") == ["Alte Schule Jeber-Bergfrieden"]
        assert self.search("SCHULE") == ["Alte Schule Jeber-Bergfrieden"]

    def test_searches_every_text_field_and_feature_names(self):
        cases = {
            "Altmark": ["Künstlerstadt Kalbe"],  # teaser
            "Galerie": ["Künstlerstadt Kalbe"],  # description
            "Coswig": ["Alte Schule Jeber-Bergfrieden"],  # locality
            "Bergfrieden": ["Alte Schule Jeber-Bergfrieden"],  # name and Ortsteil
            "Fährgasthof": ["Elbehof Wahrenberg"],  # former use
            "faehrgasthof": ["Elbehof Wahrenberg"],
            "Coworking": ["Alte Schule Jeber-Bergfrieden"],  # feature name only
            "uebernachtung": ["Elbehof Wahrenberg"],  # feature name, ASCII spelling
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                assert self.search(query) == expected

    def test_every_word_must_match(self):
        assert self.search("Kalbe Galerie") == ["Künstlerstadt Kalbe"]
        assert self.search("Kalbe Seifenmanufaktur") == []

    def test_a_word_may_match_text_and_another_a_feature(self):
        assert self.search("Seifenmanufaktur Coworking") == ["Alte Schule Jeber-Bergfrieden"]

    def test_unknown_word_finds_nothing(self):
        assert self.search("Leuchtturm") == []

    def test_query_without_words_finds_nothing(self):
        assert self.search("!!! ??? ---") == []

    def test_search_syntax_of_either_engine_is_plain_text(self):
        for query in ["kalbe & | ! :* ( )", "kalbe')--", "kalbe%", "kal_be", "<script>kalbe"]:
            with self.subTest(query=query):
                result = self.search(query)
                assert result in ([], ["Künstlerstadt Kalbe"])

    def test_name_matches_rank_first(self):
        also_mentions = make_place(
            name="Werkhof Nord", teaser="Gleich neben der alten Schule.", description=""
        )
        ranked = list(search_places(self.queryset, "schule").order_by("-search_rank", "name"))
        assert ranked[0] == self.school
        assert also_mentions in ranked

    def test_only_the_given_queryset_is_searched(self):
        draft = make_place(name="Künstlerhaus Entwurf", status=Place.Status.DRAFT)
        assert draft not in search_places(Place.objects.published(), "künstler")


class SearchTermTests(TestCase):
    def test_terms_are_words_only_lowercased_and_deduplicated(self):
        assert search_terms("Alte  Schule, alte SCHULE!") == ["alte", "schule"]

    def test_terms_are_limited_in_number_and_length(self):
        assert len(search_terms(" ".join(f"wort{i}" for i in range(50)))) == 8
        assert search_terms("x" * 500) == ["x" * 40]

    def test_decomposed_umlaut_stays_one_word(self):
        assert search_terms("Ku\u0308nstler") == ["künstler"]

    def test_fold(self):
        assert fold("Künstlerstraße ÄÖÜ") == "kuenstlerstrasse aeoeue"


class PostgresIndexTests(TestCase):
    """The GIN index of migration 0002 exists and serves the search expression."""

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")

    def test_search_index_exists(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'place_search_idx'",
            )
            (definition,) = cursor.fetchone()
        assert "USING gin" in definition

    def test_search_uses_the_index(self):
        queryset = search_places(Place.objects.all(), "schule")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        assert "place_search_idx" in plan
