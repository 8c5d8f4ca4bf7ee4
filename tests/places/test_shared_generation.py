"""On Redis (production) the cache generation lives in Redis, moves only after the commit of
the change it announces, and a cached page costs no database query at all."""

import pytest
from django.db import transaction
from django.urls import reverse

from kreativorte.settings import cache_from_url
from places.cache import KEY, bump_generation, generation
from places.models import Place
from places.page_cache import page_key
from places.publishing import publish
from tests.factories import make_place


@pytest.fixture
def page_cache_on(settings, redis_cache):
    settings.KREATIVORTE_PAGE_CACHE_SECONDS = 600
    settings.KREATIVORTE_FRAGMENT_CACHE_SECONDS = 600
    return redis_cache


@pytest.mark.django_db(transaction=True)
def test_the_generation_is_in_redis_and_moves_after_the_commit(
    redis_cache, django_assert_num_queries
):
    with django_assert_num_queries(0):
        first = generation()
    assert redis_cache.get(KEY) == first
    with transaction.atomic():
        bump_generation()
        assert generation() == first, "moved before the change was committed"
    assert generation() == first + 1


@pytest.mark.django_db(transaction=True)
def test_a_lost_counter_starts_again_above_every_earlier_value(redis_cache):
    first = generation()
    bump_generation()
    redis_cache.delete(KEY)  # Redis restarted or evicted the key
    assert generation() > first + 1


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_costs_no_query_and_a_publication_shows_next(
    page_cache_on, redis_cache, client, django_assert_num_queries
):
    make_place(name="Gutshof Erster Stand")
    url = reverse("places:place-list")
    assert "Gutshof Erster Stand" in client.get(url).content.decode()
    with django_assert_num_queries(0):
        cached = client.get(url)  # from Redis, kept in this process's memory too
    assert "Gutshof Erster Stand" in cached.content.decode()
    redis_cache.delete(page_key(cached.wsgi_request))
    with django_assert_num_queries(0):
        nearby = client.get(url)  # this process's copy, checked against the generation
    assert nearby.content == cached.content

    draft = make_place(name="Sägewerk Neuer Eintrag", status=Place.Status.DRAFT)
    assert "Sägewerk Neuer Eintrag" not in client.get(url).content.decode()
    with transaction.atomic():  # as the admin's save does
        publish(draft)
    assert "Sägewerk Neuer Eintrag" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_while_redis_is_away_pages_are_built_fresh(settings, client):
    settings.KREATIVORTE_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {**settings.CACHES, "default": cache_from_url("redis://127.0.0.1:8127/0")}
    url = reverse("places:place-list")
    assert client.get(url).status_code == 200
    make_place(name="Hof ohne Cache")  # no bump: only a fresh build shows it
    assert "Hof ohne Cache" in client.get(url).content.decode()
