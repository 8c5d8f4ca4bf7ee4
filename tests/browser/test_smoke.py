import pytest

from tests.factories import make_place

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_links_to_a_published_entry(live_server, page):
    place = make_place(name="Alte Dorfschule Testhausen")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=place.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == place.name
