"""Notifications leave the request: the worker sends them, records the outcome and retries.

The hanging-server test is the issue's case: an SMTP server that accepts connections and never
answers. The form post returns before the mail timeout could even expire, while a worker sits
stuck on that server.
"""

import socket
import threading
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from inquiries import tasks
from inquiries.models import Inquiry, NotificationStatus
from tests.inquiries.inquiry_helpers import BROKEN_MAILERS, contact_data

EDITORS = ["redaktion@example.org"]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SMTP_TIMEOUT = 5


class HangingSMTPServer:
    """Accepts connections and never says a word, like a mail server that has hung."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.clients = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while True:
            try:
                client, _address = self.sock.accept()
            except OSError:  # closed
                return
            self.clients.append(client)
            self.accepted.set()

    def mailers(self):
        options = {"host": "127.0.0.1", "port": self.port, "timeout": SMTP_TIMEOUT}
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": options,
            }
        }

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()
        for client in self.clients:
            client.close()
        if self.thread.is_alive():
            self.thread.join(timeout=5)


def run_worker():
    """One db_worker pass over the ready tasks, in this thread, as `manage.py db_worker` runs."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    try:
        worker.run()
    finally:
        connection.close()


def queued(kind, pk, attempt):
    return DBTaskResult.objects.filter(
        task_path="inquiries.tasks.deliver_notifications",
        args_kwargs__args=[kind, pk, attempt] if attempt > 1 else [kind, pk],
    )


@override_settings(
    TASKS=DATABASE_TASKS, KREATIVORTE_EDITOR_EMAILS=EDITORS, KREATIVORTE_SEND_CONFIRMATION=False
)
class HangingMailServerTests(TransactionTestCase):
    def post(self, **overrides):
        started = time.monotonic()
        response = self.client.post(reverse("inquiries:contact"), contact_data(**overrides))
        return response, time.monotonic() - started

    def test_form_post_does_not_wait_for_a_hanging_mail_server(self):
        smtp = HangingSMTPServer()
        with smtp, override_settings(MAILERS=smtp.mailers()):
            response, seconds = self.post(name="Erste Absenderin")
            self.assertRedirects(response, reverse("inquiries:contact-thanks"))
            assert seconds < SMTP_TIMEOUT, f"the post took {seconds:.2f} s"
            first = Inquiry.objects.get()
            assert first.notification_status == NotificationStatus.PENDING
            assert queued("inquiry", first.pk, 1).get().status == "READY"
            assert not smtp.accepted.is_set()  # the request never spoke to the mail server

            worker = threading.Thread(target=run_worker)
            worker.start()
            assert smtp.accepted.wait(timeout=10), "the worker never reached the mail server"

            response, seconds = self.post(name="Zweiter Absender")
            self.assertRedirects(response, reverse("inquiries:contact-thanks"))
            assert worker.is_alive(), "the worker should still be stuck on the mail server"
            assert seconds < SMTP_TIMEOUT, f"the post took {seconds:.2f} s"
            print(f"\nform post while the worker hangs on SMTP: {seconds * 1000:.0f} ms")

            # The server goes away: the worker's attempt fails, is recorded, and a retry is
            # queued; the next notification finds no server at all and fails the same way.
            smtp.close()
            worker.join(timeout=3 * SMTP_TIMEOUT)
        assert not worker.is_alive()
        first.refresh_from_db()
        assert first.notification_status == NotificationStatus.FAILED
        assert first.notification_attempts == 1
        assert first.notification_error
        retry = queued("inquiry", first.pk, 2).get()
        assert retry.status == "READY"
        assert retry.run_after > timezone.now() + timedelta(seconds=30)
        second = Inquiry.objects.exclude(pk=first.pk).get()
        assert second.notification_status == NotificationStatus.FAILED
        assert queued("inquiry", second.pk, 2).exists()


@override_settings(
    TASKS=DATABASE_TASKS,
    MAILERS=BROKEN_MAILERS,
    KREATIVORTE_EDITOR_EMAILS=EDITORS,
    KREATIVORTE_SEND_CONFIRMATION=False,
)
class RetryTests(TestCase):
    def setUp(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inquiries:contact"), contact_data())
        self.inquiry = Inquiry.objects.get()

    def test_post_only_queues_the_notification(self):
        assert self.inquiry.notification_status == NotificationStatus.PENDING
        assert self.inquiry.notification_attempts == 0
        assert queued("inquiry", self.inquiry.pk, 1).count() == 1

    def test_failure_is_recorded_and_retried_later_with_growing_pauses(self):
        pauses = []
        for attempt in range(1, len(tasks.RETRY_DELAYS) + 2):
            before = timezone.now()
            with self.assertLogs("inquiries.notifications", "ERROR"):
                outcome = tasks.deliver_notifications.call("inquiry", self.inquiry.pk, attempt)
            assert outcome == NotificationStatus.FAILED
            retry = queued("inquiry", self.inquiry.pk, attempt + 1).first()
            if attempt <= len(tasks.RETRY_DELAYS):
                pauses.append(retry.run_after - before)
            else:
                assert retry is None  # retries used up: the manual path takes over
        assert pauses == sorted(pauses)
        assert pauses[0] >= timedelta(minutes=1)
        self.inquiry.refresh_from_db()
        assert self.inquiry.notification_attempts == len(tasks.RETRY_DELAYS) + 1
        assert self.inquiry.notification_status == NotificationStatus.FAILED

    def test_success_schedules_nothing(self):
        with override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        ):
            outcome = tasks.deliver_notifications.call("inquiry", self.inquiry.pk)
        assert outcome == NotificationStatus.SENT
        assert not queued("inquiry", self.inquiry.pk, 2).exists()
        # A retry left over from an earlier failure finds nothing to do.
        assert tasks.deliver_notifications.call("inquiry", self.inquiry.pk, 2) is None

    def test_admin_resend_hands_the_notification_to_the_worker(self):
        admin = get_user_model().objects.create_superuser("redaktion", "r@example.org", "pw")
        self.client.force_login(admin)
        with self.assertLogs("inquiries.notifications", "ERROR"):
            tasks.deliver_notifications.call("inquiry", self.inquiry.pk)
        response = self.client.post(
            reverse("admin:inquiries_inquiry_changelist"),
            {"action": "resend_notifications", "_selected_action": [self.inquiry.pk]},
            follow=True,
        )
        self.assertContains(response, "1 Benachrichtigung wird gleich versendet")
        assert queued("inquiry", self.inquiry.pk, 1).filter(status="READY").count() == 2
        self.inquiry.refresh_from_db()
        assert self.inquiry.notification_attempts == 1  # nothing sent inside the request

    @override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    )
    def test_immediate_backend_leaves_failures_to_the_resend_command(self):
        with self.assertLogs("inquiries.notifications", "ERROR"):
            assert tasks.deliver_notifications.call("inquiry", self.inquiry.pk) == "failed"
        assert not tasks.schedule_retry("inquiry", self.inquiry.pk, 1)
