"""deploy/nginx.conf and deploy/gunicorn.conf.py as make serve and CI render and load them;
tests/production/ runs the real chain."""

import os
import runpy
import subprocess

import pytest

from places.models import PlaceImage
from places.tasks import write_renditions
from scripts.chain import GUNICORN_CONFIG, nginx

VALUES = {
    "NGINX_LISTEN": "127.0.0.1:8139",
    "NGINX_UPSTREAM": "127.0.0.1:8138",
    "NGINX_STATIC_ROOT": "/srv/static",
    "NGINX_MEDIA_ROOT": "/srv/media",
    "NGINX_ERROR_ROOT": "/srv/errors",
    "NGINX_FORWARDED_PROTO": "$scheme",
}


def test_every_placeholder_is_filled_in():
    site = nginx.render_site(VALUES)
    assert nginx.PLACEHOLDER.search(site) is None
    assert "listen 127.0.0.1:8139;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site


def test_a_missing_value_is_an_error_not_an_empty_string():
    with pytest.raises(KeyError, match="NGINX_MEDIA_ROOT"):
        nginx.render_site({k: v for k, v in VALUES.items() if k != "NGINX_MEDIA_ROOT"})


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    if nginx.nginx_binary() is None:
        # .ci/run installs it; on a developer's machine without it, say so.
        if os.environ.get("CI"):
            pytest.fail("nginx is missing (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    config = nginx.write_config(
        tmp_path / "nginx",
        listen="127.0.0.1:8139",
        upstream="127.0.0.1:8138",
        static_root=tmp_path,
        media_root=tmp_path,
    )
    result = subprocess.run(
        [*nginx.command(config), "-t"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_gunicorn_configuration(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    config = runpy.run_path(str(GUNICORN_CONFIG))
    assert config["workers"] == 2 * config["_cpu_count"]() + 1
    assert config["accesslog"] == "-"
    assert config["control_socket_disable"] is True
    assert "%(h)s" not in config["access_log_format"]  # no client address in the log
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(GUNICORN_CONFIG))["workers"] == 3


@pytest.mark.django_db
def test_renditions_task_skips_a_photo_deleted_meanwhile():
    assert write_renditions.call(PlaceImage.objects.count() + 1000) is False


def test_error_pages_are_german_and_self_contained():
    for name in ("413", "502", "504"):
        page = (nginx.ERROR_ROOT / f"{name}.html").read_text(encoding="utf-8")
        assert '<html lang="de">' in page
        assert "<script" not in page and "style=" not in page
