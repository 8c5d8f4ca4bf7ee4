"""Liveness and readiness for the container, compose and load-balancer health checks.

``/healthz`` says the process answers (no database, no cache). ``/readyz`` runs every check in
``KREATIVORTE_READINESS_CHECKS`` (name -> dotted path of a function that raises when its
service is unreachable) and answers 503 when one fails. Both are answered by a middleware at the
top of the stack, before host validation and the HTTPS redirect: a health check from inside the
container asks for ``http://127.0.0.1:8000/healthz``, with no proxy headers. The answers hold no
personal data and are never cached.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

READINESS_KEY = "kreativorte:readyz"


def check_database():
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")


def check_cache():
    """A value written must come back: a cache that silently drops writes is not ready."""
    token = secrets.token_hex(8)
    cache.set(READINESS_KEY, token, timeout=10)
    if cache.get(READINESS_KEY) != token:
        raise RuntimeError("cache did not return the value just written")


def check_task_queue():
    """The queue the worker takes tasks from answers (the database backend's table); with
    the immediate backend of development there is no queue to check."""
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends["default"]
    if isinstance(backend, DatabaseBackend):
        DBTaskResult.objects.using(DBTaskResult.objects.db).ready().exists()


def run_checks():
    results = {}
    for name, path in settings.KREATIVORTE_READINESS_CHECKS.items():
        try:
            import_string(path)()
        except Exception as error:
            logger.warning("readiness check %s failed: %s", name, type(error).__name__)
            results[name] = "error"
        else:
            results[name] = "ok"
    return results


def answer(status, checks=None):
    body = {"status": "ok" if status == 200 else "error"}
    if checks is not None:
        body["checks"] = checks
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    # A failing check is logged above as a warning; a probe every few seconds must not turn
    # into an error report (and an admin mail) each time.
    response._has_been_logged = True
    return response


def healthz():
    return answer(200)


def readyz():
    checks = run_checks()
    return answer(200 if all(value == "ok" for value in checks.values()) else 503, checks)


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is not None and request.method in {"GET", "HEAD"}:
            return endpoint()
        return self.get_response(request)
