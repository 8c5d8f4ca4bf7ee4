"""Plain geometry for the Steckbrief: straight-line distances to the cities visitors come from.

No database access here: callers pass coordinates in, get numbers out.
"""

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from django.utils.translation import gettext_lazy as _

# Mean Earth radius (IUGG); the error against the ellipsoid stays well under 0.5 % here.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class City:
    name: str
    latitude: float
    longitude: float


# The main railway stations: where people arriving without a car start their journey.
REFERENCE_CITIES = (
    City(_("Berlin"), 52.525, 13.369),
    City(_("Hamburg"), 53.553, 10.007),
    City(_("Hannover"), 52.377, 9.742),
    City(_("Magdeburg"), 52.130, 11.627),
    City(_("Leipzig"), 51.345, 12.382),
)


@dataclass(frozen=True)
class Distance:
    city: City
    km: int


def haversine_km(latitude_a, longitude_a, latitude_b, longitude_b):
    """Great-circle distance in kilometres between two points given in decimal degrees."""
    lat_a, lon_a, lat_b, lon_b = map(
        radians, map(float, (latitude_a, longitude_a, latitude_b, longitude_b))
    )
    half_chord = (
        sin((lat_b - lat_a) / 2) ** 2 + cos(lat_a) * cos(lat_b) * sin((lon_b - lon_a) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * asin(sqrt(half_chord))


def city_distances(latitude, longitude, cities=REFERENCE_CITIES):
    """Distances to the reference cities in their fixed order, rounded to whole kilometres.

    Returns an empty list when the entry has no coordinates.
    """
    if latitude is None or longitude is None:
        return []
    return [
        Distance(city, round(haversine_km(latitude, longitude, city.latitude, city.longitude)))
        for city in cities
    ]
