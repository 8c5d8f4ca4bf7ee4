"""Throughput and latency of the public pages under gunicorn, measured with wrk.

    .venv/bin/python scripts/bench.py [--entries 500] [--duration 10] [--connections 8]
                                      [--workers 2] [--database-url postgres://...]

Builds a throwaway database (SQLite in a temp dir unless --database-url is given), loads the
seed data plus synthetic entries, collects static files, starts gunicorn on 127.0.0.1 with DEBUG
off, and runs wrk against each page type. wrk shares the machine's cores with the server: compare
figures from the same run and the same machine only. Only loopback addresses are ever loaded.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = [
    ("home", "/"),
    ("list", "/orte/"),
    ("list filtered", "/orte/?kategorie=arbeiten-wirtschaft&art=ort"),
    ("search", "/orte/?q=schule"),
    ("detail", "/orte/kuenstlerstadt-kalbe/"),
    ("geojson", "/orte.geojson"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500, help="synthetic entries to add")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def free_port(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def add_synthetic_entries(env, count):
    script = f"""
from decimal import Decimal
from django.utils import timezone
from places.models import Category, District, Feature, Need, Place
categories = list(Category.objects.all())
features = list(Feature.objects.all())
needs = list(Need.objects.all())
districts = list(District.objects.all())
for i in range({count}):
    place, created = Place.objects.get_or_create(
        slug=f"bench-{{i}}",
        defaults=dict(
            name=f"Alte Schule Bench {{i}}",
            teaser="Ein Testeintrag für die Lastmessung.",
            description="Erster Absatz über das Haus.\\n\\nZweiter Absatz über die Menschen.",
            former_use="ehemalige Dorfschule",
            locality="Kalbe (Milde)",
            district=districts[i % len(districts)],
            latitude=Decimal("51.5") + Decimal(i % 150) / 100,
            longitude=Decimal("11.0") + Decimal(i % 250) / 100,
            status=Place.Status.PUBLISHED,
            published_at=timezone.now(),
        ),
    )
    if created:
        place.categories.set(categories[: 1 + i % 3])
        place.features.set(features[i % 6 : i % 6 + 3])
        place.needs.set(needs[: i % 3])
print(Place.objects.published().count(), "published entries")
"""
    manage(env, "shell", "-c", script)


def wait_until_up(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not answer at {url}")


def run_wrk(url, duration, connections):
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, latency, int(errors.group(1)) if errors else 0


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    if not free_port(args.port):
        raise SystemExit(f"port {args.port} is taken")
    tmp = Path(tempfile.mkdtemp(prefix="kreativorte-bench-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
    }
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"Preparing {database} with seed data and {args.entries} synthetic entries …")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed")
    add_synthetic_entries(env, args.entries)
    manage(env, "collectstatic", "--noinput", "-v0")

    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "kreativorte.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(base + "/")
        print(
            f"\n{database}, gunicorn {args.workers} workers, wrk 2 threads "
            f"{args.connections} connections, {args.duration} s per page, {os.cpu_count()} cores\n"
        )
        print(f"{'page':<15} {'req/s':>8} {'p50':>9} {'p90':>9} {'p99':>9} {'non-2xx':>8}")
        for name, path in PAGES:
            rps, latency, errors = run_wrk(base + path, args.duration, args.connections)
            print(
                f"{name:<15} {rps:>8.1f} {latency.get('50', '-'):>9} {latency.get('90', '-'):>9} "
                f"{latency.get('99', '-'):>9} {errors:>8}"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
