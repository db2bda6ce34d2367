"""Backup and restore round trip: data with uploaded evidence and audit events is backed up, restored
into another database and upload folder (in a separate process, as an operator would), and there
the audit chain verifies, every table has the same rows and every page and file answers as before.
Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from qualitygov.core.backup import BackupError, backup_read
from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.indicators.tests.url_samples import SAMPLES as INDICATOR_SAMPLES
from qualitygov.progress.tests.url_samples import SAMPLES as PROGRESS_SAMPLES

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)

#: Run in the restored instance: row counts of every table, then what each URL answers as `office`.
PROBE = """
import hashlib, json, sys, django
django.setup()
from django.apps import apps
from django.test import Client
from qualitygov.accounts.models import User
counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
client = Client()
client.force_login(User.objects.get(username="office"))
answers = {}
for url in json.loads(sys.argv[1]):
    r = client.get(url)
    body = b"".join(r.streaming_content) if r.streaming else r.content
    answers[url] = [r.status_code, hashlib.sha256(body).hexdigest() if r.streaming else ""]
print(json.dumps({"counts": counts, "answers": answers}))
"""


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def target(tmp_path):
    """Environment of a second instance: its own database (a SQLite file, or a second PostgreSQL
    database) and upload folder."""
    var = tmp_path / "restored"
    var.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.base",
           "QUALITYGOV_VAR_DIR": str(var), "QUALITYGOV_MEDIA_ROOT": str(var / "media"), "QUALITYGOV_AUDIT_KEY": "",
           "QUALITYGOV_AUDIT_CHECKPOINT_DIR": str(var / "checkpoints")}
    env.pop("QUALITYGOV_AUDIT_KEY_FILE", None)
    dropper = None
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{var / 'qualitygov.sqlite3'}"
    else:
        import psycopg

        db = connection.settings_dict
        name = f"{db['NAME']}_restored"
        admin = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
                 "password": db["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}

        def run(sql: str) -> None:
            with psycopg.connect(**admin) as conn:
                conn.execute(sql)

        run(f'DROP DATABASE IF EXISTS "{name}"')
        run(f'CREATE DATABASE "{name}"')
        dropper = lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # noqa: E731
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        env["DATABASE_URL"] = f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    yield env, var / "media"
    if dropper is not None:
        dropper()


def _qualitygov(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualitygov.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


def _sample_url(name: str, samples: dict, cast) -> str:
    sample = dict(samples[name](cast))
    sample.pop("owner")
    return reverse(name, kwargs=sample)


def test_backup_restores_elsewhere_with_the_chain_pages_and_files_intact(cast, tmp_path, target, capsys):
    env, restored_media = target
    urls = [
        _sample_url("indicators:evidence_download", INDICATOR_SAMPLES, cast),
        _sample_url("progress:attachment_download", PROGRESS_SAMPLES, cast),
        reverse("core:home"), reverse("audit:list"), reverse("progress:board"), reverse("indicators:dashboard"),
    ]
    assert Attachment.objects.count() == 2
    client = Client()
    client.force_login(cast.office)
    before = {}
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else b""
        before[url] = [response.status_code, hashlib.sha256(body).hexdigest() if response.streaming else ""]
    assert [code for code, _ in before.values()] == [200] * 6
    counts = _counts()
    media = _tree(Path(settings.MEDIA_ROOT))
    assert len(media) == 2
    events = list(AuditEvent.objects.order_by("seq").values_list("seq", "at", "hash"))

    archive = tmp_path / "qualitygov-backup.tar.gz"
    call_command("backup", "--out", str(archive))
    assert f"Backup written to {archive}: {connection.vendor} database, 2 uploaded files, audit chain up to " \
           f"#{len(events)}." in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == connection.vendor
    assert manifest["audit_head"]["seq"] == len(events) and manifest["audit_head"]["hash"] == events[-1][2]
    assert {name.removeprefix("media/"): entry["sha256"] for name, entry in manifest["files"].items()} == media
    assert "0005_audit_event_mac" in manifest["migrations"]["core"]

    restored = _qualitygov(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert f"Audit chain intact: {len(events)} events." in restored.stdout
    verified = _qualitygov(env, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"Audit chain intact: {len(events)} events" in verified.stdout
    assert _tree(restored_media) == media

    probe = subprocess.run([sys.executable, "-c", PROBE, json.dumps(urls)], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=300, check=False)
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen["counts"] == counts
    assert seen["answers"] == before

    # Timestamps to the microsecond and the hashes survive: the restored chain is the same chain.
    dumped = _qualitygov(env, "shell", "-c", "from qualitygov.core.models import AuditEvent; import json; "
                         "print(json.dumps([[e.seq, e.at.isoformat(), e.hash] for e in "
                         "AuditEvent.objects.order_by('seq')]))")
    assert dumped.returncode == 0, dumped.stderr
    assert json.loads(dumped.stdout.strip().splitlines()[-1]) == [[seq, at.isoformat(), h] for seq, at, h in events]

    # A second restore into the now full target is refused, and nothing changes there.
    again = _qualitygov(env, "restore", str(archive))
    assert again.returncode == 1
    assert "refusing to restore: the database" in again.stderr and "is not empty" in again.stderr
    assert _tree(restored_media) == media


def test_restore_refuses_a_non_empty_database_and_upload_folder(cast, tmp_path):
    INDICATOR_SAMPLES["indicators:evidence_download"](cast)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "--out", str(archive))
    rows = _counts()
    with pytest.raises(CommandError, match=r"refusing to restore: the database .* is not empty .*; the upload folder"):
        call_command("restore", str(archive))
    assert _counts() == rows


def test_a_damaged_archive_is_refused_before_anything_is_written(cast, tmp_path):
    INDICATOR_SAMPLES["indicators:evidence_download"](cast)
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "--out", str(archive))
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    first = next((unpacked / "media").rglob("*.*"))
    first.write_bytes(first.read_bytes() + b"!")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for path in sorted(unpacked.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(unpacked).as_posix())
    with pytest.raises(BackupError, match=f"checksum mismatch for media/{first.relative_to(unpacked / 'media')}"):
        backup_read(damaged, tmp_path / "check")


def test_restoring_a_backup_older_than_the_checkpoints_says_which_events_were_lost(cast, tmp_path, target):
    env, _ = target
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "--out", str(archive))
    from qualitygov.accounts.services import org_unit_create

    org_unit_create(actor=cast.office, name="新单位", kind="department", parent=cast.district)
    checkpoints = tmp_path / "checkpoints"
    call_command("audit", "checkpoint", "--dir", str(checkpoints))
    env["QUALITYGOV_AUDIT_CHECKPOINT_DIR"] = str(checkpoints)
    restored = _qualitygov(env, "restore", str(archive))
    assert restored.returncode == 1
    assert ("the backup is older than the audit checkpoints: its chain ends at #16 and the checkpoints reach #17, "
            "so events #17–#17 were written after the backup and are lost") in restored.stderr
