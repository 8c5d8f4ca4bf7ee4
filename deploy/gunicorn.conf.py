"""gunicorn behind nginx: `gunicorn -c deploy/gunicorn.conf.py kreativorte.wsgi`.

nginx buffers whole requests and responses, so plain sync workers are right: a worker is busy
only while Django works. Every value can be changed from the environment (GUNICORN_*).
"""

import os
from pathlib import Path


def _cpu_count():
    """CPUs this process may use (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _int(name, default):
    return int(os.environ.get(name) or default)


wsgi_app = "kreativorte.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("GUNICORN_WORKERS", 2 * _cpu_count() + 1)
worker_class = "sync"
# A request that takes longer is stuck: the worker is killed and restarted (nginx waits 35 s).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then, so that slow leaks never add up.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Workers' heartbeat files in memory (a container's /tmp may be a slow or read-only disk).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None

# One line per request on stdout, without personal data: no client address (nginx's is in
# X-Forwarded-For and stays there), no query string, no user agent; the request id nginx sets
# ties it to nginx's line.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}i)s'

# Several gunicorns on one machine (make serve, CI, benchmarks) would share one control socket
# in ~/.gunicorn/; nobody here uses gunicornc.
control_socket_disable = True
proc_name = "kreativorte"
