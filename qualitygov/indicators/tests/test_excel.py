"""The Excel round trip: template download, dry-run preview with row/column errors, refusals, confirm."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qualitygov.core.models import AuditEvent
from qualitygov.indicators.io import DATA_SHEET, HEADER, MARKER_SHEET
from qualitygov.indicators.models import Observation
from qualitygov.utilities.numbers import human_size
from tests.dbstate import changed_tables, table_snapshot

from .url_samples import world

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _template(client, period: str) -> bytes:
    response = client.get(reverse("indicators:excel_template"), {"period": period})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return response.content


def _fill(content: bytes, values: dict[int, tuple]) -> bytes:
    """Set (value, comment) in the given data rows (1-based sheet rows)."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb[DATA_SHEET]
    for row, (value, comment) in values.items():
        ws.cell(row=row, column=4, value=value)
        if comment is not None:
            ws.cell(row=row, column=6, value=comment)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload(client, content: bytes, name: str = "填报.xlsx"):
    return client.post(reverse("indicators:excel_upload"), {"file": SimpleUploadedFile(name, content, XLSX)})


def test_template_has_my_rows_prefilled_and_a_hidden_marker(cast, client_for):
    world(cast)
    wb = load_workbook(io.BytesIO(_template(client_for("liaison_a"), "2025")))
    assert wb.sheetnames == [DATA_SHEET, MARKER_SHEET]
    assert wb[MARKER_SHEET].sheet_state == "hidden"
    marker = {row[0]: row[1] for row in wb[MARKER_SHEET].iter_rows(values_only=True)}
    assert (marker["marker"], marker["version"], marker["period"]) == ("qualitygov-indicator-template", "1", "2025")
    rows = list(wb[DATA_SHEET].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert [(r[0], r[2], r[3], r[6], r[8]) for r in rows[1:]] == [
        ("A1", "2025", 26, "区经信局", "草稿"),
        ("A2", "2025-Q1", None, "区经信局", "未填报"),
        ("A2", "2025-Q2", None, "区经信局", "未填报"),
        ("A2", "2025-Q3", None, "区经信局", "未填报"),
        ("A2", "2025-Q4", None, "区经信局", "未填报"),
    ]
    # liaison_b's template holds only B1; the leader (no "change") may not download one.
    wb_b = load_workbook(io.BytesIO(_template(client_for("liaison_b"), "2024")))
    assert [(r[0], r[2], r[3]) for r in wb_b[DATA_SHEET].iter_rows(min_row=2, values_only=True)] == [
        ("B1", "2024", 28)]
    assert client_for("leader").get(reverse("indicators:excel_template"), {"period": "2025"}).status_code == 404


def test_preview_classifies_every_row_with_row_and_column(cast, client_for):
    world(cast)
    client = client_for("liaison_a")
    content = _fill(_template(client, "2025"), {
        2: (27, None),        # A1 2025 draft 26 → 27: changed
        3: (96.5, None),      # A2 Q1: new
        4: ("abc", None),     # not a number
        5: (101, None),       # a percentage above 100
        6: (None, None),      # left empty: unchanged
    })
    before, events = table_snapshot(), AuditEvent.objects.count()
    response = _upload(client, content)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(r.row, r.kind, r.code, r.period, r.old, r.new) for r in preview.rows] == [
        (2, "changed", "A1", "2025", "26", "27"),
        (3, "new", "A2", "2025-Q1", "", "96.5"),
        (4, "error", "A2", "2025-Q2", "", ""),
        (5, "error", "A2", "2025-Q3", "", "101"),
        (6, "unchanged", "A2", "2025-Q4", "", ""),
    ]
    assert preview.errors == ["第4行 D列：“abc”不是数字。", "第5行 D列：101：百分比必须在 0 到 100 之间。"]
    assert response.context["counts"] == {"new": 1, "changed": 1, "unchanged": 1, "error": 2}
    assert response.context["can_confirm"] is False
    assert changed_tables(before, table_snapshot()) == ["sessions.Session"]
    assert AuditEvent.objects.count() == events
    # With errors there is nothing to confirm.
    assert client.post(reverse("indicators:excel_confirm")).status_code == 302
    assert Observation.objects.filter(indicator__code="A2").count() == 0


def test_big_change_needs_a_comment_and_locked_values_cannot_change(cast, client_for):
    world(cast)
    client = client_for("liaison_a")
    content = _fill(_template(client, "2024"), {2: (30, None)})  # A1 2024 is submitted (25)
    preview = _upload(client, content).context["preview"]
    assert preview.errors == ["第2行 D列：该数值已报送、正在等待审核，现在不能修改。"]
    content = _fill(_template(client, "2025"), {2: (80, None), 3: (97, None), 4: (10, None)})
    preview = _upload(client, content).context["preview"]
    assert preview.errors == ["第2行 F列：数值由 25 变为 80，变化超过 3 倍，请在说明中写明原因。",
                              "第4行 F列：数值由 97 变为 10，变化超过 3 倍，请在说明中写明原因。"]
    content = _fill(_template(client, "2025"), {2: (80, "口径调整"), 3: (97, None), 4: (96, None)})
    preview = _upload(client, content).context["preview"]
    assert preview.errors == [] and preview.counts == {"new": 2, "changed": 1, "unchanged": 2, "error": 0}


