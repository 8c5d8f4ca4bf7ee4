"""Plain geometry: straight-line distances to the cities visitors come from (Steckbrief), the
visitor's rounded position and the bounding box of a distance filter.

No database access here: callers pass coordinates in, get numbers out.
"""

from dataclasses import dataclass
from decimal import Decimal
from math import asin, cos, degrees, radians, sin, sqrt

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


# Two decimals are about 1.1 km north-south and 0.7 km east-west here: enough to sort by
# distance, too coarse to point at a house.
POSITION_DECIMALS = 2
KM_PER_DEGREE_LATITUDE = 111.195


@dataclass(frozen=True)
class Point:
    """A visitor's position, rounded to about a kilometre: ``str()`` gives "52.61,11.86"."""

    latitude: float
    longitude: float

    @classmethod
    def rounded(cls, latitude, longitude):
        return cls(
            round(float(latitude), POSITION_DECIMALS), round(float(longitude), POSITION_DECIMALS)
        )

    def __str__(self):
        return f"{self.latitude:.{POSITION_DECIMALS}f},{self.longitude:.{POSITION_DECIMALS}f}"


@dataclass(frozen=True)
class Box:
    south: Decimal
    north: Decimal
    west: Decimal
    east: Decimal


def bounding_box(latitude, longitude, radius_km):
    """The latitude/longitude box that holds every point within ``radius_km``, a little
    generous (rounded outwards), for an index range scan before the exact distance."""
    latitude, longitude = float(latitude), float(longitude)
    delta_latitude = radius_km / KM_PER_DEGREE_LATITUDE
    # The circle's widest east-west extent on the sphere (exact, not a flat approximation).
    angular = sin(radius_km / EARTH_RADIUS_KM) / max(cos(radians(latitude)), 0.01)
    delta_longitude = degrees(asin(min(angular, 1.0)))

    def edge(value, places=4):
        return Decimal(f"{value:.{places}f}")

    return Box(
        south=edge(latitude - delta_latitude - 0.0001),
        north=edge(latitude + delta_latitude + 0.0001),
        west=edge(longitude - delta_longitude - 0.0001),
        east=edge(longitude + delta_longitude + 0.0001),
    )
