"""Inquiry, PlaceSubmission and RateLimitEvent now belong to the ``inquiries`` app, which took
over their tables and rows (inquiries 0001); here they only leave the migration state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("places", "0005_inquiry_review_fixes"),
        ("inquiries", "0001_intake_from_places"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Inquiry"),
                migrations.DeleteModel(name="PlaceSubmission"),
                migrations.DeleteModel(name="RateLimitEvent"),
            ],
        ),
    ]
