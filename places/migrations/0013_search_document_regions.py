from django.db import migrations

# The stored search document takes in the names of the regions an entry's district belongs to.


def build_documents(apps, schema_editor):
    from places.search import refresh_search_documents

    refresh_search_documents(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0012_region_old_slugs"),
    ]

    operations = [
        migrations.RunPython(build_documents, migrations.RunPython.noop),
    ]
