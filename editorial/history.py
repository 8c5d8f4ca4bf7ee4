"""History of entries and their photos, kept with django-reversion.

An entry's version always carries its photos (``follow``), so each revision is a complete
snapshot: the history page compares consecutive snapshots field by field, a restore brings back
the entry with the photos it had, and a deleted entry is recovered from its last snapshot.
``updated_at`` and the photos' renditions are not versioned: they change without an editor
changing anything, and a save that changes nothing records nothing (see the admin's
``save_model``).
"""

from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from reversion.models import Version

from places.cache import bump_generation
from places.models import Category, District, Feature, Need, Place, PlaceImage

PLACE_EXCLUDE = ["updated_at"]
IMAGE_EXCLUDE = []
RELATED_NAMES = {
    "district": District,
    "categories": Category,
    "features": Feature,
    "needs": Need,
}
IMAGE_FIELDS = ["image", "alt_text", "caption", "credit", "order"]


def register_models():
    if not reversion.is_registered(PlaceImage):
        reversion.register(PlaceImage, exclude=IMAGE_EXCLUDE, ignore_duplicates=True)
    if not reversion.is_registered(Place):
        reversion.register(Place, exclude=PLACE_EXCLUDE, follow=["images"])


def versions_of(place_pk):
    """The entry's versions, newest first (also for a deleted entry)."""
    return (
        Version.objects.get_for_object_reference(Place, place_pk)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def last_editor_subquery(column):
    """A subquery for the user name (``column="revision__user__username"``) or time
    (``"revision__date_created"``) of an entry's latest version, to annotate the change list."""
    latest = (
        Version.objects.get_for_model(Place)
        .filter(object_id=Cast(OuterRef("pk"), CharField()))
        .order_by("-revision__date_created")
        .values(column)[:1]
    )
    return Subquery(latest)


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class RevisionDiff:
    version: Version
    changes: list = field(default_factory=list)

    @property
    def revision(self):
        return self.version.revision


def _names(model, ids):
    if not ids:
        return "–"
    if not isinstance(ids, list | tuple | set):
        ids = [ids]
    found = dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))
    return ", ".join(str(found.get(pk, f"#{pk}")) for pk in sorted(ids, key=str))


def _display(model_field, value):
    name = model_field.name
    if name in RELATED_NAMES:
        return _names(RELATED_NAMES[name], value)
    if value in (None, ""):
        return "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nein")
    return str(localize(template_localtime(value)) if hasattr(value, "tzinfo") else value)


def _field_changes(model, old, new, names):
    changes = []
    for name in names:
        model_field = model._meta.get_field(name)
        key = model_field.attname
        before, after = old.get(key), new.get(key)
        if model_field.many_to_many:
            before, after = sorted(before or []), sorted(after or [])
        if before != after:
            changes.append(
                Change(
                    str(model_field.verbose_name),
                    _display(model_field, before),
                    _display(model_field, after),
                )
            )
    return changes


def _image_versions(version):
    """Photos in the same revision as an entry's version: ``{object_id: field_dict}``."""
    images = version.revision.version_set.filter(
        content_type=ContentType.objects.get_for_model(PlaceImage)
    )
    result = {}
    for image_version in images:
        data = image_version.field_dict
        if str(data.get("place_id")) == version.object_id:
            result[image_version.object_id] = data
    return result


def place_field_names():
    return [
        f.name
        for f in Place._meta.get_fields()
        if f.concrete and not f.auto_created and f.name not in PLACE_EXCLUDE and f.editable
    ]


def _image_changes(old_images, new_images):
    changes = []
    label = gettext("Bild")
    for object_id, data in new_images.items():
        if object_id not in old_images:
            changes.append(Change(label, "–", gettext("hinzugefügt: %s") % data["alt_text"]))
            continue
        for change in _field_changes(PlaceImage, old_images[object_id], data, IMAGE_FIELDS):
            change.label = f"{label} „{data['alt_text']}“: {change.label}"
            changes.append(change)
    for object_id, data in old_images.items():
        if object_id not in new_images:
            changes.append(Change(label, data["alt_text"], gettext("entfernt")))
    return changes


def diffs(place_pk):
    """Each version of the entry with what it changed against the one before, newest first."""
    versions = list(versions_of(place_pk))
    names = place_field_names()
    result = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        new_data, new_images = version.field_dict, _image_versions(version)
        old_data = previous.field_dict if previous else {}
        old_images = _image_versions(previous) if previous else {}
        changes = []
        if previous is not None:
            changes = _field_changes(Place, old_data, new_data, names)
            changes += _image_changes(old_images, new_images)
        result.append(RevisionDiff(version, changes))
    return result


def _drop_images_without_files(place):
    """Photos whose files were removed from storage cannot come back; their rows go."""
    for image in place.images.all():
        if not image.image or not image.image.storage.exists(image.image.name):
            image.delete()


def restore_version(version, *, user):
    """Bring the entry back to this version, photos included, as a new version in the history.
    Works for a deleted entry too (recovery)."""
    with transaction.atomic(), reversion.create_revision():
        version.revision.revert(delete=True)
        place = Place.objects.get(pk=version.object_id)
        _drop_images_without_files(place)
        reversion.add_to_revision(place)
        reversion.set_user(user)
        reversion.set_comment(
            gettext("Fassung vom %(date)s wiederhergestellt")
            % {"date": localize(template_localtime(version.revision.date_created))}
        )
    bump_generation()
    return place


def snapshot_before_delete(place, *, user):
    """Record the entry as it is, so that it can be recovered after deletion."""
    with reversion.create_revision():
        reversion.add_to_revision(place)
        reversion.set_user(user)
        reversion.set_comment(gettext("Gelöscht"))


def deleted_versions(district_ids=None):
    """The last version of each deleted entry, newest first, limited to these districts."""
    deleted = Version.objects.get_deleted(Place).select_related("revision__user")
    if district_ids is None:
        return list(deleted)
    return [v for v in deleted if v.field_dict.get("district_id") in district_ids]
