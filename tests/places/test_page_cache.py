"""The page cache is never stale: every kind of editorial change shows on the next request.

Each test first proves the page is served from the cache (a write without a bump stays
invisible), then makes the change the way an editorial write path does: the write plus
``bump_generation()``. In this branch no admin hook or workflow transition calls it yet (the
editorial work adds them), so the tests call it as those paths will; ``seed_demo`` (an import)
calls it itself. The same tests run on SQLite and PostgreSQL.
"""

import subprocess
import sys
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from places.cache import bump_generation, generation
from places.models import Place
from tests.factories import make_category, make_feature, make_image, make_place

TWO_WORKERS = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
    "worker-b": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"},
    "local": settings.CACHES["local"],
}


class PageCacheTestCase(TestCase):
    page_cache_seconds = 600

    def setUp(self):
        # After the suite's autouse fixture that turns the caches off (tests/conftest.py): the
        # page cache over the fragment caches, as in production.
        self.enterContext(
            override_settings(
                KREATIVORTE_PAGE_CACHE_SECONDS=self.page_cache_seconds,
                KREATIVORTE_FRAGMENT_CACHE_SECONDS=600,
            )
        )
        cache.clear()
        self.category = make_category(name="Landleben")
        self.place = make_place(name="Alte Schule Wenddorf", categories=[self.category])
        self.list_url = reverse("places:place-list")
        self.detail_url = self.place.get_absolute_url()

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        assert response.status_code == 200
        return response.content.decode()


class FreshnessTests(PageCacheTestCase):
    # Whether a write without a bump leaves the page as it was (only where whole pages are
    # cached: with fragments alone, a page's rows are read afresh).
    whole_pages_cached = True

    def assert_stale_until_bumped(self, url, write, expected, absent=None, bump=bump_generation):
        before = self.get(url)
        if absent:
            assert absent in before
        write()
        if self.whole_pages_cached:
            assert self.get(url) == before, "the page was not served from the cache"
        bump()
        after = self.get(url)
        assert expected(after)
        if absent:
            assert absent not in after

    def test_publish(self):
        draft = make_place(name="Gutshaus Neuling", status=Place.Status.DRAFT)

        def publish():
            draft.status = Place.Status.PUBLISHED
            draft.published_at = timezone.now()
            draft.full_clean()
            draft.save()

        for url in (self.list_url, reverse("places:home")):
            with self.subTest(url=url):
                self.assert_stale_until_bumped(
                    url, publish, lambda page: "Gutshaus Neuling" in page
                )
        assert self.client.get(draft.get_absolute_url()).status_code == 200

    def test_unpublish_and_archive(self):
        for status in (Place.Status.DRAFT, Place.Status.ARCHIVED):
            with self.subTest(status=status):
                place = make_place(name=f"Hof {status}")
                bump_generation()

                def withdraw(place=place, status=status):
                    Place.objects.filter(pk=place.pk).update(status=status)

                self.assert_stale_until_bumped(
                    self.list_url, withdraw, lambda page: True, absent=f"Hof {status}"
                )
                # An archived entry's address answers 410 Gone (editorial), a draft's 404.
                gone = 410 if status == Place.Status.ARCHIVED else 404
                assert self.client.get(place.get_absolute_url()).status_code == gone

    def test_detail_page_of_an_unpublished_entry_is_gone_after_the_bump(self):
        self.get(self.detail_url)
        Place.objects.filter(pk=self.place.pk).update(status=Place.Status.DRAFT)
        assert self.client.get(self.detail_url).status_code == 200
        bump_generation()
        assert self.client.get(self.detail_url).status_code == 404

    def test_edit(self):
        def edit():
            self.place.teaser = "Jetzt mit Kino im Klassenzimmer."
            self.place.save()

        for url in (self.list_url, self.detail_url):
            with self.subTest(url=url):
                self.assert_stale_until_bumped(
                    url, edit, lambda page: "Kino im Klassenzimmer" in page
                )

    def test_image_added_and_changed(self):
        self.assert_stale_until_bumped(
            self.detail_url,
            lambda: make_image(self.place, alt_text="Der Schulhof im Mai"),
            lambda page: "Der Schulhof im Mai" in page,
        )
        image = self.place.images.get()

        def change():
            image.alt_text = "Der Schulhof im Winter"
            image.save()

        self.assert_stale_until_bumped(
            self.detail_url, change, lambda page: "Der Schulhof im Winter" in page
        )

    def test_vocabulary_renamed(self):
        def rename():
            self.category.name = "Leben auf dem Land"
            self.category.save()

        for url in (self.list_url, reverse("places:home"), self.detail_url):
            with self.subTest(url=url):
                self.assert_stale_until_bumped(
                    url, rename, lambda page: "Leben auf dem Land" in page
                )
                self.category.name = "Landleben"
                self.category.save()
                bump_generation()

    def test_search_results_follow_a_feature_rename(self):
        feature = make_feature(name="Sauna")
        self.place.features.add(feature)
        url = f"{self.list_url}?q=Dampfbad"

        def rename():
            feature.name = "Dampfbad"
            feature.save()

        self.assert_stale_until_bumped(url, rename, lambda page: "Alte Schule Wenddorf" in page)

    def test_map_data(self):
        url = reverse("places:place-geojson")
        self.assert_stale_until_bumped(
            url, lambda: make_place(name="Mühle Neudorf"), lambda data: "Mühle Neudorf" in data
        )

    def test_flat_page_edited(self):
        site = Site.objects.get_current()
        page = FlatPage.objects.create(url="/ueber-uns/", title="Über uns", content="Erste Fassung")
        page.sites.add(site)
        assert "Erste Fassung" in self.get("/ueber-uns/")
        page.content = "Zweite Fassung"
        page.save()
        bump_generation()
        assert "Zweite Fassung" in self.get("/ueber-uns/")

    def test_release_step(self):
        """A release runs ``migrate``: what the release before cached is not served after it."""
        self.assert_stale_until_bumped(
            self.list_url,
            lambda: make_place(name="Gut Neuversion"),
            lambda page: "Gut Neuversion" in page,
            bump=lambda: call_command("migrate", verbosity=0),
        )

    def test_import(self):
        call_command("seed", verbosity=0)
        before = self.get(self.list_url)
        call_command("seed_demo", count=3, verbosity=0)  # bumps the generation itself
        after = self.get(self.list_url)
        assert after != before
        assert Place.objects.filter(slug__startswith="demo-").count() == 3


