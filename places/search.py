"""Full-text search over entries: one entry point, ``search_places``, two engines.

Both engines search a stored document per entry that holds the entry's own texts and the
names of its district, categories, features and sought groups ("gesucht"), kept fresh by
``refresh_search_documents`` on every change (signals below; bulk writers call it directly).

- PostgreSQL: ``search_vector``, a weighted tsvector built with the ``german`` configuration
  (Snowball stemmer, stop words) and covered by a GIN index; results are ranked by ``ts_rank``
  on the stored vector.
- SQLite: ``search_text``, the same words lower-cased and stemmed with the Snowball German
  stemmer (PyStemmer), matched as word prefixes with LIKE; words of the name count more.

So "Schulen" finds "Schule" and "Höfe" finds "Hof" on both. Shared rules: the query is split
into words; German stop words ("die", "auf", "für") are left out; every other word must match
the start of a word of the document (prefix: "künstler" finds "Künstlerstadt"); "Künstler" and
"kuenstler" are the same word; a hyphenated word matches written together or in its parts
("Co-Working" finds "Coworking" and "Co-Working"). A query of stop words only matches nothing.
"""

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, IntegerField, Q, Value, When

SEARCH_CONFIG = "german"
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
MAX_TERM_PARTS = 4

# Little words people type into a search box ("die schule", "Künstler in Kalbe") that say
# nothing about an entry. Both engines leave them out, so such phrases find the same entries
# on SQLite and PostgreSQL. PostgreSQL's German configuration ignores more words than these;
# it drops such a word from the query itself.
_STOP_WORD_TEXT = """
    der die das den dem des ein eine einen einem einer eines
    und oder aber auch als wie was wo mit ohne für von vom zu zum zur
    in im ins an am auf aus bei nach über unter vor durch um bis
    ich du er sie es wir ihr mein meine sich ist sind war nicht noch
"""
GERMAN_STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

UMLAUT_TO_ASCII = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
_ASCII_TO_UMLAUT = {"ae": "ä", "oe": "ö", "ue": "ü"}

# What the document holds, by weight: A the name, B the short texts and the vocabulary names,
# C the description. Related names are paths from Place; a new relation (a region, say) is one
# more entry here and in ``_RELATED_SQL``.
SHORT_TEXT_FIELDS = ("teaser", "locality", "locality_part", "former_use")
RELATED_NAMES = (
    "district__name",
    "district__regions__name",
    "categories__name",
    "features__name",
    "needs__name",
)

# Marks a word of the name in ``search_text``, for the SQLite ranking.
NAME_MARK = "#"


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


def _spellings(word):
    """The word as typed plus its other umlaut spelling, "kuenstler" ↔ "künstler"."""
    folded = fold(word)
    unfolded = folded
    for ascii_form, umlaut in _ASCII_TO_UMLAUT.items():
        unfolded = unfolded.replace(ascii_form, umlaut)
    return list(dict.fromkeys([word, folded, unfolded]))


# The Snowball German stemmer, the algorithm of PostgreSQL's ``german`` configuration.
# PyStemmer's objects are not thread-safe: one per thread.
_local = threading.local()


