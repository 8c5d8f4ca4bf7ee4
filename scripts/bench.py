"""`make bench`: throughput and latency of the public pages, served the production way.

    .venv/bin/python scripts/bench.py [--sizes 1000,10000,100000] [--engine postgres|sqlite]
        [--database-url postgres://postgres@127.0.0.1:5432/kreativorte_bench] [--reuse]
        [--duration 5] [--connections 8] [--workers 2] [--port 8020] [--output var/bench.json]

For each size: a database of its own (PostgreSQL ``<name>_<size>``, or an SQLite file under
var/bench/), migrated, loaded with the seed data plus ``seed_demo --count SIZE`` (with
``--reuse`` a database that already holds that many demo entries is kept as it is); static
files collected; gunicorn with 2 workers and DEBUG off (behind nginx when deploy/nginx.conf
exists: not yet, so gunicorn serves directly, static files through WhiteNoise); then, with the
page cache off and on, a warm-up and one wrk run per page. The ceiling is a static file of the
list page's size served by the same gunicorn. Each page's SQL query count is taken in-process
with the page cache off. wrk shares the cores with the server: compare figures from one run.
Only loopback addresses are ever loaded.
"""

import argparse
import datetime
import gzip
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CEILING_PATH = "bench/ceiling.html"

# wrk's summary as one JSON line: p95 is not among wrk's --latency percentiles.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH {\\"requests\\": %d, \\"duration_us\\": %d, \\"bytes\\": %d, \\"status_errors\\": %d, "
    .. "\\"socket_errors\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, \\"p99_us\\": %d}\\n",
    summary.requests, summary.duration, summary.bytes, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

