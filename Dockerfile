# syntax=docker/dockerfile:1
# Kreativorte im Grünen: gunicorn behind nginx (compose.yaml), PostgreSQL, Redis, a task worker.
# Build: docker build -t kreativorte .   Release step: python manage.py migrate (see README).
# Targets: the last stage is the app (gunicorn, and the worker); `proxy` is nginx with the same
# build's static files, so both always serve the same hashed names.

# Build stage: dependencies from the lock file (hashes checked) into /opt/venv, the project on
# top without resolving anything, translations compiled and static files collected.
FROM python:3.12-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

# gettext (msgfmt) for compilemessages; only this stage has it. The base image's Debian release
# fixes its version; an exact pin would break with every Debian point release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
COPY requirements/base.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt

WORKDIR /app
COPY . .
# Build-time steps need some key; the real one comes from the environment at run time.
RUN pip install --no-deps . \
    && DJANGO_SECRET_KEY=build-only python manage.py compilemessages \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && rm -rf build ./*.egg-info var

# nginx with the collected static files; compose mounts its configuration (deploy/nginx.conf).
FROM nginx:1.28-alpine AS proxy
COPY --from=build /app/staticfiles /srv/static

# Runtime stage: no compiler, no gettext; code owned by root, only the media volume writable.
FROM python:3.12-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_MEDIA_ROOT=/app/var/media

RUN groupadd --system --gid 1000 kreativorte \
    && useradd --system --uid 1000 --gid 1000 --home-dir /app --no-create-home kreativorte
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
RUN mkdir -p /app/var/media && chown -R 1000:1000 /app/var
USER 1000:1000

VOLUME ["/app/var/media"]
EXPOSE 8000
# Liveness only (no database): compose's health check asks /readyz instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
# deploy/gunicorn.conf.py sets workers, timeouts and logging; the container listens on 8000.
CMD ["gunicorn", "kreativorte.wsgi", "--config", "deploy/gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