class FragmentFreshnessTests(FreshnessTests):
    """The same changes with the page cache off: the cached fragments (cards, filter form and
    facets, vocabularies, totals, a search's ranked pages) are never stale either."""

    page_cache_seconds = 0
    whole_pages_cached = False

    def test_detail_page_of_an_unpublished_entry_is_gone_after_the_bump(self):
        Place.objects.filter(pk=self.place.pk).update(status=Place.Status.DRAFT)
        bump_generation()
        assert self.client.get(self.detail_url).status_code == 404

    def test_a_card_shows_a_rename_on_every_list(self):
        url = f"{self.list_url}?q=Schule"
        for page in (self.list_url, url, reverse("places:home")):
            assert "Alte Schule Wenddorf" in self.get(page)
        self.place.name = "Alte Schule Wenddorf am See"
        self.place.save()
        bump_generation()
        for page in (self.list_url, url, reverse("places:home")):
            with self.subTest(page=page):
                assert "Alte Schule Wenddorf am See" in self.get(page)

    def test_each_selection_keeps_its_own_filter_form(self):
        chosen = f'value="{self.category.slug}" selected'
        assert chosen not in self.get(self.list_url)
        assert chosen in self.get(self.list_url, data={"kategorie": self.category.slug})
        assert chosen not in self.get(self.list_url, data={"seite": 1})
        invalid = self.get(self.list_url, data={"kategorie": "gibt-es-nicht"})
        assert "field__error" in invalid
        assert "field__error" not in self.get(self.list_url)


class WhatIsNeverCachedTests(PageCacheTestCase):
    def test_a_cached_hit_costs_one_query_and_keeps_the_security_headers(self):
        self.get(self.list_url)
        with self.assertNumQueries(1):
            response = self.client.get(self.list_url)
        assert response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in response

    def test_a_logged_in_editor_never_gets_the_shared_copy(self):
        draft = make_place(name="Entwurf Gut Lindow", status=Place.Status.DRAFT)
        editor = get_user_model().objects.create_user("editor", password="x", is_staff=True)
        self.client.force_login(editor)
        assert "Entwurf Gut Lindow" in self.get(draft.get_absolute_url())
        self.client.logout()
        assert self.client.get(draft.get_absolute_url()).status_code == 404
        self.client.force_login(editor)
        self.get(self.detail_url)
        self.client.logout()
        self.client.cookies.clear()
        Place.objects.filter(pk=self.place.pk).update(teaser="Anonym gesehen")
        assert "Anonym gesehen" in self.get(self.detail_url), "an editor's page was stored"

    @override_settings(KREATIVORTE_FRAGMENT_CACHE_SECONDS=0)  # the page cache alone
    def test_a_request_with_a_session_is_built_fresh(self):
        self.get(self.list_url)
        make_place(name="Neu ohne Bump")
        self.client.cookies[settings.SESSION_COOKIE_NAME] = "some-session"
        assert "Neu ohne Bump" in self.get(self.list_url)

    def test_pages_with_a_form_are_never_stored(self):
        url = reverse("inquiries:contact")
        first = self.client.get(url)
        second = self.client.get(url)
        assert "csrftoken" in first.cookies
        assert first.content != second.content  # a fresh form token each time
        assert not any(key.startswith(":1:kreativorte:page") for key in cache._cache)

    def test_a_bump_in_one_worker_is_seen_by_the_other(self):
        """Two workers, each with its own local-memory cache: the generation is shared."""
        with override_settings(CACHES=TWO_WORKERS):
            worker_b = caches["worker-b"]
            self.get(self.list_url)  # worker A stores the page
            with mock.patch("places.page_cache.cache", worker_b):
                self.get(self.list_url)  # worker B stores its own copy
            make_place(name="Gutshof Zweiter Prozess")
            bump_generation()  # an editor's save, handled by worker A
            assert "Gutshof Zweiter Prozess" in self.get(self.list_url)
            with mock.patch("places.page_cache.cache", worker_b):
                assert "Gutshof Zweiter Prozess" in self.get(self.list_url)


class GenerationAcrossProcessesTests(TransactionTestCase):
    """A bump made by another process (a management command, another server) is seen here."""

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest(
                "needs a database another process can open (the SQLite test DB is in memory)"
            )

    def test_bump_in_a_subprocess(self):
        before = generation()
        env = {"DATABASE_URL": "", "DJANGO_SECRET_KEY": "x" * 50}
        code = "from places.cache import bump_generation; bump_generation()"
        settings_db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings_db['USER']}@{settings_db['HOST']}:{settings_db['PORT']}"
            f"/{settings_db['NAME']}"
        )
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=settings.BASE_DIR,
            env={**__import__("os").environ, **env},
            check=True,
            capture_output=True,
        )
        assert generation() > before
