"""Backup and restore of a whole instance: the database and the uploaded files, in one archive.

The archive (`.tar.gz`) holds `manifest.json`, the database (`database.sqlite3`, a copy made with
SQLite's online backup API, or `database.pgdump`, `pg_dump --format=custom`) and `media/…`, the
MEDIA_ROOT tree. The manifest names the engine, the applied migrations, the audit head and the
SHA-256 and size of every member. The database is copied first and the files after it: files only
ever get added, so every file the copied database refers to is in the archive.

Restoring checks every checksum before touching anything, refuses a database that has tables or
a media folder that has files, copies the database byte for byte (timestamps and the audit chain
survive exactly) and the files, then verifies the audit chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import AuditHead

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
#: Where Debian and Ubuntu install the PostgreSQL client tools, one folder per major version.
PG_INSTALL_ROOT = Path("/usr/lib/postgresql")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backup supports SQLite and PostgreSQL, not {vendor}")
    return vendor


def pg_binary(name: str) -> str:
    """The path of `pg_dump`/`pg_restore`: `QUALITYGOV_PG_BIN` (a folder), else PATH, else the newest
    Debian install under /usr/lib/postgresql."""
    folder = os.environ.get("QUALITYGOV_PG_BIN")
    candidates = [Path(folder) / name] if folder else []
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    candidates += sorted(PG_INSTALL_ROOT.glob(f"*/bin/{name}"), reverse=True, key=lambda p: int(p.parts[-3])
                         if p.parts[-3].isdigit() else 0)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(f"{name} was not found: install the PostgreSQL client tools or set QUALITYGOV_PG_BIN "
                      "to the folder that holds them")


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


def _dump_database(target: Path) -> str:
    """Write a consistent copy of the database to `target`; return the archive member name."""
    kind = engine()
    if kind == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return SQLITE_MEMBER
    args, env = _pg_env()
    _run([pg_binary("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args],
         env)
    return PG_MEMBER


def _applied_migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


@dataclass
class BackupResult:
    path: Path
    files: int
    audit_seq: int
    engine: str


def backup_create(out: Path | str) -> BackupResult:
    """Write the archive of the database and the uploaded files to `out` (written aside, then renamed)."""
    out = Path(out)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="qualitygov-backup-") as tmp:
        db_copy = Path(tmp) / "database"
        member = _dump_database(db_copy)
        head = AuditHead.objects.filter(pk=1).first()
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
            "engine": engine(),
            "migrations": _applied_migrations(),
            "audit_head": {"seq": head.last_seq if head else 0, "hash": head.last_hash if head else "0" * 64},
            "database": {"member": member, "sha256": _sha256(db_copy), "size": db_copy.stat().st_size},
            "files": {
                MEDIA_PREFIX + path.relative_to(media_root).as_posix(): {"sha256": _sha256(path),
                                                                         "size": path.stat().st_size}
                for path in files
            },
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(db_copy, arcname=member)
            for path in files:
                archive.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix())
        os.replace(partial, out)
    return BackupResult(out, len(files), manifest["audit_head"]["seq"], manifest["engine"])


def _safe_member(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts


def backup_read(archive_path: Path | str, into: Path) -> dict:
    """Unpack `archive_path` into `into` and check it: every member listed, every checksum right.
    Returns the manifest."""
    with tarfile.open(archive_path, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        for member in archive.getmembers():
            if not _safe_member(member.name) or not (member.isfile() or member.isdir()):
                raise BackupError(f"the archive holds an unexpected entry: {member.name}")
        archive.extractall(into, members=members, filter="data")
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"the archive has no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    expected = {manifest["database"]["member"]: manifest["database"], **manifest["files"]}
    present = {m.name for m in members} - {MANIFEST}
    if present != set(expected):
        missing, extra = sorted(set(expected) - present), sorted(present - set(expected))
        raise BackupError(f"the archive does not match its manifest (missing: {missing}, not listed: {extra})")
    for name, entry in expected.items():
        if _sha256(into / name) != entry["sha256"]:
            raise BackupError(f"checksum mismatch for {name}: the archive is damaged")
    return manifest


def target_problems() -> list[str]:
    """Why the configured database and media folder cannot receive a restore (empty: they can)."""
    problems = []
    tables = connection.introspection.table_names()
    if tables:
        problems.append(f"the database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables)")
    media_root = Path(settings.MEDIA_ROOT)
    if _media_files(media_root):
        problems.append(f"the upload folder {media_root} is not empty")
    return problems


@dataclass
class RestoreResult:
    engine: str
    files: int
    audit_seq: int


def backup_restore(archive_path: Path | str) -> RestoreResult:
    """Restore `archive_path` into the configured (empty) database and media folder."""
    problems = target_problems()
    if problems:
        raise BackupError("refusing to restore: " + "; ".join(problems))
    with tempfile.TemporaryDirectory(prefix="qualitygov-restore-") as tmp:
        into = Path(tmp)
        manifest = backup_read(archive_path, into)
        if manifest["engine"] != engine():
            raise BackupError(f"the backup is of a {manifest['engine']} database; this instance uses {engine()}")
        source = into / manifest["database"]["member"]
        if engine() == "sqlite":
            connection.ensure_connection()
            copy = sqlite3.connect(source)
            try:
                copy.backup(connection.connection)
            finally:
                copy.close()
        else:
            args, env = _pg_env()
            _run([pg_binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args, str(source)],
                 env)
        media_root = Path(settings.MEDIA_ROOT)
        for name in manifest["files"]:
            target = media_root / name[len(MEDIA_PREFIX):]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(into / name, target)
    connection.close()  # the restored database replaces what this connection may have cached
    head = AuditHead.objects.filter(pk=1).first()
    seq = head.last_seq if head else 0
    if seq != manifest["audit_head"]["seq"] or (head and head.last_hash != manifest["audit_head"]["hash"]):
        raise BackupError("the restored audit head differs from the manifest's")
    return RestoreResult(manifest["engine"], len(manifest["files"]), seq)
