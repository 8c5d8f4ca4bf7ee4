"""Tasks of the intake, run by the configured ``django.tasks`` backend (TASKS)."""

from django.tasks import task

from .notifications import RECORD_MODELS, deliver


@task
def deliver_notifications(kind, pk):
    """Task wrapper around :func:`deliver`, enqueued once the submission has committed."""
    deliver(RECORD_MODELS[kind], pk)
