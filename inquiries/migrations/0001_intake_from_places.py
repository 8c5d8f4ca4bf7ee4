"""The intake moves here from ``places`` with its tables and rows.

The models are created in the migration state only, on the tables ``places`` made (0003, 0005);
then AlterModelTable renames each table to this app's name, which is a rename in the catalogue
on SQLite and PostgreSQL alike (no rows are copied). ``places`` 0006 drops the models from its
state afterwards. The content types follow the models, so editors' permissions on inquiries and
the admin history stay attached.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MODELS = ["inquiry", "placesubmission", "ratelimitevent"]


def move_content_types(from_app, to_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MODELS:
            if ContentType.objects.using(db).filter(app_label=to_app, model=model).exists():
                continue
            ContentType.objects.using(db).filter(app_label=from_app, model=model).update(
                app_label=to_app
            )

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("places", "0005_inquiry_review_fixes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RateLimitEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key_hash', models.CharField(max_length=64, verbose_name='Schlüssel-Hash des Absenders')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='Abgeschickt am')),
                    ],
                    options={
                        'db_table': 'places_ratelimitevent',
                        'verbose_name': 'Formularversand (Ratenbegrenzung)',
                        'verbose_name_plural': 'Formularversände (Ratenbegrenzung)',
                        'indexes': [models.Index(fields=['key_hash', 'created_at'], name='ratelimit_key_created_idx'), models.Index(fields=['created_at'], name='ratelimit_created_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='Inquiry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.UUIDField(editable=False, help_text='Verhindert doppelte Einträge, wenn ein Formular zweimal abgeschickt wird.', unique=True, verbose_name='Formular-Kennung')),
                        ('consent_at', models.DateTimeField(verbose_name='Einwilligung erteilt am')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='Eingegangen am')),
                        ('anonymised_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='Anonymisiert am')),
                        ('notification_status', models.CharField(choices=[('pending', 'ausstehend'), ('sent', 'versendet'), ('failed', 'fehlgeschlagen'), ('skipped', 'nicht versendet')], default='pending', editable=False, max_length=10, verbose_name='Benachrichtigung')),
                        ('notification_attempts', models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='Zustellversuche')),
                        ('notification_error', models.TextField(blank=True, editable=False, verbose_name='Letzter Fehler')),
                        ('notified_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='Redaktion benachrichtigt am')),
                        ('confirmation_sent_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='Eingangsbestätigung gesendet am')),
                        ('concern', models.CharField(choices=[('found', 'Ich möchte einen Kreativort gründen'), ('seek', 'Ich suche einen Ort zum Arbeiten oder Wohnen'), ('join', 'Ich möchte bei einem Projekt mitmachen'), ('press', 'Presse'), ('other', 'Sonstiges')], max_length=20, verbose_name='Anliegen')),
                        ('name', models.CharField(blank=True, max_length=100, verbose_name='Name')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='E-Mail-Adresse')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='Telefon')),
                        ('organisation', models.CharField(blank=True, max_length=150, verbose_name='Organisation')),
                        ('message', models.TextField(blank=True, verbose_name='Nachricht')),
                        ('status', models.CharField(choices=[('new', 'neu'), ('in_progress', 'in Bearbeitung'), ('answered', 'beantwortet'), ('spam', 'Spam')], default='new', max_length=20, verbose_name='Bearbeitungsstand')),
                        ('editor_note', models.TextField(blank=True, help_text='Nur für die Redaktion sichtbar.', verbose_name='Notiz der Redaktion')),
                        ('forward_consented', models.BooleanField(default=False, editable=False, help_text='Das Formular bot beim Absenden die Weiterleitung an die Betreiber des Eintrags an, und die Person hat zugestimmt. Nur dann wird weitergeleitet.', verbose_name='Weiterleitung zugestimmt')),
                        ('forwarded_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='An den Eintrag weitergeleitet am')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='Geändert am')),
                        ('place', models.ForeignKey(blank=True, help_text='Der Eintrag, zu dem die Anfrage gestellt wurde, falls vorhanden.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='inquiries', to='places.place', verbose_name='Eintrag')),
                    ],
                    options={
                        'db_table': 'places_inquiry',
                        'verbose_name': 'Anfrage',
                        'verbose_name_plural': 'Anfragen',
                        'ordering': ['-created_at'],
                        'abstract': False,
                        'indexes': [models.Index(fields=['status', '-created_at'], name='inquiry_status_created_idx'), models.Index(fields=['notification_status', 'created_at'], name='inquiry_notification_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('notification_status__in', ['pending', 'sent', 'failed', 'skipped'])), name='inquiry_notification_status_valid'), models.CheckConstraint(condition=models.Q(('anonymised_at__isnull', False), models.Q(('email', ''), _negated=True), _connector='OR'), name='inquiry_email_unless_anonymised'), models.CheckConstraint(condition=models.Q(('status__in', ['new', 'in_progress', 'answered', 'spam'])), name='inquiry_status_valid'), models.CheckConstraint(condition=models.Q(('concern__in', ['found', 'seek', 'join', 'press', 'other'])), name='inquiry_concern_valid')],
                    },
                ),
                migrations.CreateModel(
                    name='PlaceSubmission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.UUIDField(editable=False, help_text='Verhindert doppelte Einträge, wenn ein Formular zweimal abgeschickt wird.', unique=True, verbose_name='Formular-Kennung')),
                        ('consent_at', models.DateTimeField(verbose_name='Einwilligung erteilt am')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='Eingegangen am')),
                        ('anonymised_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='Anonymisiert am')),
                        ('notification_status', models.CharField(choices=[('pending', 'ausstehend'), ('sent', 'versendet'), ('failed', 'fehlgeschlagen'), ('skipped', 'nicht versendet')], default='pending', editable=False, max_length=10, verbose_name='Benachrichtigung')),
                        ('notification_attempts', models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='Zustellversuche')),
                        ('notification_error', models.TextField(blank=True, editable=False, verbose_name='Letzter Fehler')),
                        ('notified_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='Redaktion benachrichtigt am')),
                        ('confirmation_sent_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='Eingangsbestätigung gesendet am')),
                        ('name', models.CharField(blank=True, max_length=100, verbose_name='Name')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='E-Mail-Adresse')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='Telefon')),
                        ('note', models.TextField(blank=True, verbose_name='Nachricht an die Redaktion')),
                        ('rights_confirmed', models.BooleanField(default=False, help_text='Die einreichende Person hat bestätigt, die Rechte an den Fotos zu besitzen.', verbose_name='Bildrechte bestätigt')),
                        ('place', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='submission', to='places.place', verbose_name='Eintrag')),
                    ],
                    options={
                        'db_table': 'places_placesubmission',
                        'verbose_name': 'Einreichung',
                        'verbose_name_plural': 'Einreichungen',
                        'ordering': ['-created_at'],
                        'abstract': False,
                        'indexes': [models.Index(fields=['notification_status', 'created_at'], name='submission_notification_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('notification_status__in', ['pending', 'sent', 'failed', 'skipped'])), name='placesubmission_notification_status_valid'), models.CheckConstraint(condition=models.Q(('anonymised_at__isnull', False), models.Q(('email', ''), _negated=True), _connector='OR'), name='placesubmission_email_unless_anonymised')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="inquiry", table=None),
        migrations.AlterModelTable(name="placesubmission", table=None),
        migrations.AlterModelTable(name="ratelimitevent", table=None),
        migrations.RunPython(
            move_content_types("places", "inquiries"), move_content_types("inquiries", "places")
        ),
    ]
