"""``manage.py seed_demo --count N [--clear]``: synthetic entries for load tests and demos.

Entries spread over every district (coordinates inside the district's rough box), category,
feature, stage, kind and sought group, with German texts composed from the phrases below.
Every demo entry's slug starts with ``demo-``: ``--clear`` removes those and nothing else.
Rows are written with bulk inserts; 100,000 entries take about a minute on PostgreSQL.
"""

import io
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from places.cache import bump_generation
from places.models import (
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    Category,
    District,
    Feature,
    Kind,
    Need,
    Place,
    PlaceImage,
    Stage,
    Status,
    StepFree,
)
from places.search import refresh_search_documents, search_text
from places.text import slugify_de

DEMO_PREFIX = "demo-"
DEMO_IMAGE = "places/demo/demo-hof.jpg"
BATCH = 2000

# Rough boxes (south, north, west, east) and a few towns per district, by official code.
DISTRICTS = {
    "15081": ((52.45, 53.04, 10.77, 11.55), ["Salzwedel", "Kalbe (Milde)", "Arendsee", "Klötze"]),
    "15082": ((51.58, 51.95, 11.85, 12.50), ["Köthen", "Bitterfeld-Wolfen", "Zerbst", "Raguhn"]),
    "15083": ((52.02, 52.50, 10.95, 11.65), ["Haldensleben", "Oschersleben", "Wanzleben"]),
    "15084": ((50.95, 51.30, 11.60, 12.25), ["Naumburg", "Zeitz", "Weißenfels", "Freyburg"]),
    "15085": ((51.60, 52.00, 10.60, 11.35), ["Wernigerode", "Quedlinburg", "Halberstadt"]),
    "15086": ((52.05, 52.55, 11.75, 12.45), ["Burg", "Genthin", "Möckern", "Gommern"]),
    "15087": ((51.35, 51.70, 10.80, 11.70), ["Sangerhausen", "Hettstedt", "Eisleben"]),
    "15088": ((51.25, 51.65, 11.70, 12.20), ["Merseburg", "Querfurt", "Wettin-Löbejün"]),
    "15089": ((51.70, 52.05, 11.35, 12.00), ["Bernburg", "Staßfurt", "Schönebeck", "Calbe"]),
    "15090": ((52.35, 53.00, 11.55, 12.35), ["Stendal", "Tangermünde", "Havelberg", "Osterburg"]),
    "15091": ((51.65, 52.05, 12.20, 13.10), ["Wittenberg", "Coswig (Anhalt)", "Jessen"]),
    "15001": ((51.78, 51.90, 12.15, 12.35), ["Dessau-Roßlau"]),
    "15002": ((51.43, 51.53, 11.90, 12.05), ["Halle (Saale)"]),
    "15003": ((52.07, 52.20, 11.55, 11.72), ["Magdeburg"]),
    "12070": ((52.90, 53.35, 11.30, 12.35), ["Perleberg", "Wittenberge", "Pritzwalk"]),
    "12068": ((52.75, 53.25, 12.20, 13.05), ["Neuruppin", "Wittstock/Dosse", "Kyritz"]),
    "12063": ((52.40, 52.85, 12.10, 13.10), ["Rathenow", "Nauen", "Friesack", "Premnitz"]),
    "12069": ((51.95, 52.50, 12.25, 13.20), ["Bad Belzig", "Wiesenburg/Mark", "Werder"]),
    "12072": ((51.85, 52.35, 12.95, 13.70), ["Jüterbog", "Luckenwalde", "Baruth/Mark"]),
    "12051": ((52.37, 52.47, 12.45, 12.65), ["Brandenburg an der Havel"]),
    "12054": ((52.35, 52.45, 12.95, 13.15), ["Potsdam"]),
}
POSTAL_PREFIXES = {"ST": ["06", "39"], "BB": ["14", "16", "19"]}

