"""The container files, checked without Docker (which does not run on our machines): compose
parses and wires the chain, the Dockerfile keeps its promises, the README names every variable.
hadolint lints the Dockerfile in `make lint`."""

import re

import pytest
import yaml
from django.conf import settings

ROOT = settings.BASE_DIR


def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_the_whole_chain_with_health_checks():
    services = compose()["services"]
    assert set(services) == {"nginx", "app", "worker", "db", "redis"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    assert services["nginx"]["depends_on"]["app"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_shares_media_and_mounts_the_nginx_config():
    services = compose()["services"]
    nginx = services["nginx"]
    assert "./deploy/nginx.conf:/etc/nginx/templates/default.conf.template:ro" in nginx["volumes"]
    assert "media:/app/var/media:ro" in nginx["volumes"]
    assert nginx["build"]["target"] == "proxy"
    assert nginx["environment"]["NGINX_UPSTREAM"] == "app:8000"
    assert nginx["environment"]["NGINX_FORWARDED_PROTO"] == "$$http_x_forwarded_proto"
    for name in ["app", "worker"]:
        assert "media:/app/var/media" in services[name]["volumes"]
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["KREATIVORTE_CACHE_URL"] == "redis://redis:6379/0"


def test_every_required_compose_variable_is_in_the_env_example():
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "compose.yaml").read_text()))
    example = (ROOT / ".env.example").read_text()
    assert required == {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "POSTGRES_PASSWORD"}
    for name in required:
        assert re.search(rf"^{name}=", example, re.MULTILINE), name


def test_dockerfile_builds_from_the_lock_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM python:3\.1[2-9]-slim", dockerfile, re.MULTILINE)) == 2
    assert "COPY --from=build /app/staticfiles /srv/static" in dockerfile
    assert "pip install --require-hashes -r /tmp/requirements.txt" in dockerfile
    assert "COPY requirements/base.txt /tmp/requirements.txt" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    assert "manage.py compilemessages" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    assert re.search(r"^USER 1000:1000$", dockerfile, re.MULTILINE)
    assert "http://127.0.0.1:8000/healthz" in dockerfile
    assert 'VOLUME ["/app/var/media"]' in dockerfile
    assert '"--config", "deploy/gunicorn.conf.py"' in dockerfile
    assert "migrate" not in dockerfile.split("CMD", 1)[1]


def test_readme_documents_every_environment_variable():
    source = (ROOT / "kreativorte" / "settings.py").read_text()
    names = set(re.findall(r"""(?:environ\.get|env_bool|env_list)\(\s*"(\w+)\"""", source))
    readme = (ROOT / "README.md").read_text()
    assert "DJANGO_HTTPS" in names
    assert not [name for name in sorted(names) if f"`{name}`" not in readme]


def test_compose_fills_every_placeholder_of_the_nginx_template():
    template = ROOT / "deploy" / "nginx.conf"
    if not template.exists():
        pytest.skip("deploy/nginx.conf is written by the production-chain branch (infra-b)")
    placeholders = set(re.findall(r"\$\{(NGINX_[A-Z_]+)\}", template.read_text()))
    assert placeholders <= set(compose()["services"]["nginx"]["environment"])
