"""Schemes kept in the platform: import (validated, verbatim), edit a draft, publish (frozen), new
version, JSON export byte for byte, the tree page, the CLI export, and who may change them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from qualitygov.assessments import selectors, services
from qualitygov.assessments.events import SCHEME_IMPORT, SCHEME_PUBLISH
from qualitygov.assessments.models import AssessmentScheme
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "example-scheme.json"
DEMO = Path(__file__).resolve().parents[1] / "data" / "member-units-2026.json"


def _text(path: Path = DEMO) -> str:
    return path.read_text(encoding="utf-8")


def test_import_keeps_the_document_verbatim_and_exports_it_byte_for_byte(cast, client_for):
    text = _text(EXAMPLE)
    scheme = services.scheme_import(actor=cast.office, text=text, year=2026, source_name="example-scheme.json")
    assert (scheme.key, scheme.year, scheme.version, scheme.status) == ("example-town-annual", 2026, 1, "draft")
    event = AuditEvent.objects.filter(action=SCHEME_IMPORT).get()
    assert (event.changes["leaves"], event.changes["version"]) == (9, 1)
    response = client_for("liaison_a").get(reverse("assessments:scheme_export", args=[scheme.pk]))
    assert response.status_code == 200
    assert response.content == text.encode("utf-8")


def test_a_bad_scheme_is_refused_naming_the_item_and_nothing_is_stored(cast):
    data = json.loads(_text(EXAMPLE))
    data["sections"][0]["items"][1]["params"] = {"options": {}}
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        services.scheme_import(actor=cast.office, text=json.dumps(data, ensure_ascii=False), year=2026)
    assert "A2" in refused.value.message
    with pytest.raises(ServiceError) as refused:
        services.scheme_import(actor=cast.office, text="{不是 JSON", year=2026)
    assert refused.value.fields == {"document": ["不是有效的 JSON（第 1 行第 2 列）"]}
    assert (AssessmentScheme.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_a_published_scheme_is_frozen_and_a_change_is_a_new_version(cast):
    scheme = services.scheme_import(actor=cast.office, text=_text(), year=2026)
    changed = _text().replace("区领导评价", "区分管领导评价")
    services.scheme_save_document(actor=cast.office, scheme=scheme, text=changed)
    services.scheme_publish(actor=cast.office, scheme=scheme)
    scheme.refresh_from_db()
    assert (scheme.status, scheme.published_by) == ("published", cast.office)
    assert AuditEvent.objects.filter(action=SCHEME_PUBLISH).get().changes["status"] == ["draft", "published"]
    with pytest.raises(ConflictError):
        services.scheme_save_document(actor=cast.office, scheme=scheme, text=_text())
    with pytest.raises(ConflictError):
        services.scheme_publish(actor=cast.office, scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.document == changed
    draft = services.scheme_new_version(actor=cast.office, scheme=scheme)
    assert (draft.version, draft.status, draft.document) == (2, "draft", changed)
    # The id stays the scheme's: another id is another scheme.
    with pytest.raises(ServiceError) as refused:
        services.scheme_save_document(actor=cast.office, scheme=draft, text=_text().replace("putuo-member-units", "x"))
    assert refused.value.message == "评分细则编号须保持为“putuo-member-units”；如为另一套细则，请作为新细则导入。"


@pytest.mark.parametrize("member", ["leader", "liaison_a"])
def test_only_the_district_office_changes_schemes(cast, client_for, member):
    scheme = services.scheme_import(actor=cast.office, text=_text(), year=2026)
    before = (AssessmentScheme.objects.count(), AuditEvent.objects.count(), scheme.document)
    actor = cast.members[member]
    for call in (lambda: services.scheme_import(actor=actor, text=_text(), year=2026),
                 lambda: services.scheme_save_document(actor=actor, scheme=scheme, text=_text()),
                 lambda: services.scheme_publish(actor=actor, scheme=scheme),
                 lambda: services.scheme_new_version(actor=actor, scheme=scheme)):
        with pytest.raises(NotFoundError):
            call()
    client = client_for(member)
    upload = SimpleUploadedFile("s.json", _text().encode(), content_type="application/json")
    assert client.post(reverse("assessments:scheme_import"), {"year": 2026, "file": upload}).status_code == 404
    for name in ("scheme_edit", "scheme_publish", "scheme_new_version"):
        assert client.post(reverse(f"assessments:{name}", args=[scheme.pk]), {"document": "{}"}).status_code == 404
    scheme.refresh_from_db()
    assert (AssessmentScheme.objects.count(), AuditEvent.objects.count(), scheme.document) == before
    assert scheme.status == "draft"


def test_the_office_imports_through_the_page_and_sees_the_tree(cast, client_for):
    office = client_for("office")
    upload = SimpleUploadedFile("细则.json", _text().encode(), content_type="application/json")
    response = office.post(reverse("assessments:scheme_import"), {"year": 2026, "file": upload})
    scheme = AssessmentScheme.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments:scheme", args=[scheme.pk])
    assert scheme.source_name == "细则.json"
    html = client_for("town_liaison").get(reverse("assessments:scheme", args=[scheme.pk])).content.decode()
    assert html.count('data-testid="tree-group"') == 5 and html.count('data-testid="tree-leaf"') == 9
    assert "每缺一项扣 1.25 分：分管领导、联络员、经费、制度" in html
    assert "≥100%：10 分；≥90%：8 分；≥80%：5 分；≥0%：0 分" in html
    assert "发生区域性、系统性质量安全事件 → 不合格" in html
    assert "全年被督办三次及以上，不得评为优秀" in html
    assert "最多加 5 分。" in html
    assert 'data-testid="publish"' not in html
    # A damaged upload: the message names the problem and nothing is stored.
    bad = SimpleUploadedFile("坏.json", b'{"id": "x"}', content_type="application/json")
    response = office.post(reverse("assessments:scheme_import"), {"year": 2026, "file": bad})
    assert response.status_code == 400
    assert "评分细则缺少必填项 title" in response.content.decode()
    assert AssessmentScheme.objects.count() == 1


@pytest.mark.django_db
def test_the_cli_exports_the_published_scheme(cast, tmp_path, capsys):
    out = tmp_path / "scheme.json"
    with pytest.raises(SystemExit) as stopped:
        call_command("assessment", "scheme", "export", "--year", "2026", "--out", str(out))
    assert stopped.value.code == 2
    assert capsys.readouterr().err == "2026 年没有已发布的考核评分细则。\n"
    scheme = services.scheme_import(actor=cast.office, text=_text(), year=2026)
    services.scheme_publish(actor=cast.office, scheme=scheme)
    call_command("assessment", "scheme", "export", "--year", "2026", "--out", str(out))
    assert out.read_text(encoding="utf-8") == _text()
    assert selectors.scheme_tree(selectors.scheme_document(scheme))[0].title == "指标完成"