VILLAGE_STEMS = [
    "Lindow",
    "Wendorf",
    "Rohrbeck",
    "Zichtau",
    "Mahlitz",
    "Kunrau",
    "Dannefeld",
    "Lüderitz",
    "Wernstedt",
    "Grieben",
    "Badingen",
    "Schinne",
    "Kläden",
    "Buchholz",
    "Wiepke",
    "Jeetze",
    "Bülitz",
    "Dolle",
    "Güsen",
    "Karow",
    "Ziesar",
    "Glien",
    "Schmerwitz",
    "Garlitz",
]
VILLAGE_PREFIXES = ["", "", "", "Klein ", "Groß ", "Alt ", "Neu "]

# Former uses, and how an entry is called after it: (former use, name pattern, is a farm).
BUILDINGS = [
    ("ehemalige Dorfschule", "Alte Schule {village}", False),
    ("ehemaliges Sägewerk", "Sägewerk {village}", False),
    ("ehemaliger Gutshof", "Gut {village}", True),
    ("Vierseitenhof", "Hof {village}", True),
    ("ehemaliges Pfarrhaus", "Pfarrhaus {village}", False),
    ("ehemaliger Bahnhof", "Bahnhof {village}", False),
    ("ehemalige Molkerei", "Molkerei {village}", False),
    ("ehemaliges Ferienlager", "Ferienlager am See {village}", False),
    ("ehemaliger Konsum", "Dorfladen {village}", False),
    ("Wassermühle", "Mühle {village}", False),
    ("ehemalige Kirche", "Kulturkirche {village}", False),
    ("Fachwerkscheune", "Kulturscheune {village}", True),
    ("ehemaliges Herrenhaus", "Herrenhaus {village}", False),
    ("ehemalige LPG-Werkstatt", "Werkhalle {village}", False),
]
PROJECT_NAMES = ["Werkraum {village}", "Landwerk {village}", "Dorfbüro {village}"]
TEASERS = [
    "{use_cap} mit Ateliers, Werkstatt und Platz für Gäste.",
    "Coworking und Wohnen unter einem Dach, {distance} Kilometer vom nächsten Bahnhof.",
    "Eine Gruppe aus {town} belebt {use} mit Kultur und Handwerk.",
    "Arbeiten im Grünen: Schreibtische, schnelles Netz und ein großer Garten.",
    "Gemeinschaftlich wohnen und arbeiten am Rand von {town}.",
    "Seminare, Sommerfeste und offene Werkstatt in {use}.",
    "Ein Ort für Kunst und Begegnung zwischen Feldern und Wäldern.",
    "Ferienwohnungen und ein Café für Radfahrende an der Landstraße.",
]
OPENINGS = [
    "{use_cap} stand nach {gap} Jahren Leerstand zum Verkauf.",
    "Als {founders} das Gebäude {year} entdeckten, waren Dach und Fenster undicht.",
    "Das Haus wurde {built} gebaut und lange vom Dorf genutzt.",
    "Am Anfang standen ein Aushang im Dorfladen und ein Treffen in der Kneipe.",
]
MIDDLES = [
    "Heute teilen sich {people} Menschen Werkstätten, Büros und eine große Küche.",
    "Im Erdgeschoss arbeiten Tischlerei und Keramikwerkstatt, oben liegen die Ateliers.",
    "Die Räume werden Schritt für Schritt mit Lehm, Holz und viel Eigenleistung saniert.",
    "Wer tageweise arbeiten möchte, mietet einen Schreibtisch mit Blick in den Garten.",
    "Zweimal im Jahr lädt die Gruppe zu einem offenen Wochenende mit Musik und Führungen ein.",
    "Ein Verein kümmert sich um Programm, Finanzen und die Kontakte zur Gemeinde.",
    "Die Gemeinde unterstützt das Vorhaben und vermittelt Kontakte zu Handwerksbetrieben.",
    "Im Sommer finden Lesungen, Kinoabende und Märkte auf der Wiese statt.",
    "Eine Photovoltaikanlage und eine Holzheizung versorgen die Gebäude mit Energie.",
    "Kinder aus der Nachbarschaft kommen zum Töpfern, Schnitzen und Gärtnern vorbei.",
]
FARM_SENTENCES = [
    "Auf dem Hof stehen Stall, Scheune und ein altes Backhaus.",
    "Der Hof ist über einen Feldweg erreichbar und bietet Platz für Zelte.",
    "Im Hofcafé gibt es am Wochenende Kuchen aus dem Holzofen.",
    "Die Höfe ringsum liefern Gemüse, Eier und Milch für die Küche.",
]
CLOSINGS = [
    "Bis zum Bahnhof in {station} sind es {distance} Kilometer, der Bus fährt stündlich.",
    "Gäste erreichen den Ort gut mit dem Rad, der Radweg führt direkt vorbei.",
    "Besuch ist nach Absprache jederzeit willkommen.",
    "Das nächste Ziel ist eine zweite Werkstatt im Nebengebäude.",
]
RARE_SENTENCE = "Im Nebenhaus betreibt eine Nachbarin eine kleine Seifenmanufaktur mit Hofverkauf."
RARE_SHARE = 0.001
FARM_SHARE = 0.37
FOUNDERS = [
    "zwei Familien aus Berlin",
    "ein Künstlerpaar",
    "drei Freundinnen",
    "eine Genossenschaft",
]
FIRST_NAMES = ["Anna", "Jonas", "Marie", "Lukas", "Sophie", "Paul", "Lea", "Felix", "Hanna"]
LAST_NAMES = ["Schulze", "Krüger", "Lehmann", "Neumann", "Schröder", "Wolf", "Hoffmann"]
OPENING_INFO = [
    "Sommerfest im August; sonst nach Vereinbarung.",
    "Coworking montags bis freitags von 9 bis 18 Uhr.",
    "Café am Wochenende von 13 bis 18 Uhr geöffnet.",
]


