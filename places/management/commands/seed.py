import json
from pathlib import Path

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from places import publishing
from places.models import Category, District, Feature, FundingProgramme, Milestone, Need, Place
from places.text import slugify_de

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
RELATIONS = {
    "categories": Category,
    "features": Feature,
    "needs": Need,
    "funding_programmes": FundingProgramme,
}


class Command(BaseCommand):
    help = (
        "Load the seed data from fixtures/. Idempotent: rows that already exist (same slug, "
        "district code or flat page URL) are left exactly as editors left them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", type=Path, default=FIXTURES_DIR)

    @transaction.atomic
    def handle(self, *args, fixtures, **options):
        self.created = 0
        vocabulary = self.read(fixtures / "vocabulary.json")
        vocabularies = [
            (Category, "categories"),
            (Feature, "features"),
            (Need, "needs"),
            (FundingProgramme, "funding_programmes"),
        ]
        for model, key in vocabularies:
            for row in vocabulary[key]:
                self.create_missing(model, {"slug": row.pop("slug")}, row)
        for row in vocabulary["districts"]:
            row.setdefault("slug", slugify_de(row["name"]))
            self.create_missing(District, {"code": row.pop("code")}, row)
        for row in self.read(fixtures / "places.json"):
            self.create_place(row)
        self.create_flatpages(self.read(fixtures / "flatpages.json"))
        self.stdout.write(f"Seed data: {self.created} new rows, existing rows left unchanged.")

    def read(self, path):
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)

    def create_missing(self, model, lookup, defaults):
        obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
        self.created += created
        return obj, created

    def create_place(self, row):
        if Place.objects.filter(slug=row["slug"]).exists():
            return
        relations = {name: row.pop(name, []) for name in RELATIONS}
        milestones = [Milestone(**milestone) for milestone in row.pop("milestones", [])]
        status = row.pop("status", Place.Status.DRAFT)
        row["district"] = District.objects.get(code=row["district"])
        # "Zuletzt geprüft" stays empty: loading seed data checks nothing.
        place = Place(**row)
        if status != Place.Status.PUBLISHED:
            place.status = status
        place.full_clean(exclude=list(RELATIONS))
        place.save()
        for name, model in RELATIONS.items():
            related = list(model.objects.filter(slug__in=relations[name]))
            if len(related) != len(set(relations[name])):
                raise CommandError(f"{place.slug}: unknown {name} in {relations[name]}")
            getattr(place, name).set(related)
        for milestone in milestones:
            milestone.place = place
            milestone.full_clean()
            milestone.save()
        if status == Place.Status.PUBLISHED:
            publishing.publish(place)
        self.created += 1

    def create_flatpages(self, pages):
        site = Site.objects.get_current()
        if site.domain == "example.com":
            site.domain, site.name = "127.0.0.1:8000", "Kreativorte im Grünen"
            site.save()
        for page in pages:
            flatpage, created = self.create_missing(FlatPage, {"url": page.pop("url")}, page)
            if created:
                flatpage.sites.add(site)
