"""A co unit's unsubmitted text and evidence stay with it, also after the lead unit returned its part;
the task timeline shows a report's figure only to those who may read the report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qualitygov.core.errors import NotFoundError
from qualitygov.progress import selectors as sel
from qualitygov.progress.services import (
    evidence_attach,
    report_part_return,
    report_part_save,
    report_part_submit,
    report_return,
    report_submit,
)

from .factories import make_setup

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_returned_parts_new_draft_is_not_readable_by_the_lead(cast, media):
    s = make_setup(cast, co=[cast.dept_b])
    part = report_part_submit(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="第一稿")
    assert [p.done_text for p in sel.report_part_list_visible(user=cast.liaison_a, report=s.report)] == ["第一稿"]
    report_part_return(actor=cast.liaison_a, part=part, reason="补充数据")
    part = report_part_save(actor=cast.liaison_b, part=part, done_text="尚未定稿的内部草稿")
    evidence = evidence_attach(actor=cast.liaison_b, owner=part,
                               uploaded=SimpleUploadedFile("内部草稿.pdf", PDF, content_type="application/pdf"))
    # The lead sees that the part is returned, but neither its new text nor its evidence.
    assert list(sel.report_part_list_visible(user=cast.liaison_a, report=s.report)) == []
    with pytest.raises(NotFoundError):
        sel.report_part_get_visible(user=cast.liaison_a, pk=part.pk)
    with pytest.raises(NotFoundError):
        sel.attachment_get_visible(user=cast.liaison_a, pk=evidence.pk)
    assert [(r.unit_label, r.status, r.readable) for r in sel.report_part_statuses(user=cast.liaison_a,
                                                                                 report=s.report)] == [
        ("区住建局", "returned", False)]
    client = Client()
    client.force_login(cast.liaison_a)
    assert client.get(reverse("progress:attachment_download", kwargs={"pk": evidence.pk})).status_code == 404
    page = client.get(reverse("progress:report_detail", kwargs={"pk": s.report.pk})).content.decode()
    assert "尚未定稿的内部草稿" not in page and "内部草稿.pdf" not in page
    # Its own unit still reads it; once filed again, the lead does.
    assert sel.report_part_get_visible(user=cast.liaison_b, pk=part.pk).done_text == "尚未定稿的内部草稿"
    report_part_submit(actor=cast.liaison_b, part=part)
    assert sel.report_part_get_visible(user=cast.liaison_a, pk=part.pk).done_text == "尚未定稿的内部草稿"
    assert sel.attachment_get_visible(user=cast.liaison_a, pk=evidence.pk) == evidence


def test_the_timeline_shows_a_reports_figure_only_to_who_may_read_it(cast):
    s = make_setup(cast, co=[cast.dept_b])
    report_part_submit(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="配合完成")
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="40", done_text="推进中")

    def submitted(user):
        return [e.detail for e in sel.task_timeline(user=user, task=s.task) if e.kind == "report_submitted"]

    assert submitted(cast.liaison_b) == ["进度 40.00%"]  # filed: the co unit reads the report
    report_return(actor=cast.office, report=s.report, reason="数据不实")
    assert sel.report_content_readable(user=cast.liaison_b, report=s.report) is False
    assert submitted(cast.liaison_b) == [""]
    assert submitted(cast.liaison_a) == ["进度 40.00%"]
    assert submitted(cast.office) == ["进度 40.00%"]