def _slots(rng, place_fields, town, year):
    return {
        "use": place_fields["former_use"],
        "use_cap": place_fields["former_use"][:1].upper() + place_fields["former_use"][1:],
        "town": town,
        "village": place_fields["locality_part"] or town,
        "distance": rng.choice(["2", "4,5", "7", "12", "18"]),
        "gap": rng.randint(3, 25),
        "founders": rng.choice(FOUNDERS),
        "year": year,
        "built": place_fields["building_year"],
        "people": rng.randint(4, 40),
        "station": town,
    }


def _paragraphs(rng, slots, farm, rare):
    first = [rng.choice(OPENINGS), *rng.sample(MIDDLES, 2)]
    second = rng.sample(MIDDLES, rng.randint(2, 4))
    if farm:
        second.append(rng.choice(FARM_SENTENCES))
    if rare:
        second.append(RARE_SENTENCE)
    third = [rng.choice(CLOSINGS)]
    return "\n\n".join(
        " ".join(part.format(**slots) for part in para) for para in (first, second, third)
    )


class Command(BaseCommand):
    help = "Add N synthetic demo entries (slug prefix 'demo-'), or remove them with --clear."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=0, help="demo entries to add")
        parser.add_argument("--clear", action="store_true", help="remove all demo entries first")
        parser.add_argument("--seed", type=int, default=11, help="random seed (same data)")
        parser.add_argument(
            "--photo-share", type=float, default=0.2, help="share of entries with a photo"
        )

    def handle(self, *args, count, clear, seed, photo_share, **options):
        if count < 0:
            raise CommandError("--count must not be negative.")
        if clear:
            removed = self.clear()
            self.stdout.write(f"Removed {removed} demo entries.")
        if count:
            with transaction.atomic():
                self.create(count, random.Random(seed), photo_share)
            self.stdout.write(f"Added {count} demo entries.")
            self.vacuum()
        bump_generation()

    def vacuum(self):
        """After a bulk load PostgreSQL needs fresh statistics, and the search-vector UPDATE
        left every row twice: rewrite the entries' table (demo databases only; it locks the
        table for a few seconds)."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return  # VACUUM cannot run in a transaction (a caller's, or a test's)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {Place._meta.db_table}")
            cursor.execute("VACUUM ANALYZE")

    def clear(self):
        demo = Place.objects.filter(slug__startswith=DEMO_PREFIX)
        removed = demo.count()
        with transaction.atomic():
            PlaceImage.objects.filter(place__in=demo).delete()
            for relation in (Place.categories, Place.features, Place.needs):
                relation.through.objects.filter(place__in=demo).delete()
            demo.delete()
        if default_storage.exists(DEMO_IMAGE):
            default_storage.delete(DEMO_IMAGE)
        return removed

    def vocabulary(self):
        categories = list(Category.objects.all())
        features = list(Feature.objects.all())
        needs = list(Need.objects.all())
        districts = [d for d in District.objects.all() if d.code in DISTRICTS]
        if not (categories and districts):
            raise CommandError("Load the vocabulary first: manage.py seed")
        return categories, features, needs, districts

    def create(self, count, rng, photo_share):
        categories, features, needs, districts = self.vocabulary()
        hofladen = [feature for feature in features if feature.slug == "hofladen"]
        others = [feature for feature in features if feature.slug != "hofladen"]
        start = Place.objects.filter(slug__startswith=DEMO_PREFIX).count()
        image = self.demo_image() if photo_share else None
        sqlite = connection.vendor != "postgresql"
        now = timezone.now()
        began = time.monotonic()
        for offset in range(0, count, BATCH):
            places, relations = [], []
            for number in range(start + offset, start + min(offset + BATCH, count)):
                place, chosen = self.make_place(
                    rng, number, districts, categories, others, hofladen, needs, now
                )
                if sqlite:
                    texts = [
                        place.teaser,
                        place.locality,
                        place.locality_part,
                        place.former_use,
                        place.district.name,
                        *(item.name for group in chosen for item in group),
                        place.description,
                    ]
                    place.search_text = search_text(place.name, texts)
                places.append(place)
                relations.append(chosen)
            self.insert(Place, places)
            self.link(places, relations)
            if image:
                self.insert(
                    PlaceImage,
                    [
                        PlaceImage(
                            place=place,
                            image=image[0],
                            width=image[1],
                            height=image[2],
                            alt_text=f"Außenansicht: {place.name}",
                            credit="Demo-Daten",
                        )
                        for place in places
                        if rng.random() < photo_share
                    ],
                )
        self.stdout.write(f"Rows written in {time.monotonic() - began:.1f} s.")
        if not sqlite:
            refresh_search_documents(
                Place.objects.filter(slug__startswith=DEMO_PREFIX)
                .values_list("pk", flat=True)
                .iterator()
            )

    def link(self, places, relations):
        rows = {Place.categories: [], Place.features: [], Place.needs: []}
        for place, (place_categories, place_features, place_needs) in zip(
            places, relations, strict=True
        ):
            for relation, items, column in (
                (Place.categories, place_categories, "category"),
                (Place.features, place_features, "feature"),
                (Place.needs, place_needs, "need"),
            ):
                rows[relation].extend(
                    relation.through(place_id=place.pk, **{f"{column}_id": item.pk})
                    for item in items
                )
        for relation, through_rows in rows.items():
            self.insert(relation.through, through_rows)

    def insert(self, model, objects):
        """Bulk insert: COPY on PostgreSQL (ids drawn from the sequence first), else
        bulk_create."""
        if connection.vendor != "postgresql" or not objects:
            model.objects.bulk_create(objects, batch_size=1000)
            return
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(objects)],
            )
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
            fields = model._meta.concrete_fields
            columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row(
                        [
                            field.get_db_prep_save(field.pre_save(obj, True), connection)
                            for field in fields
                        ]
                    )

    def make_place(self, rng, number, districts, categories, features, hofladen, needs, now):
        district = districts[number % len(districts)]
        (south, north, west, east), towns = DISTRICTS[district.code]
        town = rng.choice(towns)
        village = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_STEMS)
        kind = rng.choices(Kind.values, weights=[6, 3, 1])[0]
        stage = rng.choices(Stage.values, weights=[6, 3, 1])[0]
        status = rng.choices(Status.values, weights=[1, 3, 95, 1])[0]
        former_use, pattern, farm_building = rng.choice(BUILDINGS)
        farm = farm_building or rng.random() < FARM_SHARE - 3 / len(BUILDINGS)
        if kind != Kind.ORT and rng.random() < 0.5:
            pattern = rng.choice(PROJECT_NAMES)
        building_year = rng.randint(1780, 1985)
        active_since = rng.randint(max(building_year, 1995), 2025)
        fields = {
            "name": pattern.format(village=village),
            "former_use": former_use,
            "locality": town,
            "locality_part": village if village != town else "",
            "building_year": building_year,
        }
        slots = _slots(rng, fields, town, active_since)
        latitude = Decimal(f"{rng.uniform(south, north):.6f}")
        longitude = Decimal(f"{rng.uniform(west, east):.6f}")
        assert LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
        assert LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
        published = status == Status.PUBLISHED
        seeking = stage != Stage.REALISIERT and rng.random() < 0.7 or rng.random() < 0.1
        place = Place(
            **fields,
            slug=f"{DEMO_PREFIX}{number}-{slugify_de(fields['name'])}"[:150],
            kind=kind,
            stage=stage,
            status=status,
            teaser=rng.choice(TEASERS).format(**slots),
            description=_paragraphs(rng, slots, farm, rng.random() < RARE_SHARE),
            active_since=active_since if stage == Stage.REALISIERT else None,
            plot_area=rng.choice([None, rng.randint(800, 40000)]),
            usable_area=rng.choice([None, rng.randint(120, 3000)]),
            workspaces=rng.choice([None, rng.randint(2, 30)]),
            beds=rng.choice([None, None, rng.randint(2, 60)]),
            postal_code=rng.choice(POSTAL_PREFIXES[district.state]) + f"{rng.randint(0, 999):03d}",
            district=district,
            latitude=latitude,
            longitude=longitude,
            station_name=town,
            station_distance_km=Decimal(rng.randint(0, 250)) / 10,
            operator=rng.choice(
                ["", f"Verein {fields['name']} e. V.", "Genossenschaft Landwerk eG"]
            ),
            contact_person=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            step_free=rng.choice(StepFree.values),
            opening_info=rng.choice(["", *OPENING_INFO]),
            featured=rng.random() < 0.01,
            published_at=now - timedelta(minutes=rng.randint(0, 6 * 365 * 24 * 60))
            if published
            else None,
        )
        chosen_features = rng.sample(features, rng.randint(0, min(5, len(features))))
        if farm and hofladen and rng.random() < 0.5:
            chosen_features += hofladen
        chosen = (
            rng.sample(categories, rng.randint(1, min(2, len(categories)))),
            chosen_features,
            rng.sample(needs, rng.randint(1, min(3, len(needs)))) if seeking and needs else [],
        )
        return place, chosen

    def demo_image(self):
        """One small generated photo that every demo picture record shares."""
        from PIL import Image, ImageDraw

        width, height = 800, 600
        if not default_storage.exists(DEMO_IMAGE):
            picture = Image.new("RGB", (width, height), (120, 160, 110))
            draw = ImageDraw.Draw(picture)
            draw.rectangle([0, 0, width, height // 2], fill=(170, 200, 225))
            draw.polygon([(200, 300), (400, 150), (600, 300)], fill=(150, 60, 50))
            draw.rectangle([240, 300, 560, 480], fill=(225, 210, 180))
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=80)
            default_storage.save(DEMO_IMAGE, ContentFile(buffer.getvalue()))
        return DEMO_IMAGE, width, height
