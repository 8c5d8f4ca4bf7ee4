"""Backups of the whole site: the database and the uploaded media, and their restore.

A backup is a folder ``kreativorte-<UTC time>/`` with the database (``database.dump``, pg_dump's
custom format, or ``database.sqlite3``), the media (``media.tar.gz``) and ``manifest.json``,
written last, which counts the rows of every table and the media files. A restore goes into an
empty database and an empty media folder only, and checks those counts afterwards.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import dj_database_url
import psycopg
import psycopg.sql
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
PREFIX = "kreativorte-"


class BackupError(Exception):
    pass


def engine(settings_dict):
    vendor = settings_dict["ENGINE"].rsplit(".", 1)[-1].removesuffix("3")
    if vendor not in DUMPS:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    return vendor


def tables():
    """``app_label.ModelName`` -> table, for every table Django manages."""
    return {
        model._meta.label: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _count(db, table):
    quoted = table.replace('"', '""')
    return db.execute(f'SELECT COUNT(*) FROM "{quoted}"').fetchone()[0]


def _counts(settings_dict):
    with _raw_connection(settings_dict) as db:
        return {label: _count(db, table) for label, table in tables().items()}


def media_files(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def create(destination, *, keep=None, now=None):
    """Write a backup into a new folder under ``destination`` and return that folder; with
    ``keep``, delete the oldest complete backups beyond that number."""
    database = connections["default"].settings_dict
    vendor = engine(database)
    now = now or timezone.now()
    target = Path(destination) / f"{PREFIX}{now:%Y%m%dT%H%M%S%fZ}"
    target.mkdir(parents=True)
    try:
        if vendor == "postgresql":
            rows = _pg_dump(database, target / DUMPS[vendor])
        else:
            _sqlite_copy(target / DUMPS[vendor])
            rows = _counts({**database, "NAME": target / DUMPS[vendor]})
        manifest = {
            "created": now.isoformat(),
            "engine": vendor,
            "database": DUMPS[vendor],
            "rows": rows,
            "media": None,
            "media_files": 0,
        }
        if isinstance(default_storage, FileSystemStorage):
            files = media_files(settings.MEDIA_ROOT)
            with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
                for path in files:
                    archive.add(path, arcname=path.relative_to(settings.MEDIA_ROOT).as_posix())
            manifest["media"] = MEDIA_ARCHIVE
            manifest["media_files"] = len(files)
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    if keep:
        prune(Path(destination), keep)
    return target


def prune(destination, keep):
    """Delete all but the ``keep`` newest complete backups; incomplete ones are left alone."""
    complete = sorted(
        path for path in destination.glob(f"{PREFIX}*") if (path / MANIFEST).is_file()
    )
    for path in complete[:-keep]:
        shutil.rmtree(path)


def restore(source, *, database_url=None, media_root=None):
    """Restore a backup into an empty database (the configured one unless ``database_url``
    names another) and an empty media folder; return the differences from the manifest's
    counts (an empty list when everything came back)."""
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    target = (
        dj_database_url.parse(database_url)
        if database_url
        else dict(connections["default"].settings_dict)
    )
    vendor = engine(target)
    if vendor != manifest["engine"]:
        raise BackupError(f"a {manifest['engine']} backup cannot go into {vendor}")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if media_files(media_root):
        raise BackupError(f"the media folder {media_root} is not empty")
    if vendor == "postgresql":
        _pg_create_if_missing(target)
        _refuse_non_empty(target)
        _pg(
            "pg_restore",
            target,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={target['NAME']}",
            str(source / manifest["database"]),
        )
    else:
        path = Path(target["NAME"])
        if path.exists() and path.stat().st_size:
            raise BackupError(f"the database {path} is not empty")
        shutil.copyfile(source / manifest["database"], path)
    if manifest["media"]:
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / manifest["media"]) as archive:
            archive.extractall(media_root, filter="data")
    return verify(manifest, target, media_root)


def verify(manifest, target, media_root):
    differences = []
    with _raw_connection(target) as db:
        for label, count in manifest["rows"].items():
            restored = _count(db, apps.get_model(label)._meta.db_table)
            if restored != count:
                differences.append(f"{label}: {restored} rows, the backup had {count}")
    found = len(media_files(media_root))
    if manifest["media"] and found != manifest["media_files"]:
        differences.append(f"media: {found} files, the backup had {manifest['media_files']}")
    return differences


def _raw_connection(settings_dict, **overrides):
    """A plain driver connection to another database, outside Django's connection handling."""
    settings_dict = {**settings_dict, **overrides}
    if engine(settings_dict) == "sqlite":
        return contextlib.closing(sqlite3.connect(settings_dict["NAME"]))
    return psycopg.connect(
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        dbname=settings_dict["NAME"],
        autocommit=True,
    )


def _sqlite_copy(path):
    """A consistent copy through SQLite's online backup, also of an in-memory database."""
    connection = connections["default"]
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)


def _pg_env(settings_dict):
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _pg(program, settings_dict, *args):
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(f"{program} is not installed (apt-get install postgresql-client)")
    result = subprocess.run(
        [binary, *args], env=_pg_env(settings_dict), capture_output=True, text=True
    )
    if result.returncode:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def _pg_dump(settings_dict, path):
    """Dump the database and count its rows in one snapshot, so that the counts in the
    manifest match the dump even while visitors write."""
    with _raw_connection(settings_dict) as db, db.transaction():
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        (snapshot,) = db.execute("SELECT pg_export_snapshot()").fetchone()
        rows = {label: _count(db, table) for label, table in tables().items()}
        _pg(
            "pg_dump",
            settings_dict,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={path}",
        )
    return rows


def _pg_create_if_missing(settings_dict):
    name = settings_dict["NAME"]
    with _raw_connection(settings_dict, NAME="postgres") as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            db.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def _refuse_non_empty(settings_dict):
    with _raw_connection(settings_dict) as db:
        (tables,) = db.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    if tables:
        raise BackupError(
            f"the database {settings_dict['NAME']} is not empty ({tables} tables); "
            "restore into a new database"
        )
