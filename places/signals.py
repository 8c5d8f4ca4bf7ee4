"""Photo files follow their rows: a deleted photo, or one whose file was replaced, leaves no
original or rendition behind in (publicly served) storage.

Receivers, not a ``delete()`` override: entries delete their photos by cascade and querysets
delete in bulk, and only the deletion signals see every one of those rows.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .images import delete_files_on_commit, stored_files
from .models import PlaceImage


@receiver(pre_save, sender=PlaceImage)
def remember_replaced_file(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    previous = PlaceImage.objects.filter(pk=instance.pk).only("image", "renditions").first()
    if previous is not None and previous.image.name != instance.image.name:
        instance._replaced_files = stored_files(previous)


@receiver(post_save, sender=PlaceImage)
def delete_replaced_file(sender, instance, **kwargs):
    names = getattr(instance, "_replaced_files", None)
    if names:
        del instance._replaced_files
        delete_files_on_commit(instance.image.storage, names)


@receiver(post_delete, sender=PlaceImage)
def delete_files_of_deleted_image(sender, instance, **kwargs):
    delete_files_on_commit(instance.image.storage, stored_files(instance))
