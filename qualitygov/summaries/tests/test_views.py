"""The pages: a liaison files through the form, others see 404 and change nothing; the office reviews,
generates, edits (a stale edit is refused) and finalises the district draft and downloads it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.summaries import services
from qualitygov.summaries.forms import parse_sections, sections_text
from qualitygov.summaries.models import DistrictSummary, UnitSummary

from .factories import make_template, make_world, open_round
from .test_summaries import TEXTS_A


@pytest.fixture
def rnd(cast):
    plan, *_rest = make_world(cast)
    return open_round(cast, plan, make_template(cast), units=[cast.dept_a, cast.dept_b])


def _form(summary, texts, action):
    return {"version": summary.version, "action": action, **{f"text_{i}": t for i, t in enumerate(texts)}}


def test_the_liaison_files_through_the_form_and_others_get_404(cast, rnd, client_for):
    a = UnitSummary.objects.get(round=rnd, unit=cast.dept_a)
    url = reverse("summaries:unit_summary", args=[a.pk])
    page = client_for("liaison_a").get(url)
    assert page.status_code == 200
    assert [row[0] for row in page.context["figure_lines"]] == ["Q1 抽检合格率", "牵头工作事项"]
    # 区住建局's liaison neither sees nor writes 区经信局's summary; the leader reads but cannot write.
    assert client_for("liaison_b").get(url).status_code == 404
    assert client_for("liaison_b").post(url, _form(a, TEXTS_A, "submit")).status_code == 404
    assert client_for("leader").get(url).status_code == 200
    assert client_for("leader").get(url).context["form"] is None
    assert client_for("leader").post(url, _form(a, TEXTS_A, "submit")).status_code == 404
    a.refresh_from_db()
    assert (a.status, a.texts, a.version) == ("draft", ["", "", ""], 1)
    # An empty section: 400 with the field marked, nothing saved.
    refused = client_for("liaison_a").post(url, _form(a, [TEXTS_A[0], "", TEXTS_A[2]], "submit"))
    assert refused.status_code == 400
    assert refused.context["form"].errors["text_1"] == ["请填写这一部分。"]
    a.refresh_from_db()
    assert a.status == "draft"
    saved = client_for("liaison_a").post(url, _form(a, TEXTS_A, "submit"))
    assert saved.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.texts, a.submitted_by) == ("submitted", TEXTS_A, cast.liaison_a)
    # The round page lists only the liaison's own unit.
    listed = client_for("liaison_a").get(reverse("summaries:round", args=[rnd.pk]))
    assert [s.unit for s in listed.context["summaries"]] == [cast.dept_a]
    assert [s.unit for s in client_for("leader").get(reverse("summaries:round", args=[rnd.pk])).context["summaries"]] \
        == [cast.dept_a, cast.dept_b]


def test_evidence_goes_through_the_upload_gate(cast, rnd, client_for):
    a = UnitSummary.objects.get(round=rnd, unit=cast.dept_a)
    url = reverse("summaries:evidence_upload", args=[a.pk])
    fake = SimpleUploadedFile("佐证.pdf", b"not a pdf at all", content_type="application/pdf")
    client_for("liaison_a").post(url, {"file": fake})
    assert Attachment.objects.count() == 0
    good = SimpleUploadedFile("佐证.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client_for("liaison_b").post(url, {"file": good}).status_code == 404
    assert Attachment.objects.count() == 0
    good.seek(0)
    client_for("liaison_a").post(url, {"file": good})
    [stored] = Attachment.objects.all()
    assert (stored.original_name, stored.owner_type, stored.owner_id) == ("佐证.pdf", "summaries.unitsummary", str(a.pk))
    download = client_for("leader").get(reverse("summaries:evidence_download", args=[a.pk, stored.pk]))
    assert download.status_code == 200


def test_the_office_reviews_consolidates_edits_and_finalises(cast, rnd, client_for):
    a = UnitSummary.objects.get(round=rnd, unit=cast.dept_a)
    services.unit_summary_submit(actor=cast.liaison_a, summary=a, texts=TEXTS_A)
    office = client_for("office")
    office.post(reverse("summaries:unit_review", args=[a.pk]), {"action": "return", "reason": "请补充数据"})
    a.refresh_from_db()
    assert (a.status, a.return_reason) == ("returned", "请补充数据")
    services.unit_summary_submit(actor=cast.liaison_a, summary=a, texts=TEXTS_A)
    office.post(reverse("summaries:unit_review", args=[a.pk]), {"action": "accept"})
    a.refresh_from_db()
    assert a.status == "accepted"
    # The leader may read the draft but not generate it.
    assert client_for("leader").post(reverse("summaries:district_generate", args=[rnd.pk])).status_code == 404
    assert not DistrictSummary.objects.exists()
    office.post(reverse("summaries:district_generate", args=[rnd.pk]))
    district = DistrictSummary.objects.get()
    url = reverse("summaries:district", args=[rnd.pk])
    assert client_for("leader").get(url).status_code == 200
    assert client_for("liaison_a").get(url).status_code == 404
    texts = {f"text_{i}": s["text"] for i, s in enumerate(district.sections)}
    edited = office.post(url, {"title": district.title, "version": district.version, **texts, "text_0": "改写的成效"})
    assert edited.status_code == 302
    stale = office.post(url, {"title": district.title, "version": district.version, **texts, "text_0": "旧稿"})
    assert stale.status_code == 400
    district.refresh_from_db()
    assert district.sections[0]["text"] == "改写的成效"
    office.post(reverse("summaries:district_finalise", args=[rnd.pk]), {"version": district.version})
    district.refresh_from_db()
    assert district.status == "final"
    assert office.get(url).context["form"] is None
    docx = client_for("leader").get(reverse("summaries:district_docx", args=[rnd.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    lines = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert lines[3:5] == ["一、主要工作成效", "改写的成效"]
    assert AuditEvent.objects.filter(action="district_summary.finalise").count() == 1


def test_the_office_edits_the_template_and_a_stale_save_is_refused(cast, client_for):
    template = make_template(cast)
    url = reverse("summaries:template_edit", args=[template.pk])
    body = {"title": "半年总结模板", "sections": "一、成效｜写成效\n二、问题", "figures": ["work_items"],
            "version": template.version}
    assert client_for("liaison_a").post(url, body).status_code == 404
    assert client_for("office").post(url, body).status_code == 302
    template.refresh_from_db()
    assert (template.title, template.sections, template.figures, template.version) == (
        "半年总结模板", [{"heading": "一、成效", "guidance": "写成效"}, {"heading": "二、问题", "guidance": ""}],
        ["work_items"], 2)
    assert client_for("office").post(url, {**body, "title": "旧"}).status_code == 400
    template.refresh_from_db()
    assert template.title == "半年总结模板"


@given(st.text())
def test_section_lines_never_crash_and_round_trip(text):
    sections = parse_sections(text)
    assert all(s["heading"] == s["heading"].strip() for s in sections)
    assert parse_sections(sections_text([s for s in sections if s["heading"]])) == [s for s in sections if s["heading"]]


def test_the_round_page_costs_the_same_queries_for_more_units(cast, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan, *_rest = make_world(cast)
    small = open_round(cast, plan, make_template(cast), units=[cast.dept_a])
    big = services.round_open(actor=cast.office, plan=plan, year=2026, kind="annual", due_date=small.due_date,
                              template=small.template, units=[cast.dept_a, cast.dept_b, cast.town])
    client = client_for("office")
    counts = []
    for rnd in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("summaries:round", args=[rnd.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
