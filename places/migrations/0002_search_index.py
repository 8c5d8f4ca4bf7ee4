# A GIN index for the German full-text search on PostgreSQL (places/search.py).
#
# It indexes an expression, not a column, so nothing has to keep a stored vector up to date.
# The expression below must stay identical to places.search.document_vector(), or PostgreSQL
# will not use the index (tests/places/test_search.py checks that it does). Other databases get
# no index: SQLite's search fallback scans the table.

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "place_search_idx"


def search_index():
    vector = (
        SearchVector("name", weight="A", config="german")
        + SearchVector(
            "teaser", "locality", "locality_part", "former_use", weight="B", config="german"
        )
        + SearchVector("description", weight="C", config="german")
    )
    return GinIndex(vector, name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("places", "Place"), search_index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("places", "Place"), search_index())


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
