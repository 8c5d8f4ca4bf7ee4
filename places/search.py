"""Full-text search over entries: one entry point, ``search_places``, two engines.

PostgreSQL uses its German text search (stemming, stop words, ``ts_rank``) on a weighted
document vector that a GIN expression index (migration 0002) covers. SQLite, used for
development and small installations, gets a simpler fallback: substring matching on text that
is folded to lower case and ASCII umlaut spellings (ä → ae, ß → ss) inside the SQL query.

Both engines share the same rules: the query is split into words; German stop words ("die",
"auf", "für") are left out; every other word must appear in the name, teaser, description,
locality, Ortsteil, former use or in the name of one of the entry's features; "Künstler" and
"kuenstler" are the same word; a hyphenated word matches written together or in its parts
("Co-Working" finds "Coworking" and "Co-Working"). A query of stop words only matches nothing.
"""

import re
import unicodedata
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Lower, Replace
from django.db.models.lookups import Exact

from .models import Feature, Place

SEARCH_CONFIG = "german"
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
MAX_TERM_PARTS = 4

# Little words people type into a search box ("die schule", "Künstler in Kalbe") that say
# nothing about an entry. Both engines leave them out, so such phrases find the same entries
# on SQLite and PostgreSQL. PostgreSQL's German configuration ignores more words than these;
# its query for such a word is empty, and an empty word is not required to match (see
# ``_search_postgres``).
_STOP_WORD_TEXT = """
    der die das den dem des ein eine einen einem einer eines
    und oder aber auch als wie was wo mit ohne für von vom zu zum zur
    in im ins an am auf aus bei nach über unter vor durch um bis
    ich du er sie es wir ihr mein meine sich ist sind war nicht noch
"""
GERMAN_STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

# Lower case first, so each umlaut needs one entry here; SQLite's LOWER() only knows ASCII,
# which is why the SQL side below replaces both cases before lowering.
UMLAUT_TO_ASCII = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
_ASCII_TO_UMLAUT = {"ae": "ä", "oe": "ö", "ue": "ü"}
_SQL_FOLDS = [("Ä", "ae"), ("Ö", "oe"), ("Ü", "ue"), *UMLAUT_TO_ASCII.items()]

# The columns searched; the weighted vector must stay identical to the index in migration 0002.
TEXT_FIELDS = ("name", "teaser", "locality", "locality_part", "former_use", "description")


def document_vector():
    return (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector(
            "teaser", "locality", "locality_part", "former_use", weight="B", config=SEARCH_CONFIG
        )
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )


def fold(text):
    """Lower case with ASCII umlaut spellings: "Künstlerstraße" becomes "kuenstlerstrasse"."""
    return "".join(UMLAUT_TO_ASCII.get(char, char) for char in text.lower())


_FOLDED_STOP_WORDS = frozenset(fold(word) for word in GERMAN_STOP_WORDS)


def is_stop_word(word):
    return fold(word) in _FOLDED_STOP_WORDS


def search_terms(query):
    """The words of a query: letters and digits only, so no operator of any engine survives;
    a hyphenated word stays one term ("co-working"), stop words are left out.

    NFC first: a "ü" typed as "u" plus a combining diaeresis is one letter, not a word break.
    """
    query = unicodedata.normalize("NFC", query).lower().replace("_", " ")
    terms = []
    for word in re.findall(r"\w+(?:-\w+)*", query):
        parts = [part[:MAX_TERM_LENGTH] for part in word.split("-")[:MAX_TERM_PARTS]]
        term = "-".join(parts)
        if term_alternatives(term):
            terms.append(term)
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def term_alternatives(term):
    """The ways a term can match, each a list of words that must all appear; stop words are
    left out. "schule" → [["schule"]], "co-working" → [["coworking"], ["co", "working"]],
    "die" → []."""
    parts = term.split("-")
    whole = "".join(parts)
    alternatives = [] if is_stop_word(whole) else [[whole]]
    if len(parts) > 1:
        kept = [part for part in parts if not is_stop_word(part)]
        if kept:
            alternatives.append(kept)
    return alternatives


def search_places(queryset, query):
    """Entries in ``queryset`` matching every word of ``query``, annotated with ``search_rank``.

    A query without any word (only punctuation or stop words, say) matches nothing.
    """
    terms = search_terms(query)
    if not terms:
        return queryset.none().annotate(search_rank=Value(0.0))
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgres(queryset, terms)
    return _search_fallback(queryset, terms)


