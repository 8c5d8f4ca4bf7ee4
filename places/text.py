from django.utils.text import slugify

GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def slugify_de(value):
    """Slugify with German transliteration, so "Börde" becomes "boerde", not "borde"."""
    return slugify(str(value).translate(GERMAN_TRANSLITERATION))
