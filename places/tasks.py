"""Tasks of the directory, run by the configured ``django.tasks`` backend (TASKS)."""

from functools import partial

from django.db import transaction
from django.tasks import task

from .images import make_renditions
from .models import PlaceImage


@task
def write_renditions(image_pk):
    """Write the srcset copies of a stored photo in the worker, not in the upload's request."""
    place_image = PlaceImage.objects.filter(pk=image_pk).first()
    if place_image is None:  # deleted before the worker came to it
        return False
    make_renditions(place_image)
    return True


def write_renditions_on_commit(place_image):
    """Queue the copies of a photo once the transaction that saved it has committed; until the
    worker has written them, pages offer the original alone."""
    transaction.on_commit(partial(write_renditions.enqueue, place_image.pk), robust=True)
