from decimal import Decimal
from math import cos, radians

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import connections, models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import ASin, Cast, Cos, Least, Length, Power, Radians, Sin, Sqrt
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .geo import EARTH_RADIUS_KM, bounding_box
from .text import paragraphs, slugify_de

# The ``length`` lookup lets constraints check postal code and district code lengths.
models.CharField.register_lookup(Length)

# A generous box around Sachsen-Anhalt and western Brandenburg: a coordinate outside it is a typo
# (swapped latitude and longitude, a missing digit), not a Kreativort.
LATITUDE_RANGE = (Decimal("50.9"), Decimal("53.6"))
LONGITUDE_RANGE = (Decimal("10.5"), Decimal("14.0"))
EARLIEST_YEAR = 1000
# The database refuses years beyond this; model validation refuses any year after the current one.
LATEST_YEAR_IN_DATABASE = 2100


def validate_not_future_year(value):
    if value is not None and value > timezone.localdate().year:
        raise ValidationError(
            _("Das Jahr %(value)s liegt in der Zukunft."),
            code="future_year",
            params={"value": value},
        )


def coordinate_validators(label, bounds):
    message = format_lazy(
        _(
            "Der {label} muss zwischen {low} und {high} liegen (Sachsen-Anhalt und "
            "westliches Brandenburg). Sind Breiten- und Längengrad vertauscht?"
        ),
        label=label,
        low=bounds[0],
        high=bounds[1],
    )
    return [MinValueValidator(bounds[0], message), MaxValueValidator(bounds[1], message)]


YEAR_VALIDATORS = [MinValueValidator(EARLIEST_YEAR), validate_not_future_year]


def year_range(field):
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": EARLIEST_YEAR, f"{field}__lte": LATEST_YEAR_IN_DATABASE}
    )


def choices_check(field, choices, name, *, optional=False):
    """The field holds one of the choices (or, when ``optional``, is left empty)."""
    values = [*choices.values, ""] if optional else choices.values
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


class DistrictType(models.TextChoices):
    LANDKREIS = "landkreis", _("Landkreis")
    KREISFREIE_STADT = "kreisfreie_stadt", _("kreisfreie Stadt")


class State(models.TextChoices):
    SACHSEN_ANHALT = "ST", _("Sachsen-Anhalt")
    BRANDENBURG = "BB", _("Brandenburg")


class Kind(models.TextChoices):
    ORT = "ort", _("Ort")
    PROJEKT = "projekt", _("Projekt")
    INITIATIVE = "initiative", _("Initiative")


class Stage(models.TextChoices):
    REALISIERT = "realisiert", _("realisiert")
    IM_AUFBAU = "im_aufbau", _("im Aufbau")
    IDEE = "idee", _("Idee")


class StepFree(models.TextChoices):
    YES = "yes", _("ja")
    PARTLY = "partly", _("teilweise")
    NO = "no", _("nein")
    UNKNOWN = "unknown", _("unbekannt")


class BuildingType(models.TextChoices):
    """What the building was before: the founders' starting point on "Ideen finden"."""

    SCHULE = "schule", _("Schule")
    HOF = "hof", _("Guts-, Bauern- oder Fachwerkhof")
    GEWERBE = "gewerbe", _("Sägewerk, Fabrik oder Werkstatt")
    FERIENLAGER = "ferienlager", _("Ferienlager oder Heim")
    GASTHOF = "gasthof", _("Gasthof")
    SCHLOSS = "schloss", _("Schloss oder Herrenhaus")
    BAHNHOF = "bahnhof", _("Bahnhof")
    KIRCHE = "kirche", _("Kirche oder Pfarrhaus")
    SONSTIGES = "sonstiges", _("anderes Gebäude")


class OrganisationForm(models.TextChoices):
    VEREIN = "verein", _("Verein")
    GENOSSENSCHAFT = "genossenschaft", _("Genossenschaft")
    GMBH_UG = "gmbh_ug", _("GmbH / UG")
    GGMBH = "ggmbh", _("gGmbH")
    STIFTUNG = "stiftung", _("Stiftung")
    PRIVAT = "privat", _("Einzelunternehmen / privat")
    KOMMUNE = "kommune", _("Kommune")
    KIRCHE = "kirche", _("Kirche")
    SONSTIGE = "sonstige", _("Sonstige")


