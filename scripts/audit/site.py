"""The throwaway site: a seeded copy of the portal in a temp dir, served by gunicorn, DEBUG off."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts.audit.config import OUT, ROOT, TILE_PATH, VENV_BIN


def parse_ports(text):
    """'8110' or '8110-8119' as a range of ports."""
    first, _, last = text.partition("-")
    try:
        ports = range(int(first), int(last or first) + 1)
    except ValueError:
        raise ValueError(f"not a port or port range: {text!r}") from None
    if not ports or ports.start < 1 or ports.stop > 65536:
        raise ValueError(f"not a port or port range: {text!r}")
    return ports


def free_port(ports):
    for port in ports:
        with socket.socket() as sock:
            # As gunicorn does: a port whose last connections are in TIME_WAIT is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port in {ports.start}-{ports.stop - 1}.")


class Site:
    def __init__(self, port):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.tmp = Path(tempfile.mkdtemp(prefix="kreativorte-audit-"))
        self.media = self.tmp / "media"
        self.process = None
        self.log_file = None
        self.log_path = OUT / "server.log"
        self.slugs = {}
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            # The production settings with the audit's URLconf (scripts/audit/settings.py).
            "DJANGO_SETTINGS_MODULE": "scripts.audit.settings",
            "AUDIT_STATIC_ROOT": str(self.tmp / "static"),
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{self.tmp / 'db.sqlite3'}",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_MEDIA_ROOT": str(self.media),
            # Plain HTTP on 127.0.0.1: the browser must keep the CSRF cookie.
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HTTPS": "0",
            # No nginx in front: Django serves the photos and the tile.
            "KREATIVORTE_SERVE_MEDIA": "1",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DJANGO_LOG_LEVEL": "WARNING",
            # The audit checks how the form shows errors, not the spam time trap.
            "KREATIVORTE_FORM_MIN_SECONDS": "0",
            # Tiles come from this server (one blank PNG), so nothing leaves the machine.
            "KREATIVORTE_MAP_TILE_URL": f"{self.base}{TILE_PATH}?{{z}}/{{x}}/{{y}}",
        }

    def python(self, *args):
        result = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def build(self):
        self.python("manage.py", "migrate", "--noinput")
        self.python("manage.py", "seed")
        self.python("manage.py", "collectstatic", "--noinput")
        self.make_tile()
        out = self.python("-m", "scripts.audit.fixtures")
        self.slugs = json.loads(out.strip().splitlines()[-1])

    def make_tile(self):
        from PIL import Image

        tile = self.media / TILE_PATH.removeprefix("/media/")
        tile.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (256, 256), (232, 241, 230)).save(tile, "PNG")

    def start(self):
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "kreativorte.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log_path}")
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within 30 s; see {self.log_path}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log_file is not None:
            self.log_file.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server_errors(self):
        """Map each path that answered 500 to the exception lines of its tracebacks."""
        return parse_server_log(
            self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        )


def parse_server_log(text):
    """Exception lines after 'Internal Server Error: <path>', and the reasons of 'Forbidden'."""
    errors, path = {}, None
    for line in text.splitlines():
        if line.startswith("Internal Server Error: "):
            path = line.removeprefix("Internal Server Error: ").strip()
        elif line.startswith("Forbidden (") and "): " in line:
            reason, _, forbidden_path = line.partition("): ")
            errors.setdefault(forbidden_path.strip(), []).append(reason + ")")
        elif path and line and not line.startswith((" ", "Traceback", "\t")):
            errors.setdefault(path, [])
            if line not in errors[path]:
                errors[path].append(line)
            path = None
    return errors