def test_confirm_writes_the_previewed_values_as_drafts_or_submitted(cast, client_for):
    w = world(cast)
    client = client_for("liaison_a")
    content = _fill(_template(client, "2025"), {2: (27, "年报数"), 3: (96.5, None), 4: (97, None)})
    response = _upload(client, content)
    assert response.context["can_confirm"] is True
    response = client.post(reverse("indicators:excel_confirm"), {"submit": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:unit_page", args=[cast.dept_a.pk])
    got = sorted((o.indicator.code, o.period.label, o.value, o.status, o.comment)
                 for o in Observation.objects.filter(unit=cast.dept_a, period__label__startswith="2025"))
    assert got == [("A1", "2025", Decimal("27.0000"), "submitted", "年报数"),
                   ("A2", "2025-Q1", Decimal("96.5000"), "submitted", ""),
                   ("A2", "2025-Q2", Decimal("97.0000"), "submitted", "")]
    # The pending upload is used once.
    assert client.post(reverse("indicators:excel_confirm")).status_code == 302
    assert Observation.objects.filter(indicator=w.a2).count() == 2


def test_rows_of_another_unit_are_refused(cast, client_for):
    world(cast)
    content_b = _template(client_for("liaison_b"), "2024")
    client = client_for("liaison_a")
    preview = _upload(client, _fill(content_b, {2: (29, None)})).context["preview"]
    assert preview.errors == ["第2行 K列：该行不属于您的填报范围（指标、填报期或单位不在您的职责范围内）。"]
    assert Observation.objects.get(indicator__code="B1").value == Decimal("28")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _plain_workbook(header) -> bytes:
    wb = Workbook()
    wb.active.title = DATA_SHEET
    wb.active.append(header)
    wb.active.append(["A1", "规上工业亩均税收", "2025", 27])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _with_marker_and_header(header) -> bytes:
    wb = Workbook()
    wb.active.title = DATA_SHEET
    wb.active.append(header)
    marker = wb.create_sheet(MARKER_SHEET)
    marker.append(["marker", "qualitygov-indicator-template"])
    marker.append(["version", "1"])
    marker.append(["period", "2025"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


FOREIGN = "该工作簿不是从本平台下载的指标填报模板。请重新下载模板，在模板中填写后再上传。"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("填报.xlsx", b"this is not a zip at all", "“填报.xlsx”实际上不是 .xlsx 文件。"),
    ("填报.xlsx", _zip({"readme.txt": b"hello"}), "“填报.xlsx”实际上不是 .xlsx 文件。"),
    ("填报.xlsx", _zip({"[Content_Types].xml": b"<broken", "xl/workbook.xml": b"<nope"}),
     "无法作为 Excel 工作簿（.xlsx）读取该文件。请在 Excel 中重新保存后再上传。"),
    ("填报.xlsx", _plain_workbook(HEADER), FOREIGN),
    ("填报.xlsx", _with_marker_and_header(["编号", "名称", "数值"]), FOREIGN),
    ("填报.csv", b"code,value\nA1,27\n", "“填报.csv”：不接受此类文件（允许的类型：.xlsx）。"),
])
def test_malformed_and_foreign_workbooks_are_refused_and_write_nothing(cast, client_for, name, content, message):
    world(cast)
    client = client_for("liaison_a")
    client.get(reverse("indicators:excel_upload"))
    before, events = table_snapshot(), AuditEvent.objects.count()
    response = client.post(reverse("indicators:excel_upload"),
                           {"file": SimpleUploadedFile(name, content, "application/octet-stream")})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [message]
    assert message in response.content.decode()
    assert changed_tables(before, table_snapshot()) == []
    assert AuditEvent.objects.count() == events


def test_oversized_workbook_is_refused_before_it_is_opened(cast, client_for, settings):
    world(cast)
    client = client_for("liaison_a")
    content = _fill(_template(client, "2025"), {3: (96.5, None)})
    settings.QUALITYGOV_INDICATOR_UPLOAD_MAX_BYTES = 1024
    size = human_size(len(content))
    client.get(reverse("indicators:excel_upload"))
    before, events = table_snapshot(), AuditEvent.objects.count()
    response = _upload(client, content)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [f"“填报.xlsx”大小为 {size}，超过上限 1 KB。请拆分成较小的文件。"]
    assert changed_tables(before, table_snapshot()) == [] and AuditEvent.objects.count() == events


def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(cast, client_for):
    from qualitygov.core.testing import zip_bomb

    world(cast)
    client = client_for("liaison_a")
    client.get(reverse("indicators:excel_upload"))
    before, events = table_snapshot(), AuditEvent.objects.count()
    response = _upload(client, zip_bomb(".xlsx"))
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["“填报.xlsx”解压后过大，无法安全读取。"]
    assert changed_tables(before, table_snapshot()) == [] and AuditEvent.objects.count() == events