class Ownership(models.TextChoices):
    GEKAUFT = "gekauft", _("gekauft")
    GEPACHTET = "gepachtet", _("gepachtet / gemietet")
    ERBBAURECHT = "erbbaurecht", _("Erbbaurecht")
    GESCHENKT = "geschenkt", _("geschenkt / übertragen")
    KOMMUNAL = "kommunal", _("von der Kommune gestellt")
    SONSTIGE = "sonstige", _("Sonstige")


class InvestmentBand(models.TextChoices):
    UNDER_50K = "unter_50k", _("unter 50.000 €")
    UP_TO_250K = "50k_250k", _("50.000 bis 250.000 €")
    UP_TO_1M = "250k_1m", _("250.000 € bis 1 Mio. €")
    OVER_1M = "ueber_1m", _("über 1 Mio. €")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Eingereicht")
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("Veröffentlicht")
    ARCHIVED = "archived", _("Archiviert")


class Vocabulary(models.Model):
    """A term editors order by hand: a category, a feature, a group of people sought."""

    name = models.CharField(_("Name"), max_length=80, unique=True)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Category(Vocabulary):
    description = models.CharField(_("Kurzbeschreibung"), max_length=300, blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")


class District(models.Model):
    Type = DistrictType
    State = State

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=100, unique=True)
    code = models.CharField(
        _("Kreisschlüssel"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{5}\Z", _("Der Kreisschlüssel hat genau fünf Ziffern."))],
        help_text=_("Amtlicher fünfstelliger Kreisschlüssel, z. B. 15081."),
    )
    type = models.CharField(_("Art"), max_length=20, choices=DistrictType)
    state = models.CharField(_("Bundesland"), max_length=2, choices=State)

    class Meta:
        ordering = ["state", "name"]
        verbose_name = _("Landkreis / kreisfreie Stadt")
        verbose_name_plural = _("Landkreise und kreisfreie Städte")
        constraints = [
            choices_check("type", DistrictType, "district_type_valid"),
            choices_check("state", State, "district_state_valid"),
            models.CheckConstraint(condition=Q(code__length=5), name="district_code_five_digits"),
        ]

    def __str__(self):
        return self.name


class Region(models.Model):
    """A named group of districts: the unit of regional editing now and of regional sub-portals
    later. Regions may overlap (the Altmark lies in Sachsen-Anhalt)."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=100, unique=True)
    districts = models.ManyToManyField(
        District, related_name="regions", verbose_name=_("Landkreise und kreisfreie Städte")
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("Region")
        verbose_name_plural = _("Regionen")

    def __str__(self):
        return self.name


class Feature(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("Merkmal / Angebot")
        verbose_name_plural = _("Merkmale / Angebote")


class Need(Vocabulary):
    """A group of people an entry is looking for ("Mitmachen"), e.g. Mitbewohner:innen."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("Gesuchte Beteiligung")
        verbose_name_plural = _("Gesuchte Beteiligungen")


class FundingProgramme(Vocabulary):
    """A programme or kind of money that paid for entries, e.g. LEADER or cooperative shares.
    Names only: the amounts are not ours to publish."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("Förderprogramm / Finanzierung")
        verbose_name_plural = _("Förderprogramme / Finanzierungen")


def published_condition(path=""):
    """The one rule for "public", as a condition; ``path`` leads from another model to the
    entry, e.g. ``"places__"``."""
    return Q(**{f"{path}status": Status.PUBLISHED})


def published_count(relation="places"):
    """Published entries per vocabulary row (category, district, need), for "Wohnen/Bauen (4)"
    style links: ``Category.objects.annotate(entry_count=published_count())``."""
    return Count(relation, filter=published_condition(f"{relation}__"))


class PlaceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_condition())

    def unique_slug(self, name):
        """A slug for a new entry called ``name`` that no entry has yet: "alte-schule", else
        "alte-schule-2", "-3", …"""
        max_length = self.model._meta.get_field("slug").max_length
        base = slugify_de(name)[: max_length - 4].strip("-") or "ort"
        taken = set(self.filter(slug__startswith=base).values_list("slug", flat=True))
        if base not in taken:
            return base
        number = 2
        while f"{base}-{number}" in taken:
            number += 1
        return f"{base}-{number}"

    # The columns a card shows (templates/places/includes/_place_card.html): the long texts
    # and the search document stay in the database.
    CARD_FIELDS = ("name", "slug", "kind", "locality", "locality_part", "teaser", "former_use")

    def with_cards(self):
        """The columns a card shows. What else it shows (categories, needs, the first photo)
        is fetched by ``places.fragments.place_cards`` for the cards it has to render, in a
        constant number of queries, and not at all for cards it reads from the cache."""
        return self.only(*self.CARD_FIELDS)

    @staticmethod
    def card_prefetches():
        """The relations a card shows, for ``prefetch_related_objects``."""
        return [
            models.Prefetch("categories", queryset=Category.objects.only("name", "slug")),
            models.Prefetch("needs", queryset=Need.objects.only("pk")),
            models.Prefetch(
                "images",
                queryset=PlaceImage.objects.only(
                    "place_id", "image", "width", "height", "renditions", "order"
                ),
            ),
        ]

    # The relations the Steckbrief shows.
    DETAIL_PREFETCHES = (
        "categories",
        "needs",
        "images",
        "features",
        "funding_programmes",
        "milestones",
    )

    def with_details(self, relations=True):
        """The whole Steckbrief: every column but the search document, and all relations
        (``relations=False``: not yet; ``places.fragments.steckbrief`` fetches them when it
        has to render)."""
        places = self.defer("search_text", "search_vector").select_related("district")
        return places.prefetch_related(*self.DETAIL_PREFETCHES) if relations else places

    def in_districts(self, district_ids):
        """Entries in these districts; ``None`` means no restriction (all districts)."""
        return self if district_ids is None else self.filter(district__in=district_ids)

    def due_for_check(self, *, checked_before):
        """Entries nobody has checked since ``checked_before`` (a date), or never."""
        return self.filter(Q(last_checked__isnull=True) | Q(last_checked__lt=checked_before))

    def _seeks(self, need_slug=None):
        """EXISTS: the entry is looking for people, of any kind or of the given group. An EXISTS,
        not a join, so an entry seeking several groups stays one row."""
        needs = self.model.needs.through.objects.filter(place=OuterRef("pk"))
        if need_slug is not None:
            needs = needs.filter(need__slug=need_slug)
        return Exists(needs)

    def seeking(self, need_slug=None):
        """Entries looking for people ("Mitmachen"): for anyone, or for the group with this slug."""
        return self.filter(self._seeks(need_slug))

    def with_seeking(self):
        """Annotate ``seeking``: whether the entry is looking for people of any kind."""
        return self.annotate(seeking=self._seeks())

    def counts(self):
        """``{"total": …, "seeking": …}``: the entries, and those looking for people, in one
        query."""
        return self.aggregate(total=Count("pk"), seeking=Count("pk", filter=Q(self._seeks())))

    def with_distance(self, origin):
        """Annotate ``distance_km``: the great-circle distance (haversine) from ``origin``, a
        point with ``latitude`` and ``longitude``, in the ORM's math functions, which SQLite
        and PostgreSQL both have. Entries without coordinates get None."""
        latitude = Radians(Cast(F("latitude"), FloatField()))
        longitude = Radians(Cast(F("longitude"), FloatField()))
        origin_latitude = radians(origin.latitude)
        half_chord = Power(Sin((latitude - Value(origin_latitude)) / 2), 2) + Cos(latitude) * Value(
            cos(origin_latitude)
        ) * Power(Sin((longitude - Value(radians(origin.longitude))) / 2), 2)
        distance = Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(half_chord, Value(1.0))))
        # PostgreSQL's LEAST skips NULLs: without coordinates there is no distance, explicitly.
        return self.annotate(
            distance_km=Case(
                When(latitude__isnull=False, longitude__isnull=False, then=distance),
                default=None,
                output_field=FloatField(),
            )
        )

    def within(self, origin, radius_km):
        """Entries at most ``radius_km`` from ``origin``: a bounding box on the indexed
        coordinates first, so the exact distance is computed for few rows only."""
        box = bounding_box(origin.latitude, origin.longitude, radius_km)
        return (
            self.filter(
                latitude__gte=box.south,
                latitude__lte=box.north,
                longitude__gte=box.west,
                longitude__lte=box.east,
            )
            .with_distance(origin)
            .filter(distance_km__lte=radius_km)
        )

    def related_to(self, place, limit=None):
        """Entries in the same district as ``place`` or sharing a category, closest first.
        Uses ``place.categories``, so a prefetched entry costs no extra query.

        With a ``limit`` on PostgreSQL: the union of the newest few of the district sharing a
        category, of the district, and elsewhere sharing a category, each read through an
        index, instead of ranking every entry of the portal."""
        category_ids = [category.pk for category in place.categories.all()]
        shares_category = Exists(
            self.model.categories.through.objects.filter(
                place=OuterRef("pk"), category_id__in=category_ids
            )
        )
        order = ("-same_district", "-shares_category", "-published_at", "name")
        others = self.exclude(pk=place.pk).annotate(shares_category=shares_category)
        compound = connections[self.db].features.supports_slicing_ordering_in_compound
        if limit is not None and compound:
            # Three index walks by date, each stopping after ``limit`` rows; a union orders by
            # selected columns only, so the date joins the card's columns.
            candidates = self.exclude(pk=place.pk).annotate(newest=F("published_at"))
            district = Q(district=place.district_id)
            parts = [
                # (condition, same district, shares a category)
                (district & Q(shares_category), True, True),
                (district & ~Q(shares_category), True, False),
                (~district & Q(shares_category), False, True),
            ]
            parts = [
                candidates.filter(condition)
                .annotate(
                    same_district=Value(same, output_field=BooleanField()),
                    shares_category=Value(shares, output_field=BooleanField()),
                )
                .order_by("-newest", "name")[:limit]
                for condition, same, shares in parts
            ]
            order = ("-same_district", "-shares_category", "-newest", "name")
            return parts[0].union(*parts[1:], all=True).order_by(*order)[:limit]
        related = (
            others.annotate(
                same_district=ExpressionWrapper(
                    Q(district=place.district_id), output_field=BooleanField()
                ),
            )
            .filter(Q(same_district=True) | Q(shares_category=True))
            .order_by(*order)
        )
        return related if limit is None else related[:limit]


class Place(models.Model):
    Kind = Kind
    Stage = Stage
    StepFree = StepFree
    Status = Status

    # Identity
    name = models.CharField(_("Name"), max_length=150)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=150, unique=True)
    kind = models.CharField(_("Art des Eintrags"), max_length=20, choices=Kind, default=Kind.ORT)
    categories = models.ManyToManyField(
        Category, related_name="places", verbose_name=_("Kategorien")
    )
    features = models.ManyToManyField(
        Feature, blank=True, related_name="places", verbose_name=_("Merkmale / Angebote")
    )
    teaser = models.CharField(
        _("Kurztext"),
        max_length=300,
        help_text=_("Ein Satz für Karten in der Liste und für Suchmaschinen."),
    )
    description = models.TextField(
        _("Beschreibung"), blank=True, help_text=_("Absätze durch eine Leerzeile trennen.")
    )

    # Mitmachen
    stage = models.CharField(_("Stand"), max_length=20, choices=Stage, default=Stage.REALISIERT)
    needs = models.ManyToManyField(
        Need, blank=True, related_name="places", verbose_name=_("Gesucht werden")
    )

    # Das Objekt
    former_use = models.CharField(
        _("Frühere Nutzung"),
        max_length=150,
        blank=True,
        help_text=_("z. B. ehemalige Dorfschule, Sägewerk, Gutshof"),
    )
    building_year = models.PositiveSmallIntegerField(
        _("Baujahr"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    active_since = models.PositiveSmallIntegerField(
        _("Aktiv seit (Jahr)"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    plot_area = models.PositiveIntegerField(_("Grundstücksfläche (m²)"), null=True, blank=True)
    usable_area = models.PositiveIntegerField(_("Nutzfläche (m²)"), null=True, blank=True)
    workspaces = models.PositiveSmallIntegerField(_("Arbeitsplätze"), null=True, blank=True)
    beds = models.PositiveSmallIntegerField(_("Betten"), null=True, blank=True)

    building_type = models.CharField(
        _("Gebäudetyp (frühere Nutzung)"),
        max_length=20,
        choices=BuildingType,
        blank=True,
        help_text=_("Für den Filter und „Ideen finden“; die frühere Nutzung in Worten steht oben."),
    )

    # Die Lage
    street = models.CharField(_("Straße und Hausnummer"), max_length=150, blank=True)
    postal_code = models.CharField(
        _("Postleitzahl"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}\Z", _("Die Postleitzahl hat genau fünf Ziffern."))],
    )
    locality = models.CharField(_("Gemeinde / Stadt"), max_length=100)
    locality_part = models.CharField(_("Ortsteil"), max_length=100, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name=_("Landkreis / kreisfreie Stadt"),
    )
    latitude = models.DecimalField(
        _("Breitengrad"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=coordinate_validators(_("Breitengrad"), LATITUDE_RANGE),
        help_text=_("z. B. 52.633 (Nord)"),
    )
    longitude = models.DecimalField(
        _("Längengrad"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=coordinate_validators(_("Längengrad"), LONGITUDE_RANGE),
        help_text=_("z. B. 11.429 (Ost)"),
    )
    station_name = models.CharField(_("Nächster Bahnhof"), max_length=100, blank=True)
    station_distance_km = models.DecimalField(
        _("Entfernung zum Bahnhof (km)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    # Die Menschen
    operator = models.CharField(_("Träger / Betreiber"), max_length=150, blank=True)
    contact_person = models.CharField(_("Ansprechperson"), max_length=100, blank=True)
    email = models.EmailField(_("Öffentliche E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    website = models.URLField(_("Website"), blank=True)
    social_links = models.TextField(
        _("Soziale Netzwerke"), blank=True, help_text=_("Eine vollständige Adresse je Zeile.")
    )
    forward_inquiries = models.BooleanField(
        _("Anfragen weiterleiten"),
        default=False,
        help_text=_(
            "Der Betreiber ist einverstanden, dass Kontaktanfragen zu diesem Eintrag an die "
            "öffentliche E-Mail-Adresse weitergeleitet werden."
        ),
    )

    # Barrierefreiheit und Öffnung
    step_free = models.CharField(
        _("Stufenloser Zugang"), max_length=10, choices=StepFree, default=StepFree.UNKNOWN
    )
    accessibility_notes = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    opening_info = models.TextField(_("Öffnungszeiten und Besuch"), blank=True)

    # Wie es gemacht wurde
    organisation_form = models.CharField(
        _("Rechtsform des Trägers"), max_length=20, choices=OrganisationForm, blank=True
    )
    ownership = models.CharField(
        _("Gebäude / Grundstück"), max_length=20, choices=Ownership, blank=True
    )
    funding_programmes = models.ManyToManyField(
        FundingProgramme,
        blank=True,
        related_name="places",
        verbose_name=_("Förderprogramme / Finanzierung"),
    )
    investment_band = models.CharField(
        _("Investitionsvolumen"), max_length=20, choices=InvestmentBand, blank=True
    )
    own_work_share = models.PositiveSmallIntegerField(
        _("Eigenleistung (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Geschätzter Anteil der Arbeit, den die Gruppe selbst geleistet hat."),
    )
    lessons_helped = models.TextField(_("Das hat geholfen"), blank=True)
    lessons_hard = models.TextField(_("Das war schwer"), blank=True)
    open_to_founders = models.BooleanField(
        _("Ansprechbar für Gründende"),
        default=False,
        help_text=_(
            "Die Betreiber beantworten gern Fragen von Menschen, die Ähnliches vorhaben; das "
            "Kontaktformular bietet dann das Anliegen „Erfahrungsaustausch“ an."
        ),
    )

    # Redaktion
    status = models.CharField(_("Status"), max_length=20, choices=Status, default=Status.DRAFT)
    featured = models.BooleanField(_("Hervorgehoben"), default=False)
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)
    last_checked = models.DateField(
        _("Zuletzt geprüft"),
        null=True,
        blank=True,
        help_text=_("Wann die Redaktion die Angaben zuletzt geprüft hat."),
    )

    # The stored search document (places/search.py keeps both fresh on every change): folded,
    # stemmed words for SQLite, a weighted German tsvector with a GIN index for PostgreSQL.
    search_text = models.TextField(_("Suchtext"), blank=True, default="", editable=False)
    search_vector = SearchVectorField(_("Suchvektor"), null=True, editable=False)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Eintrag")
        verbose_name_plural = _("Einträge")
        constraints = [
            choices_check("kind", Kind, "place_kind_valid"),
            choices_check("stage", Stage, "place_stage_valid"),
            choices_check("step_free", StepFree, "place_step_free_valid"),
            choices_check("status", Status, "place_status_valid"),
            choices_check(
                "building_type", BuildingType, "place_building_type_valid", optional=True
            ),
            choices_check(
                "organisation_form",
                OrganisationForm,
                "place_organisation_form_valid",
                optional=True,
            ),
            choices_check("ownership", Ownership, "place_ownership_valid", optional=True),
            choices_check(
                "investment_band", InvestmentBand, "place_investment_band_valid", optional=True
            ),
            models.CheckConstraint(
                condition=Q(own_work_share__isnull=True) | Q(own_work_share__lte=100),
                name="place_own_work_share_percent",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=LATITUDE_RANGE[0],
                    latitude__lte=LATITUDE_RANGE[1],
                    longitude__gte=LONGITUDE_RANGE[0],
                    longitude__lte=LONGITUDE_RANGE[1],
                ),
                name="place_coordinates_in_region",
            ),
            models.CheckConstraint(
                condition=year_range("building_year"), name="place_building_year_range"
            ),
            models.CheckConstraint(
                condition=year_range("active_since"), name="place_active_since_range"
            ),
            models.CheckConstraint(
                condition=Q(station_distance_km__isnull=True) | Q(station_distance_km__gte=0),
                name="place_station_distance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__length=5),
                name="place_postal_code_five_digits",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="place_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "name"], name="place_status_name_idx"),
            models.Index(fields=["status", "-published_at"], name="place_status_published_idx"),
            # The home page's featured entries, topped up with the newest.
            models.Index(
                fields=["status", "-featured", "-published_at", "name"],
                name="place_featured_newest_idx",
            ),
            # Related entries of a district, newest first (PlaceQuerySet.related_to).
            models.Index(
                fields=["district", "status", "-published_at"], name="place_district_newest_idx"
            ),
            models.Index(fields=["kind"], name="place_kind_idx"),
            models.Index(fields=["stage"], name="place_stage_idx"),
            # The bounding box of a distance filter (PlaceQuerySet.within).
            models.Index(fields=["latitude", "longitude"], name="place_coordinates_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("places:place-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            message = _("Bitte Breiten- und Längengrad gemeinsam angeben.")
            errors["latitude" if self.latitude is None else "longitude"] = message
        if self.building_year and self.active_since and self.active_since < self.building_year:
            errors["active_since"] = _("Die Nutzung kann nicht vor dem Baujahr begonnen haben.")
        for line in self.social_link_list:
            try:
                URLValidator(schemes=["https", "http"])(line)
            except ValidationError:
                errors["social_links"] = _("„%(line)s“ ist keine gültige Web-Adresse.") % {
                    "line": line[:80]
                }
                break
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def accepts_forwarded_inquiries(self):
        """Whether the contact form offers to forward an inquiry to the operators."""
        return bool(self.forward_inquiries and self.email and self.is_published)

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def social_link_list(self):
        return [line.strip() for line in self.social_links.splitlines() if line.strip()]

    @property
    def description_paragraphs(self):
        return paragraphs(self.description)

    @property
    def has_links(self):
        return bool(self.website or self.social_link_list)


class Milestone(models.Model):
    """A dated step of an entry's story: founded, bought, first guests, an award."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("Eintrag")
    )
    year = models.PositiveSmallIntegerField(
        _("Jahr"),
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR_IN_DATABASE)],
    )
    month = models.PositiveSmallIntegerField(
        _("Monat"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Optional, 1 bis 12."),
    )
    text = models.CharField(
        _("Was geschah"), max_length=200, help_text=_("Kurz, z. B. „Verein gegründet“.")
    )

    class Meta:
        ordering = ["year", models.F("month").asc(nulls_first=True), "pk"]
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        constraints = [
            models.CheckConstraint(condition=year_range("year"), name="milestone_year_range"),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="milestone_month_range",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="milestone_text_required"),
        ]

    def __str__(self):
        return f"{self.when}: {self.text}"

    @property
    def when(self):
        """ "2017" or "05/2017": the month only where it is known."""
        return f"{self.month:02d}/{self.year}" if self.month else str(self.year)


