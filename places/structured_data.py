"""Structured data for search engines: the schema.org JSON-LD block of a Steckbrief page.

Not an export (that is places/open_data.py): it describes one page to crawlers, in the
vocabulary they read.
"""


def schema_org_place(place, build_url):
    """schema.org JSON-LD for a Steckbrief: a Place with address, geo point, photos and links."""
    data = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": place.name,
        "description": place.teaser,
        "url": build_url(place.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": place.locality,
            "addressRegion": place.district.get_state_display(),
            "addressCountry": "DE",
        },
    }
    if place.street:
        data["address"]["streetAddress"] = place.street
    if place.postal_code:
        data["address"]["postalCode"] = place.postal_code
    if place.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    images = [build_url(image.image.url) for image in place.images.all()]
    if images:
        data["image"] = images
    links = [link for link in [place.website, *place.social_link_list] if link]
    if links:
        data["sameAs"] = links
    features = [feature.name for feature in place.features.all()]
    if features:
        data["amenityFeature"] = [
            {"@type": "LocationFeatureSpecification", "name": name, "value": True}
            for name in features
        ]
    return data
