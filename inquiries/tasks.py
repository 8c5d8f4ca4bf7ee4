"""Tasks of the intake, run by the configured ``django.tasks`` backend (TASKS).

A notification that fails (mail server down or hanging) is tried again by the worker after a
growing pause; after the last retry the row stays "fehlgeschlagen" for the manual path, the
admin action and ``manage.py resend_notifications``, which deliver through the same
:func:`~inquiries.notifications.deliver`.
"""

import logging
from datetime import timedelta

from django.tasks import task
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone

from .models import NotificationStatus
from .notifications import RECORD_MODELS, deliver

logger = logging.getLogger(__name__)

# Pauses before the 2nd, 3rd, … attempt: about six hours of retries in all.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)


@task
def deliver_notifications(kind, pk, attempt=1):
    """Send the mails of a saved submission, record the outcome on its row, and schedule a
    retry while it fails. Returns the notification status (None: nothing was due)."""
    outcome = deliver(RECORD_MODELS[kind], pk)
    if outcome == NotificationStatus.FAILED:
        schedule_retry(kind, pk, attempt)
    return outcome


def schedule_retry(kind, pk, attempt):
    """Queue attempt ``attempt + 1`` after its pause; False when the retries are used up or
    the backend cannot defer (the immediate backend of development and tests)."""
    if attempt > len(RETRY_DELAYS) or not deliver_notifications.get_backend().supports_defer:
        return False
    run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
    deliver_notifications.using(run_after=run_after).enqueue(kind, pk, attempt + 1)
    logger.info(
        "Notification for %s %s failed; attempt %s at %s.", kind, pk, attempt + 1, run_after
    )
    return True


def runs_in_worker():
    """Whether tasks go to a queue that a worker takes them from (not run at once)."""
    return not isinstance(deliver_notifications.get_backend(), ImmediateBackend)


def queue_deliveries(model, pks):
    """Hand notifications to the worker, for the admin's resend action: the editor's request
    never waits for the mail server."""
    kind = next(kind for kind, record_model in RECORD_MODELS.items() if record_model is model)
    for pk in pks:
        deliver_notifications.enqueue(kind, pk)
    return len(pks)