# What the bench asks each page for; filled in per database by PAGE_SETUP below.
PAGE_SETUP = r"""
import json
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from places.models import Category, District, Place
published = Place.objects.published()
demo = published.filter(slug__startswith="demo-").order_by("pk")
detail = demo[demo.count() // 2] if demo.exists() else published.order_by("pk").first()
category = Category.objects.order_by("pk")[1]
district = District.objects.get(code="15090")
pages = {
    "home": "/",
    "category list": f"/orte/?kategorie={category.slug}",
    # Page 50, or the last page when there are fewer (1,000 entries make 40 pages).
    "list page 50": f"/orte/?seite={min(50, -(-published.count() // 24))}",
    "search common (hof)": "/orte/?q=hof",
    "search rare": "/orte/?q=seifenmanufaktur",
    "2 filters + search": f"/orte/?kategorie={category.slug}&kreis={district.slug}&q=hof",
    "detail": detail.get_absolute_url(),
    "map page": "/karte/",
    "map data (markers)": "/karte/marker.json",
    "map data, filtered": f"/karte/marker.json?kreis={district.slug}",
    "GeoJSON export, filtered": f"/orte.geojson?kreis={district.slug}",
    "CSV": "/orte.csv",
}
client = Client()
queries, hits = {}, {}
for name, path in pages.items():
    cache.clear()  # every page built from scratch
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (path, response.status_code)
    queries[name] = len(captured)
    if response.context and "paginator" in response.context:
        hits[name] = response.context["paginator"].count
print("PAGES " + json.dumps({"pages": pages, "queries": queries, "hits": hits,
                             "published": published.count()}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="entries per run, comma-separated")
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/kreativorte_bench",
        help="PostgreSQL base URL; the size is appended to the database name",
    )
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/14",
        help="the cache, as in production (emptied before each run); '' for local memory",
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database already seeded")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--cache", default="off,on", help="page cache modes to measure")
    parser.add_argument(
        "--page", action="append", default=[], help="only this page (repeatable), e.g. detail"
    )
    parser.add_argument("--output", type=Path, default=BASE_DIR / "var" / "bench.json")
    return parser.parse_args()


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else None


def database_url(args, size):
    if args.engine == "sqlite":
        (BASE_DIR / "var" / "bench").mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{BASE_DIR / 'var' / 'bench' / f'bench_{size}.sqlite3'}"
    parts = urlsplit(args.database_url)
    name = f"{parts.path.lstrip('/')}_{size}"
    ensure_postgres_database(parts, name)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_postgres_database(parts, name):
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env, size, reuse):
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed")
    demo = manage(
        env,
        "shell",
        "-c",
        "from places.models import Place; "
        "print(Place.objects.filter(slug__startswith='demo-').count())",
        capture=True,
    )
    if reuse and int(demo.strip().splitlines()[-1]) == size:
        print(f"  reusing the {size} demo entries already in the database")
        return None
    began = time.monotonic()
    manage(env, "seed_demo", "--clear", "--count", str(size))
    seconds = time.monotonic() - began
    print(f"  seed_demo --count {size}: {seconds:.1f} s")
    return round(seconds, 1)


def empty_cache(url):
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def start_server(env, args):
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
            "--timeout",
            "120",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/", timeout=30):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


def stop_server(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def fetch(url, timeout=60):
    """Body bytes, gzip size and seconds to the first byte of one request."""
    began = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        first = response.read(1)
        first_byte = time.monotonic() - began
        body = first + response.read()
    return len(body), len(gzip.compress(body, 6)), first_byte


def run_wrk(url, args, script):
    output = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "30s",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    seconds = data["duration_us"] / 1e6
    return {
        "rps": round(data["requests"] / seconds, 1),
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "bytes_per_response": data["bytes"] // max(data["requests"], 1),
        "errors": data["status_errors"] + data["socket_errors"],
        "requests": data["requests"],
    }


def bench_size(args, size, script, tmp):
    print(f"\n== {size} entries ({args.engine})")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DATABASE_URL": database_url(args, size),
        "KREATIVORTE_PAGE_CACHE_SECONDS": "0",
        "KREATIVORTE_CACHE_URL": args.cache_url,
    }
    seed_seconds = prepare(env, size, args.reuse)
    manage(env, "collectstatic", "--noinput", "-v0")
    # Query counts of a page built from scratch: no fragment comes from the cache.
    setup = manage(
        {**env, "KREATIVORTE_FRAGMENT_CACHE_SECONDS": "0"}, "shell", "-c", PAGE_SETUP, capture=True
    )
    info = json.loads(next(x for x in setup.splitlines() if x.startswith("PAGES "))[6:])
    pages = dict(info["pages"])
    if args.page:
        wanted = set(args.page)
        pages = {name: path for name, path in pages.items() if name in wanted}
    base = f"http://127.0.0.1:{args.port}"
    result = {
        "size": size,
        "published": info["published"],
        "seed_seconds": seed_seconds,
        "queries": info["queries"],
        "hits": info["hits"],
        "pages": pages,
        "runs": {},
    }
    for mode in args.cache.split(","):
        env["KREATIVORTE_PAGE_CACHE_SECONDS"] = "600" if mode == "on" else "0"
        empty_cache(args.cache_url)
        server = start_server(env, args)
        try:
            list_size = fetch(base + "/orte/")[0]
            ceiling = Path(BASE_DIR / "staticfiles" / CEILING_PATH)
            if not ceiling.exists() or ceiling.stat().st_size != list_size:
                # WhiteNoise indexes files at start: restart once when the file changes.
                ceiling.parent.mkdir(parents=True, exist_ok=True)
                ceiling.write_bytes(b"x" * list_size)
                stop_server(server)
                server = start_server(env, args)
            targets = {**pages, "ceiling (static file)": f"/static/{CEILING_PATH}"}
            run = {}
            load = os.getloadavg()[0]
            for name, path in targets.items():
                try:
                    for _ in range(4 if mode == "on" else 2):  # warm both workers
                        size_bytes, gzip_bytes, first_byte = fetch(base + path)
                except OSError as error:
                    # A page that cannot answer one request in a minute is not load-tested.
                    print(f"  cache {mode:<3} {name:<22} no answer within 60 s ({error})")
                    run[name] = {"rps": 0.0, "failed": f"no answer within 60 s: {error}"}
                    continue
                figures = run_wrk(base + path, args, script)
                figures.update(
                    body_bytes=size_bytes,
                    gzip_bytes=gzip_bytes,
                    first_byte_ms=round(first_byte * 1000, 1),
                )
                run[name] = figures
                print(
                    f"  cache {mode:<3} {name:<22} {figures['rps']:>8.1f} req/s  "
                    f"p50 {figures['p50_ms']:>7.1f}  p95 {figures['p95_ms']:>7.1f}  "
                    f"p99 {figures['p99_ms']:>7.1f} ms  {size_bytes:>9} B  "
                    f"queries {info['queries'].get(name, '-')}  errors {figures['errors']}"
                )
            ceiling_rps = run["ceiling (static file)"]["rps"]
            for figures in run.values():
                figures["of_ceiling"] = round(figures["rps"] / ceiling_rps, 3)
            result["runs"][mode] = {"load_average_at_start": round(load, 2), "pages": run}
        finally:
            stop_server(server)
    return result


def markdown(results):
    lines = []
    for result in results:
        lines.append(
            f"\n{result['size']:,} entries ({result['published']:,} published), "
            f"load average at start: "
            + ", ".join(
                f"cache {mode} {run['load_average_at_start']}"
                for mode, run in result["runs"].items()
            )
        )
        lines.append("")
        lines.append(
            "| page | queries | bytes | cache off req/s | p50 / p95 / p99 ms | ÷ ceiling "
            "| cache on req/s | p50 / p95 / p99 ms | ÷ ceiling |"
        )
        lines.append("|---|---|---|---|---|---|---|---|---|")
        names = next(iter(result["runs"].values()))["pages"].keys()
        for name in names:
            cells = [name, str(result["queries"].get(name, "–"))]
            measured = [
                run["pages"][name]
                for run in result["runs"].values()
                if "body_bytes" in run["pages"].get(name, {})
            ]
            first = measured[0] if measured else None
            cells.append(f"{first['body_bytes']:,} ({first['gzip_bytes']:,} gz)" if first else "–")
            for mode in ("off", "on"):
                figures = result["runs"].get(mode, {}).get("pages", {}).get(name)
                if figures is None or "failed" in figures:
                    cells += ["no answer in 60 s" if figures else "–", "–", "–"]
                    continue
                cells += [
                    f"{figures['rps']:,.0f}",
                    f"{figures['p50_ms']} / {figures['p95_ms']} / {figures['p99_ms']}",
                    f"{figures['of_ceiling']:.2f}",
                ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    if not port_free(args.port):
        raise SystemExit(f"port {args.port} is taken (choose another with --port)")
    if (BASE_DIR / "deploy" / "nginx.conf").exists():
        print("deploy/nginx.conf exists, but this bench still measures gunicorn directly")
    tmp = Path(tempfile.mkdtemp(prefix="kreativorte-bench-"))
    script = tmp / "report.lua"
    script.write_text(WRK_SCRIPT)
    results = []
    try:
        for size in [int(size) for size in args.sizes.split(",")]:
            results.append(bench_size(args, size, str(script), tmp))
            write_report(args, results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = write_report(args, results)
    print(f"\n{report['date']}, {report['machine']}, load average {report['load_average_at_end']}")
    print(markdown(results))
    print(f"\nJSON written to {args.output}")


def write_report(args, results):
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()}, {os.cpu_count()} cores, {platform.platform()}",
        "load_average_at_end": [round(value, 2) for value in os.getloadavg()],
        "engine": args.engine,
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
        "gunicorn_workers": args.workers,
        "cache": args.cache_url or "local memory",
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
