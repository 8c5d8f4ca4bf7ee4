"""CSV and XLSX import and export of entries (django-import-export).

Columns carry the German field names. Vocabulary (district, categories, features, needs) and
choices are written as names and read by name or slug; an unknown value is a row error in
German. Export followed by import changes nothing: unchanged rows are skipped and so record no
history. The status is exported but never imported: a new row is a draft, and publishing stays
a deliberate step in the workflow. Regional editors import only into their regions' districts.
"""

import reversion
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export import fields, resources, widgets
from import_export.declarative import ModelDeclarativeMetaclass

from places.cache import bump_generation
from places.models import Category, District, Feature, Need, Place
from places.text import slugify_de

from .regions import OUTSIDE_REGION, may_work_on

SEPARATOR = ";"
TRUE_WORDS = {"1", "ja", "true", "wahr", "x", "yes"}
FALSE_WORDS = {"", "0", "nein", "false", "falsch", "no"}


def _lookup(model, value):
    text = str(value).strip()
    found = model.objects.filter(name__iexact=text).first() or (
        model.objects.filter(slug=slugify_de(text)).first()
    )
    if found is None and model is District:
        found = District.objects.filter(code=text).first()
    if found is None:
        raise ValueError(
            gettext("Unbekannt: „%(value)s“ ist kein Eintrag in „%(list)s“.")
            % {"value": text[:80], "list": model._meta.verbose_name_plural}
        )
    return found


class VocabularyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the name and read by name, slug (or district code)."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        return _lookup(self.model, value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name


class VocabularyListWidget(widgets.ManyToManyWidget):
    def __init__(self, model):
        super().__init__(model, separator=SEPARATOR, field="name")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return self.model.objects.none()
        terms = [term.strip() for term in str(value).split(self.separator) if term.strip()]
        return self.model.objects.filter(pk__in=[_lookup(self.model, term).pk for term in terms])

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{SEPARATOR} ".join(item.name for item in value.all())


class ChoiceWidget(widgets.Widget):
    """A choice written as its German label and read by label or stored value."""

    def __init__(self, choices, label):
        super().__init__()
        self.choices = choices
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        for choice in self.choices:
            if text.casefold() in (choice.value.casefold(), str(choice.label).casefold()):
                return choice.value
        raise ValueError(
            gettext("„%(value)s“ ist kein gültiger Wert für „%(field)s“. Erlaubt: %(allowed)s.")
            % {
                "value": text[:80],
                "field": self.label,
                "allowed": ", ".join(str(choice.label) for choice in self.choices),
            }
        )

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().casefold()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(gettext("Bitte „ja“ oder „nein“ angeben, nicht „%s“.") % text[:40])

    def render(self, value, obj=None, **kwargs):
        return gettext("ja") if value else gettext("nein")


class TextWidget(widgets.CharWidget):
    """Text fields are never NULL: an empty cell is an empty string."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else str(value).strip()


VOCABULARY = {"district": District, "categories": Category, "features": Feature, "needs": Need}
CHOICES = {"kind": Place.Kind, "stage": Place.Stage, "step_free": Place.StepFree}
FIELDS = [
    "slug",
    "name",
    "kind",
    "categories",
    "teaser",
    "description",
    "stage",
    "needs",
    "former_use",
    "building_year",
    "active_since",
    "plot_area",
    "usable_area",
    "workspaces",
    "beds",
    "street",
    "postal_code",
    "locality",
    "locality_part",
    "district",
    "latitude",
    "longitude",
    "station_name",
    "station_distance_km",
    "operator",
    "contact_person",
    "email",
    "phone",
    "website",
    "social_links",
    "forward_inquiries",
    "features",
    "opening_info",
    "step_free",
    "accessibility_notes",
    "featured",
    "last_checked",
]
EXPORT_ONLY = ["status", "published_at"]


def _field(name):
    model_field = Place._meta.get_field(name)
    label = str(model_field.verbose_name)
    readonly = name in EXPORT_ONLY
    if name in VOCABULARY:
        widget_class = VocabularyListWidget if model_field.many_to_many else VocabularyWidget
        widget = widget_class(VOCABULARY[name])
    elif name in CHOICES or name == "status":
        widget = ChoiceWidget(CHOICES.get(name, Place.Status), label)
    elif model_field.get_internal_type() == "BooleanField":
        widget = YesNoWidget()
    elif model_field.get_internal_type() in ("DecimalField",):
        widget = widgets.DecimalWidget()
    elif model_field.get_internal_type().endswith("IntegerField"):
        widget = widgets.IntegerWidget()
    elif model_field.get_internal_type() == "DateField":
        widget = widgets.DateWidget(format="%Y-%m-%d")
    elif model_field.get_internal_type() == "DateTimeField":
        widget = widgets.DateTimeWidget(format="%Y-%m-%d %H:%M")
    else:
        widget = TextWidget()
    return fields.Field(
        attribute=name,
        column_name=label,
        widget=widget,
        readonly=readonly,
        saves_null_values=not isinstance(widget, TextWidget),
    )


class PlaceResourceMeta(ModelDeclarativeMetaclass):
    def __new__(mcs, name, bases, attrs):
        for field_name in [*FIELDS, *EXPORT_ONLY]:
            attrs.setdefault(field_name, _field(field_name))
        return super().__new__(mcs, name, bases, attrs)


class PlaceResource(resources.ModelResource, metaclass=PlaceResourceMeta):
    class Meta:
        model = Place
        fields = [*FIELDS, *EXPORT_ONLY]
        export_order = [*FIELDS, *EXPORT_ONLY]
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("district")
            .prefetch_related("categories", "features", "needs")
        )

    def before_import_row(self, row, **kwargs):
        slug_column = self.fields["slug"].column_name
        name_column = self.fields["name"].column_name
        if not str(row.get(slug_column) or "").strip() and row.get(name_column):
            row[slug_column] = slugify_de(row[name_column])

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._district_before_import = None if new else instance.district_id

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Vocabulary lists are saved after the entry; check them now, so that an unknown
        # category is a row error in the preview instead of a failure while saving.
        for field in self.fields.values():
            if (
                field.attribute in VOCABULARY
                and Place._meta.get_field(field.attribute).many_to_many
            ):
                try:
                    field.clean(row)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(str(error))
        if self.user is not None:
            for district_id in (instance._district_before_import, instance.district_id):
                if district_id is not None and not may_work_on(self.user, district_id):
                    errors.setdefault("district", []).append(str(OUTSIDE_REGION))
                    break
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Row errors carry the German column names, as in the file."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {field.attribute: field.column_name for field in self.fields.values()}
            raise ValidationError(
                {columns.get(key, key): value for key, value in error.message_dict.items()}
            ) from None

    def import_row(self, row, instance_loader, **kwargs):
        with reversion.create_revision():
            if self.user is not None:
                reversion.set_user(self.user)
            reversion.set_comment(gettext("Import aus einer Tabelle"))
            return super().import_row(row, instance_loader, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            bump_generation()