class PlaceImage(models.Model):
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="images", verbose_name=_("Eintrag")
    )
    image = models.ImageField(
        _("Bild"), upload_to="places/%Y/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("Breite"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("Höhe"), null=True, blank=True, editable=False)
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=250,
        help_text=_("Beschreibt, was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen."),
    )
    caption = models.CharField(_("Bildunterschrift"), max_length=250, blank=True)
    credit = models.CharField(
        _("Bildnachweis"), max_length=150, help_text=_("Wer das Foto gemacht hat / Rechteinhaber.")
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    renditions = models.JSONField(
        _("Verkleinerte Fassungen"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Breite in Pixeln → Dateiname; erzeugt von places.images.make_renditions."),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("Bild")
        verbose_name_plural = _("Bilder")
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="placeimage_alt_text_required"),
            models.CheckConstraint(condition=~Q(credit=""), name="placeimage_credit_required"),
        ]

    def __str__(self):
        return self.alt_text

    @property
    def credit_line(self):
        """The credit as shown under a photo: "Foto: …", unless the credit already says so."""
        if self.credit.casefold().startswith("foto"):
            return self.credit
        return f"{_('Foto:')} {self.credit}"

    @property
    def srcset(self):
        """The ``srcset`` of the smaller renditions and the original, narrowest first."""
        storage = self.image.storage
        candidates = sorted(
            (int(width), storage.url(name)) for width, name in self.renditions.items()
        )
        if self.width:
            candidates.append((self.width, self.image.url))
        return ", ".join(f"{url} {width}w" for width, url in candidates)


class PlaceOldSlug(models.Model):
    """A slug an entry had before it was renamed: its old address redirects (301) to the new."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="old_slugs", verbose_name=_("Eintrag")
    )
    slug = models.SlugField(_("Früherer Kurzname"), max_length=150, unique=True)
    created_at = models.DateTimeField(_("Umbenannt am"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Früherer Kurzname")
        verbose_name_plural = _("Frühere Kurznamen")

    def __str__(self):
        return self.slug


class CacheGeneration(models.Model):
    """The cache generation (places/cache.py): one row, shared by every worker and server.

    In the database, not in the cache, so that a bump commits together with the editorial
    change it announces, and a per-process cache (local memory) never hides it.
    """

    value = models.BigIntegerField(_("Generation"))

    class Meta:
        verbose_name = _("Cache-Generation")
        verbose_name_plural = _("Cache-Generation")

    def __str__(self):
        return str(self.value)
