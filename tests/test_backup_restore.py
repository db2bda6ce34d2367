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
def instances(tmp_path):
    """`instances("restored")` → the environment of another instance: its own empty database (a
    SQLite file, or another PostgreSQL database) and upload folder."""
    droppers = []

    def make(name: str) -> tuple[dict[str, str], Path]:
        var = tmp_path / name
        var.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.base",
               "QUALITYGOV_VAR_DIR": str(var), "QUALITYGOV_MEDIA_ROOT": str(var / "media"),
               "QUALITYGOV_AUDIT_KEY": "", "QUALITYGOV_AUDIT_CHECKPOINT_DIR": str(var / "checkpoints")}
        env.pop("QUALITYGOV_AUDIT_KEY_FILE", None)
        if connection.vendor == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{var / 'qualitygov.sqlite3'}"
            return env, var / "media"
        import psycopg

        db = connection.settings_dict
        dbname = f"{db['NAME']}_{name}"
        admin = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
                 "password": db["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}

        def run(sql: str) -> None:
            with psycopg.connect(**admin) as conn:
                conn.execute(sql)

        run(f'DROP DATABASE IF EXISTS "{dbname}"')
        run(f'CREATE DATABASE "{dbname}"')
        droppers.append(lambda: run(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        env["DATABASE_URL"] = f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"
        return env, var / "media"

    yield make
    for drop in droppers:
        drop()


@pytest.fixture
def target(instances):
    return instances("restored")


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


#: Run in an instance: walk the site as the demo office admin from the start URLs, following links
#: (GET only, at most LIMIT pages); print each URL's status, and the SHA-256 of every evidence file.
CRAWL = """
import hashlib, json, re, sys, django
django.setup()
from django.test import Client
from qualitygov.accounts.models import User
start, limit = json.loads(sys.argv[1]), int(sys.argv[2])
client = Client()
client.force_login(User.objects.get(username="office"))
seen, queue, answers = set(start), list(start), {}
skip = re.compile(r"logout|/refresh|read-all|/read/|/api/|export|xlsx|/set_language|/i18n/")
while queue and len(answers) < limit:
    url = queue.pop(0)
    r = client.get(url)
    body = b"".join(r.streaming_content) if r.streaming else r.content
    answers[url] = [r.status_code, hashlib.sha256(body).hexdigest() if "/evidence/" in url else ""]
    if r.status_code == 200 and r.get("Content-Type", "").startswith("text/html"):
        for link in sorted(set(re.findall(r'href="(/[^"#?]*)"', body.decode()))):
            if link not in seen and not skip.search(link) and not link.startswith("/static/"):
                seen.add(link)
                queue.append(link)
print(json.dumps(answers))
"""

#: Run in the demo instance: attach an evidence file to a report; print the file's and the report's URL.
ATTACH = """
import json, django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from qualitygov.accounts.models import User
from qualitygov.progress.models import ProgressReport
from qualitygov.progress.services import evidence_attach
report = ProgressReport.objects.filter(status="open").order_by("pk").first()
liaison = User.objects.filter(unit_id=report.unit_id, is_active=True).order_by("pk").first()
pdf = b"%PDF-1.4\\n" + "验收记录".encode() + b"\\n%%EOF\\n"
found = evidence_attach(actor=liaison, owner=report, uploaded=SimpleUploadedFile("验收.pdf", pdf, "application/pdf"))
print(json.dumps([reverse("progress:attachment_download", args=[found.pk]),
                  reverse("progress:report_detail", args=[report.pk])]))
"""


def _python(env: dict[str, str], script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_demo_backup_restore_elsewhere_answers_every_page_and_file_as_before(instances, tmp_path):
    """The operator's path end to end: `qualitygov demo`, an upload, `backup`, `restore` on another
    database and folder, `audit verify`; then the same walk of the site answers the same."""
    demo_env, demo_media = instances("demo")
    restored_env, restored_media = instances("demo_restored")
    prepared = _qualitygov(demo_env, "demo", "--no-serve")
    assert prepared.returncode == 0, prepared.stderr
    evidence_url, report_url = json.loads(_python(demo_env, ATTACH))
    archive = tmp_path / "demo.tar.gz"
    backed_up = _qualitygov(demo_env, "backup", "--out", str(archive))
    assert backed_up.returncode == 0, backed_up.stderr
    restored = _qualitygov(restored_env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    verified = _qualitygov(restored_env, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    # The upload above, the 迎考 demo's evidence file, the two files of the demo's report sent to the city,
    # the market-entity export the directory was imported from, and the feeds' 67 export files (66 and
    # October's corrected 12315 file).
    assert _tree(restored_media) == _tree(demo_media) and len(_tree(demo_media)) == 72

    start = json.dumps(["/", evidence_url, report_url])
    before = json.loads(_python(demo_env, CRAWL, start, "120"))
    after = json.loads(_python(restored_env, CRAWL, start, "120"))
    assert after == before
    assert len(before) == 120 and before[evidence_url][0] == 200 and before[evidence_url][1]
    assert {url for url, (code, _) in before.items() if code != 200} == set()
