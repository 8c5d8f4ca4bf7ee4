from decimal import Decimal

import pytest

from places.geo import REFERENCE_CITIES, city_distances, haversine_km


def test_same_point_is_zero_km():
    assert haversine_km(52.5, 11.5, 52.5, 11.5) == 0


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_km(52.0, 11.0, 53.0, 11.0) == pytest.approx(111.19, abs=0.01)


def test_known_distance_berlin_to_hamburg():
    # Berlin Hbf to Hamburg Hbf: about 252 km as the crow flies.
    assert haversine_km(52.525, 13.369, 53.553, 10.007) == pytest.approx(252, abs=3)


def test_symmetric_and_accepts_decimals():
    there = haversine_km(Decimal("52.633"), Decimal("11.429"), 52.130, 11.627)
    back = haversine_km(52.130, 11.627, Decimal("52.633"), Decimal("11.429"))
    assert there == pytest.approx(back)


def test_city_distances_for_kalbe_are_whole_km_in_fixed_order():
    distances = city_distances(Decimal("52.633"), Decimal("11.429"))
    assert [str(distance.city.name) for distance in distances] == [
        "Berlin",
        "Hamburg",
        "Hannover",
        "Magdeburg",
        "Leipzig",
    ]
    by_city = {str(distance.city.name): distance.km for distance in distances}
    assert by_city["Magdeburg"] == pytest.approx(57, abs=2)
    assert by_city["Berlin"] == pytest.approx(132, abs=2)
    assert all(isinstance(distance.km, int) for distance in distances)


def test_reference_cities_are_the_five_main_stations():
    assert len(REFERENCE_CITIES) == 5


@pytest.mark.parametrize(("latitude", "longitude"), [(None, None), (Decimal("52.6"), None)])
def test_no_distances_without_coordinates(latitude, longitude):
    assert city_distances(latitude, longitude) == []