@lru_cache(maxsize=200_000)
def stem(word):
    """The Snowball German stem of a lower-case word: "schulen" → "schul", "höfe" → "hof"."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("german")
    return stemmer.stemWord(word)


def document_words(text):
    """The stems of a text, as PostgreSQL's parser splits it: a hyphenated word gives the whole
    (with its hyphen) and each part."""
    words = []
    for token in re.findall(r"\w+(?:-\w+)*", unicodedata.normalize("NFC", text).lower()):
        if "-" in token:
            words.append(token)
            words.extend(token.split("-"))
        else:
            words.append(token)
    return [stem(word) for word in words if not is_stop_word(word)]


def search_text(name, texts):
    """The SQLite document: " #name-stems name-stems other-stems ", each stem once."""
    name_words = list(dict.fromkeys(document_words(name)))
    others = [word for text in texts for word in document_words(text)]
    words = [NAME_MARK + word for word in name_words] + list(dict.fromkeys(name_words + others))
    return f" {' '.join(words)} "


# Keeping the documents fresh.

_RELATED_SQL = {
    "district__name": "(SELECT d.name FROM {district} d WHERE d.id = p.district_id)",
    "district__regions__name": (
        "(SELECT string_agg(r.name, ' ') FROM {region_districts} rd "
        "JOIN {region} r ON r.id = rd.region_id WHERE rd.district_id = p.district_id)"
    ),
    "categories__name": (
        "(SELECT string_agg(c.name, ' ') FROM {place_categories} pc "
        "JOIN {category} c ON c.id = pc.category_id WHERE pc.place_id = p.id)"
    ),
    "features__name": (
        "(SELECT string_agg(f.name, ' ') FROM {place_features} pf "
        "JOIN {feature} f ON f.id = pf.feature_id WHERE pf.place_id = p.id)"
    ),
    "needs__name": (
        "(SELECT string_agg(n.name, ' ') FROM {place_needs} pn "
        "JOIN {need} n ON n.id = pn.need_id WHERE pn.place_id = p.id)"
    ),
}


def _tables():
    from .models import Category, District, Feature, Need, Place, Region

    return {
        "place": Place._meta.db_table,
        "district": District._meta.db_table,
        "region": Region._meta.db_table,
        "region_districts": Region.districts.through._meta.db_table,
        "category": Category._meta.db_table,
        "feature": Feature._meta.db_table,
        "need": Need._meta.db_table,
        "place_categories": Place.categories.through._meta.db_table,
        "place_features": Place.features.through._meta.db_table,
        "place_needs": Place.needs.through._meta.db_table,
    }


def refresh_search_documents(place_ids=None, using="default", related=RELATED_NAMES):
    """Rebuild the stored search document of the given entries (all when ``None``).

    One UPDATE on PostgreSQL, computed by the database itself; on SQLite the stems are made
    here and written in batches. Call it after any bulk write that bypasses ``save()``.
    """
    if place_ids is not None:
        place_ids = list(place_ids)
        if not place_ids:
            return
    if connections[using].vendor == "postgresql":
        _refresh_postgres(place_ids, using, related)
    else:
        _refresh_python(place_ids, using, related)


def _refresh_postgres(place_ids, using, related):
    tables = _tables()
    short = ", ".join(
        [f"p.{field}" for field in SHORT_TEXT_FIELDS]
        + [_RELATED_SQL[path].format(**tables) for path in related]
    )

    # A slash becomes a space: PostgreSQL's parser reads "Wohnen/Bauen" as one file path.
    def vector(text, weight):
        return f"setweight(to_tsvector('{SEARCH_CONFIG}', replace({text}, '/', ' ')), '{weight}')"

    short_texts = "concat_ws(' ', " + short + ")"
    sql = (
        f"UPDATE {tables['place']} AS p SET search_vector = "
        f"{vector('p.name', 'A')} || {vector(short_texts, 'B')} || {vector('p.description', 'C')}"
    )
    params = []
    if place_ids is not None:
        sql += " WHERE p.id = ANY(%s)"
        params.append(place_ids)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)


def _refresh_python(place_ids, using, related, batch_size=2000):
    from .models import Place

    places = Place.objects.using(using).order_by("pk")
    if place_ids is not None:
        places = places.filter(pk__in=place_ids)
    fields = ("pk", "name", "description", *SHORT_TEXT_FIELDS)
    ids = list(places.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        names = {pk: [] for pk in batch}
        for path in related:
            rows = Place.objects.using(using).filter(pk__in=batch).values_list("pk", path)
            for pk, name in rows:
                if name:
                    names[pk].append(name)
        updates = []
        for row in Place.objects.using(using).filter(pk__in=batch).values(*fields):
            texts = [row[field] for field in SHORT_TEXT_FIELDS]
            texts += [*names[row["pk"]], row["description"]]
            updates.append(Place(pk=row["pk"], search_text=search_text(row["name"], texts)))
        Place.objects.using(using).bulk_update(updates, ["search_text"])


# Searching.


def search_places(queryset, query):
    """Entries in ``queryset`` matching every word of ``query``, annotated with ``search_rank``.

    A query without any word (only punctuation or stop words, say) matches nothing.
    """
    terms = search_terms(query)
    if not terms:
        return queryset.none().annotate(search_rank=Value(0.0))
    if connections[queryset.db].vendor == "postgresql":
        return _search_postgres(queryset, terms)
    return _search_sqlite(queryset, terms)


def _tsquery_text(term):
    # Prefix matching (":*") lets "künstler" find the compound "Künstlerstadt"; the words
    # contain only word characters, so the raw syntax cannot be broken from outside.
    def prefixes(word):
        return "(" + " | ".join(f"{spelling}:*" for spelling in _spellings(word)) + ")"

    return (
        "("
        + " | ".join(
            "(" + " & ".join(prefixes(word) for word in words) + ")"
            for words in term_alternatives(term)
        )
        + ")"
    )


def search_query(terms):
    """One tsquery for all terms: PostgreSQL stems each word and drops its own stop words."""
    raw = " & ".join(_tsquery_text(term) for term in terms)
    return SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)


def _search_postgres(queryset, terms):
    query = search_query(terms)
    return queryset.filter(search_vector=query).annotate(
        # F(): the stored vector itself; a field name would be wrapped in to_tsvector() again.
        search_rank=SearchRank(F("search_vector"), query)
    )


def _stem_prefixes(word):
    return list(dict.fromkeys(stem(spelling) for spelling in _spellings(word)))


def _sqlite_match(term, mark=""):
    """Q: the document has a word starting with the stem of each word of an alternative."""
    alternatives = Q()
    for words in term_alternatives(term):
        every = Q()
        for word in words:
            any_spelling = Q()
            for prefix in _stem_prefixes(word):
                any_spelling |= Q(search_text__contains=f" {mark}{prefix}")
            every &= any_spelling
        alternatives |= every
    return alternatives


def _search_sqlite(queryset, terms):
    """Prefix matching on the stored stems: a scan, fine for the sizes SQLite installations
    hold; the document is stored, so nothing is computed per row but the LIKE."""
    rank = Value(1)
    for term in terms:
        queryset = queryset.filter(_sqlite_match(term))
        # A word in the name counts more than one further down the text.
        rank = rank + Case(
            When(_sqlite_match(term, mark=NAME_MARK), then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.annotate(search_rank=rank)


# Signals: every write through the ORM keeps the documents fresh.


def _place_saved(sender, instance, raw=False, using="default", **kwargs):
    refresh_search_documents([instance.pk], using=using)


def _relations_changed(sender, instance, action, reverse, pk_set, using="default", **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    from .models import Place

    if not reverse:
        refresh_search_documents([instance.pk], using=using)
    elif action == "post_clear":
        # The other side's rows are gone already; rebuild all, a rare editorial action.
        refresh_search_documents(using=using)
    else:
        refresh_search_documents(
            Place.objects.using(using).filter(pk__in=pk_set).values_list("pk", flat=True),
            using=using,
        )


def _vocabulary_saved(sender, instance, created=False, using="default", **kwargs):
    """A renamed district, category, feature or group: rebuild the entries that name it."""
    if created:
        return
    ids = instance.places.using(using).values_list("pk", flat=True)
    refresh_search_documents(ids, using=using)


def _region_saved(sender, instance, created=False, using="default", **kwargs):
    """A renamed region: rebuild the entries in its districts."""
    if created:
        return
    from .models import Place

    ids = Place.objects.using(using).filter(district__regions=instance).values_list("pk", flat=True)
    refresh_search_documents(ids, using=using)


def _region_districts_changed(sender, action, using="default", **kwargs):
    """Districts added to or taken from a region: rebuild every document (a rare editorial
    action; one UPDATE on PostgreSQL)."""
    if action in {"post_add", "post_remove", "post_clear"}:
        refresh_search_documents(using=using)


def connect_signals():
    from django.db.models.signals import m2m_changed, post_save

    from .models import Category, District, Feature, Need, Place, Region

    post_save.connect(_region_saved, sender=Region, dispatch_uid="search_region_saved")
    m2m_changed.connect(
        _region_districts_changed,
        sender=Region.districts.through,
        dispatch_uid="search_region_districts",
    )

    post_save.connect(_place_saved, sender=Place, dispatch_uid="search_place_saved")
    for relation in (Place.categories, Place.features, Place.needs):
        m2m_changed.connect(
            _relations_changed,
            sender=relation.through,
            dispatch_uid=f"search_{relation.through.__name__}",
        )
    for model in (Category, District, Feature, Need):
        post_save.connect(
            _vocabulary_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved"
        )
