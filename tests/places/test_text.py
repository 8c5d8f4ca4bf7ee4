"""Text helpers the suggestion intake and any import share: teaser derivation, free slugs."""

from django.test import TestCase

from places.models import Place
from places.text import derive_teaser
from tests.factories import make_place


class TeaserAndSlugTests(TestCase):
    def test_teaser_is_the_first_sentence(self):
        description = "Ein Hof im Grünen, der Gäste aufnimmt. Mit Tieren.\n\nZweiter Absatz."
        assert derive_teaser(description, fallback="x") == "Ein Hof im Grünen, der Gäste aufnimmt."

    def test_teaser_of_one_long_paragraph_is_cut_at_a_word(self):
        teaser = derive_teaser("Wort " * 200, fallback="x")
        assert len(teaser) <= 300
        assert teaser.endswith("…")

    def test_teaser_falls_back_to_the_name(self):
        assert derive_teaser("   ", fallback="Alte Schule") == "Alte Schule"

    def test_slug_of_symbols_only(self):
        assert Place.objects.unique_slug("!!!") == "ort"

    def test_slug_of_a_taken_name_gets_the_next_free_number(self):
        make_place(name="Alte Schule", slug="alte-schule")
        make_place(name="Alte Schule 2", slug="alte-schule-2")
        assert Place.objects.unique_slug("Alte Schule") == "alte-schule-3"
        assert Place.objects.unique_slug("Größenwahn") == "groessenwahn"
