import re

from django.utils.text import Truncator, slugify

GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def slugify_de(value):
    """Slugify with German transliteration, so "Börde" becomes "boerde", not "borde"."""
    return slugify(str(value).translate(GERMAN_TRANSLITERATION))


def normalise_newlines(text):
    """Plain ``\n`` line breaks, whichever a browser (CRLF) or an old system (CR) sent."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def paragraphs(text):
    """The paragraphs of a text: parts separated by a blank line, whatever the line endings."""
    parts = re.split(r"\n[ \t]*\n", normalise_newlines(text))
    return [part.strip() for part in parts if part.strip()]


def derive_teaser(description, *, fallback, limit=300):
    """The first sentence of the description, or its start cut at a word, for list cards."""
    paragraph = " ".join((paragraphs(description) or [""])[0].split())
    if not paragraph:
        return Truncator(fallback).chars(limit)
    sentence = re.match(r"(.+?[.!?])(?:\s|$)", paragraph)
    if sentence and len(sentence.group(1)) >= 20:
        paragraph = sentence.group(1)
    return Truncator(paragraph).chars(limit)
