"""The production chain for the smoke test, started once for the whole run.

PostgreSQL and Redis are started if they are down; a fresh virtual environment gets the runtime
dependencies only (pyproject's [project] dependencies, no dev extras); a fresh database is
migrated and seeded; gunicorn, nginx and the task worker then run from that environment with
DEBUG off, as in production, next to a local SMTP sink. Everything is stopped at the end, and
the whole run is bounded by SMOKE_TIMEOUT seconds.
"""

import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller

from scripts.chain import BASE_DIR, Chain, port_open

PORT = int(os.environ.get("SMOKE_PORT", "8130"))  # nginx; gunicorn on +1, the SMTP sink on +2
DATABASE = os.environ.get("SMOKE_DATABASE", "kreativorte_smoke")
POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/4")
TIMEOUT = int(os.environ.get("SMOKE_TIMEOUT", "240"))
EDITORS = "redaktion@kreativorte.example"
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter


class MailSink:
    """A local SMTP server that keeps what it receives."""

    def __init__(self, port):
        self.messages = []
        self.received = threading.Condition()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        with self.received:
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
            self.received.notify_all()
        return "250 Message accepted"

    def wait_for(self, predicate, timeout=30):
        """The first message whose subject satisfies ``predicate``, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        with self.received:
            while True:
                for recipients, message in self.messages:
                    subject = str(make_header(decode_header(message["Subject"])))
                    if predicate(subject):
                        return recipients, subject, message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.received.wait(remaining)


def run(*args, **kwargs):
    return subprocess.run([str(arg) for arg in args], check=True, **kwargs)


def ensure_postgres():
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0:
        return
    run("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start")
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0:
            return
        time.sleep(1)
    raise RuntimeError("PostgreSQL did not start")


def ensure_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379")
        for _ in range(30):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.5)
    client.flushdb()
    return client


def fresh_database():
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{POSTGRES}/{DATABASE}"


def drop_database():
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def runtime_venv(path):
    """A new virtual environment with pyproject's runtime dependencies and nothing else; the
    app itself runs from the checkout, as in the image. uv (a dev dependency) builds it in
    seconds; pip does the same in a minute or two."""
    dependencies = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    python = path / "bin" / "python"
    uv = Path(sys.executable).parent / "uv"
    if uv.exists():
        run(uv, "venv", "--quiet", "--python", sys.executable, path)
        run(uv, "pip", "install", "--quiet", "--python", python, *dependencies)
    else:
        run(sys.executable, "-m", "venv", path)
        run(python, "-m", "pip", "install", "--quiet", *dependencies)
    return python


def phase(name, started):
    print(f"  {time.monotonic() - started:5.1f} s  {name}", file=sys.stderr)


def chain_env(database_url, media_root):
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(PORT + 2),
        "KREATIVORTE_EDITOR_EMAILS": EDITORS,
        "KREATIVORTE_CACHE_URL": REDIS_URL,
        "KREATIVORTE_SERVE_MEDIA": "0",
        "KREATIVORTE_TASK_BACKEND": "database",
        "KREATIVORTE_TRUSTED_PROXIES": "1",
    }


class SmokeTimeout(Exception):
    pass


def _timed_out(signum, frame):
    raise SmokeTimeout(f"the smoke test ran longer than {TIMEOUT} s")


@pytest.fixture(scope="session")
def chain(request):
    signal.signal(signal.SIGALRM, _timed_out)
    signal.alarm(TIMEOUT)
    started = time.monotonic()
    for port in (PORT, PORT + 1, PORT + 2):
        if port_open(port):
            pytest.fail(f"port {port} is taken; set SMOKE_PORT to a free range")
    tmp = Path(tempfile.mkdtemp(prefix="kreativorte-smoke-"))
    sink = MailSink(PORT + 2)
    sink.controller.start()
    chain = None
    try:
        ensure_postgres()
        redis_client = ensure_redis()
        phase("PostgreSQL and Redis up", started)
        python = runtime_venv(tmp / "venv")
        phase("runtime virtual environment", started)
        env = chain_env(fresh_database(), tmp / "media")
        (tmp / "media").mkdir()
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["seed"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            run(python, "manage.py", *command, cwd=BASE_DIR, env=env)
            phase(command[0], started)
        chain = Chain(
            python=python,
            env=env,
            port=PORT,
            app_port=PORT + 1,
            var_dir=tmp,
            static_root=BASE_DIR / "staticfiles",
            media_root=tmp / "media",
            forwarded_proto="$http_x_forwarded_proto",
            log_dir=tmp / "logs",
        )
        chain.start()
        chain.sink = sink
        chain.redis = redis_client
        chain.tmp = tmp
        phase("nginx, gunicorn and the worker up", started)
        yield chain
    finally:
        if chain is not None:
            chain.stop()
            if request.session.testsfailed and chain.log_dir:
                for name in ("gunicorn", "worker", "nginx"):
                    log = chain.log_dir / f"{name}.log"
                    if log.exists():
                        print(f"\n--- {name}.log (end) ---\n{log.read_text()[-4000:]}")
        sink.controller.stop()
        signal.alarm(0)
        drop_database()
        if not os.environ.get("SMOKE_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"\nsmoke test took {time.monotonic() - started:.1f} s", file=sys.stderr)