def _spellings(term):
    """The word as typed plus its other umlaut spelling, "kuenstler" ↔ "künstler"."""
    folded = fold(term)
    unfolded = folded
    for ascii_form, umlaut in _ASCII_TO_UMLAUT.items():
        unfolded = unfolded.replace(ascii_form, umlaut)
    return list(dict.fromkeys([term, folded, unfolded]))


def _tsquery(term):
    # Prefix matching (":*") lets "künstler" find the compound "Künstlerstadt"; the words
    # contain only word characters, so the raw syntax cannot be broken from outside.
    def prefixes(word):
        return "(" + " | ".join(f"{spelling}:*" for spelling in _spellings(word)) + ")"

    raw = " | ".join(
        "(" + " & ".join(prefixes(word) for word in words) + ")"
        for words in term_alternatives(term)
    )
    return SearchQuery(f"({raw})", search_type="raw", config=SEARCH_CONFIG)


def _search_postgres(queryset, terms):
    term_queries = [_tsquery(term) for term in terms]
    feature_hits = _feature_hits(term_queries)
    queryset = queryset.annotate(search_document=document_vector())
    for index, term_query in enumerate(term_queries):
        # "vector @@ query OR id IN (...)": PostgreSQL answers this with a BitmapOr over the
        # GIN index and the primary key; an EXISTS in the OR would force a sequential scan.
        condition = Q(search_document=term_query) | Q(Exact(_lexeme_count(term_query), 0))
        if feature_hits[index]:
            condition |= Q(pk__in=sorted(feature_hits[index]))
        queryset = queryset.filter(condition)
    combined = term_queries[0]
    for term_query in term_queries[1:]:
        combined &= term_query
    return queryset.annotate(search_rank=SearchRank(F("search_document"), combined))


def _lexeme_count(term_query):
    """How many words PostgreSQL keeps of a term's query: 0 for one of its own stop words."""
    return Func(term_query, function="numnode", output_field=IntegerField())


def _feature_hits(term_queries):
    """For each term, the ids of entries with a feature whose name matches it (one query)."""
    matches = {
        f"term_{index}": ExpressionWrapper(
            Q(feature_document=term_query), output_field=BooleanField()
        )
        for index, term_query in enumerate(term_queries)
    }
    rows = (
        Place.features.through.objects.annotate(
            feature_document=SearchVector("feature__name", config=SEARCH_CONFIG)
        )
        .annotate(**matches)
        .filter(reduce(or_, [Q(**{name: True}) for name in matches]))
        .values_list("place_id", *matches)
    )
    hits = [set() for _ in term_queries]
    for place_id, *matched in rows:
        for index, is_match in enumerate(matched):
            if is_match:
                hits[index].add(place_id)
    return hits


def _contains_term(field, term):
    """``field`` (folded text) contains the term in one of its alternatives."""
    return reduce(
        or_,
        [
            reduce(and_, [Q(**{f"{field}__contains": fold(word)}) for word in words])
            for words in term_alternatives(term)
        ],
    )


def _folded_sql(expression):
    for original, replacement in _SQL_FOLDS:
        expression = Replace(
            expression, Value(original), Value(replacement), output_field=TextField()
        )
    return Lower(expression, output_field=TextField())


def _search_fallback(queryset, terms):
    """Substring search on folded text, computed in the query, so it can never go stale.

    A full scan: fine for the few hundred entries SQLite installations hold.
    """
    # A flat "a || ' ' || b" chain: Django's nested Concat overflows SQLite's parser stack once
    # the folding REPLACE()s wrap it. The columns are NOT NULL, so no COALESCE is needed.
    text = Func(
        *[F(field) for field in TEXT_FIELDS],
        template="(%(expressions)s)",
        arg_joiner=" || ' ' || ",
        output_field=TextField(),
    )
    queryset = queryset.annotate(search_text=_folded_sql(text), search_name=_folded_sql(F("name")))
    rank = Value(1)
    for term in terms:
        in_features = Exists(
            Feature.objects.annotate(search_text=_folded_sql(F("name")))
            .filter(places=OuterRef("pk"))
            .filter(_contains_term("search_text", term))
        )
        queryset = queryset.filter(_contains_term("search_text", term) | in_features)
        # A word in the name counts more than one further down the text.
        rank = rank + Case(
            When(_contains_term("search_name", term), then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.annotate(search_rank=rank)
