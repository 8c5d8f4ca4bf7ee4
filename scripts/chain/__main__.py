"""`make serve`: the site as production runs it, on this machine, in the foreground.

    .venv/bin/python -m scripts.chain [--port 8080] [--app-port 8081]

DEBUG off, the static files collected (WhiteNoise's manifest), gunicorn with
deploy/gunicorn.conf.py, nginx with deploy/nginx.conf in front (configuration, pid and logs in
var/nginx/), and the task worker. Ctrl-C stops all of it. Differences from production, because
this serves plain HTTP on 127.0.0.1: cookies are not marked secure, no HTTPS redirect or HSTS,
and mails are printed by the worker unless DJANGO_EMAIL_BACKEND says otherwise.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import BASE_DIR, Chain

VAR_DIR = BASE_DIR / "var"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="nginx (default: %(default)s)")
    parser.add_argument("--app-port", type=int, help="gunicorn (default: port + 1)")
    args = parser.parse_args(argv)
    args.app_port = args.app_port or args.port + 1
    return args


def secret_key():
    """A key kept in var/ so that sessions survive a restart of `make serve`."""
    path = VAR_DIR / "serve-secret-key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def serve_env(environ):
    env = {
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        **environ,
        "DJANGO_DEBUG": "0",
        "KREATIVORTE_SERVE_MEDIA": "0",
        "KREATIVORTE_TASK_BACKEND": "database",
        "KREATIVORTE_TRUSTED_PROXIES": "1",
    }
    env.setdefault("DJANGO_SECRET_KEY", secret_key())
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def media_root(env):
    return Path(env.get("DJANGO_MEDIA_ROOT") or VAR_DIR / "media")


def main(argv=None):
    args = parse_args(argv)
    env = serve_env(dict(os.environ))
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed")
    manage(env, "collectstatic", "--noinput", "-v0")
    media_root(env).mkdir(parents=True, exist_ok=True)
    # Ctrl-C reaches this process only (the chain runs in sessions of its own); SIGTERM too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    chain = Chain(
        python=Path(sys.executable),
        env=env,
        port=args.port,
        app_port=args.app_port,
        var_dir=VAR_DIR,
        static_root=BASE_DIR / "staticfiles",
        media_root=media_root(env),
    )
    try:
        with chain:
            print(
                f"\nServing http://127.0.0.1:{args.port}/ (nginx -> gunicorn on "
                f"{args.app_port}, task worker). Ctrl-C stops everything.\n",
                flush=True,
            )
            while True:
                chain.check_alive()
                time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping nginx, the worker and gunicorn …", flush=True)
    except RuntimeError as error:
        print(f"\nmake serve: {error}; stopping the rest.", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
