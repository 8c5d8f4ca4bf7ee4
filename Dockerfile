# A first working image: gunicorn + WhiteNoise, PostgreSQL through DATABASE_URL.
# Hardening (non-root user is already here; read-only root fs, health checks) follows later.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY kreativorte kreativorte
COPY places places
COPY inquiries inquiries
RUN pip install .

COPY . .
# Build-time steps need some key; the real one comes from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv

RUN useradd --system --uid 1000 --home /app kreativorte \
    && mkdir -p /app/var/media && chown -R kreativorte /app/var
USER kreativorte

ENV DJANGO_MEDIA_ROOT=/app/var/media
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn kreativorte.wsgi --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --access-logfile -"]
