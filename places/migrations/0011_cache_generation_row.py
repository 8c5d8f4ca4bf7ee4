import time

from django.db import migrations


def create_row(apps, schema_editor):
    """The one generation row exists from the start, so reading it is always one query."""
    CacheGeneration = apps.get_model("places", "CacheGeneration")
    CacheGeneration.objects.get_or_create(pk=1, defaults={"value": time.time_ns()})


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0010_place_coordinates_index"),
    ]

    operations = [
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
