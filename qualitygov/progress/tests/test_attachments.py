"""Evidence files: checked for size and real type before anything is stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.progress.selectors import evidence_list
from qualitygov.progress.services import evidence_attach, finding_create, report_submit

from .factories import make_setup

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_real_pdf_is_stored_for_the_report(cast, media):
    s = make_setup(cast, co=[])
    attachment = evidence_attach(actor=cast.liaison_a, owner=s.report,
                                 uploaded=SimpleUploadedFile("验收报告.pdf", PDF, content_type="application/pdf"))
    assert (attachment.original_name, attachment.size, attachment.owner_type, attachment.owner_id,
            attachment.unit_ref) == ("验收报告.pdf", len(PDF), "progress.progressreport", str(s.report.pk), cast.dept_a.pk)
    assert evidence_list(owner=s.report) == [attachment]
    assert [p.read_bytes() for p in stored_files(media)] == [PDF]
    assert AuditEvent.objects.filter(action="attachment.create", object_id=str(attachment.pk)).count() == 1


@pytest.mark.parametrize(("name", "data", "code"), [
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "disguised"),          # an .exe renamed .pdf
    ("photo.jpg", PDF, "disguised"),                                      # a PDF renamed .jpg
    ("report.docx", b"PK\x03\x04" + b"\x00" * 60, "disguised"),           # not a real zip
    ("run.exe", b"MZ\x90\x00", "bad_type"),
    ("empty.pdf", b"", "empty"),
])
def test_disguised_or_wrong_files_are_refused_and_nothing_is_stored(cast, media, name, data, code):
    s = make_setup(cast, co=[])
    with pytest.raises(ServiceError) as exc:
        evidence_attach(actor=cast.liaison_a, owner=s.report, uploaded=SimpleUploadedFile(name, data))
    assert exc.value.code == code
    assert list(exc.value.fields) == ["file"]
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_a_zip_renamed_docx_without_a_document_is_refused(cast, media):
    s = make_setup(cast, co=[])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("payload.bin", "x")
    with pytest.raises(ServiceError) as exc:
        evidence_attach(actor=cast.liaison_a, owner=s.report, uploaded=SimpleUploadedFile("材料.docx", buffer.getvalue()))
    assert exc.value.code == "disguised"
    assert (Attachment.objects.count(), stored_files(media)) == (0, [])


def test_oversized_files_are_refused_and_nothing_is_stored(cast, media, settings):
    settings.QUALITYGOV_EVIDENCE_MAX_BYTES = 1024
    s = make_setup(cast, co=[])
    big = PDF + b"0" * 2000
    with pytest.raises(ServiceError) as exc:
        evidence_attach(actor=cast.liaison_a, owner=s.report, uploaded=SimpleUploadedFile("大文件.pdf", big))
    assert exc.value.code == "too_large"
    assert (Attachment.objects.count(), stored_files(media)) == (0, [])


def test_only_the_owning_unit_attaches_and_only_while_open(cast, media):
    s = make_setup(cast)
    part_b = s.part(cast.dept_b)
    with pytest.raises(NotFoundError):
        evidence_attach(actor=cast.town_liaison, owner=part_b, uploaded=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(NotFoundError):
        evidence_attach(actor=cast.liaison_b, owner=s.report, uploaded=SimpleUploadedFile("a.pdf", PDF))
    evidence_attach(actor=cast.liaison_b, owner=part_b, uploaded=SimpleUploadedFile("b.pdf", PDF))
    finding = finding_create(actor=cast.office, source="inspection", title="台账不全", unit=cast.dept_b,
                             deadline=s.item.deadline)
    evidence_attach(actor=cast.liaison_b, owner=finding, uploaded=SimpleUploadedFile("c.txt", "整改说明".encode()))
    assert Attachment.objects.count() == 2
    solo = make_setup(cast, co=[], month=6)
    report_submit(actor=cast.liaison_a, report=solo.report, progress_pct="10", done_text="x")
    solo.report.refresh_from_db()
    with pytest.raises(ConflictError):
        evidence_attach(actor=cast.liaison_a, owner=solo.report, uploaded=SimpleUploadedFile("d.pdf", PDF))
    assert Attachment.objects.count() == 2


def test_a_zip_bomb_is_refused_as_evidence_and_nothing_is_stored(cast, media):
    from qualitygov.core.testing import zip_bomb

    s = make_setup(cast, co=[])
    with pytest.raises(ServiceError) as exc:
        evidence_attach(actor=cast.liaison_a, owner=s.report, uploaded=SimpleUploadedFile("说明.docx", zip_bomb(".docx")))
    assert (exc.value.code, exc.value.message) == ("too_large_unpacked", "“说明.docx”解压后过大，无法安全读取。")
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []
