"""The pages: upload → preview → confirm; the file page with marked rows; the figures list with filters
and export; who sees what (a town sees its own town's figures, not the files); the demo loads once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from qualitygov.feeds.models import FeedFile, Figure
from qualitygov.feeds.services import feed_import, source_get

from . import fixtures

pytestmark = pytest.mark.django_db


def test_upload_preview_confirm(client_for, cast, towns):
    client = client_for("liaison_a")  # the source's responsible unit
    page = client.get("/feeds/sources/c12315/upload/")
    assert page.status_code == 200
    data = fixtures.c12315_xlsx()
    upload = SimpleUploadedFile("12315-1月.xlsx", data)
    response = client.post("/feeds/sources/c12315/upload/", {"file": upload})
    feed_file = FeedFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/feeds/files/{feed_file.pk}/"
    assert feed_file.status == "pending" and Figure.objects.count() == 0
    preview = client.get(f"/feeds/files/{feed_file.pk}/").content.decode()
    assert "尚未导入" in preview and "确认导入" in preview and "受理量" in preview
    response = client.post(f"/feeds/files/{feed_file.pk}/commit/")
    assert response.status_code == 302
    feed_file.refresh_from_db()
    assert feed_file.status == "imported" and Figure.objects.count() == 12
    page = client.get(f"/feeds/files/{feed_file.pk}/?rows=6-7").content.decode()
    assert 'id="row-6"' in page and 'id="row-7"' in page and 'id="row-5"' not in page
    assert "已导入：新增12项，变更0项，不变0项，删除0项。" in page
    # the same bytes again: nothing new, said so
    again = client.post("/feeds/sources/c12315/upload/", {"file": SimpleUploadedFile("again.xlsx", data)},
                        follow=True)
    assert "完全相同" in again.content.decode()
    assert FeedFile.objects.count() == 1


def test_preview_lists_errors_with_row_and_column(client_for, cast, towns):
    client = client_for("office")
    client.post("/feeds/sources/c12315/upload/", {"file": SimpleUploadedFile("坏.xlsx", fixtures.c12315_xlsx(bad=True))})
    feed_file = FeedFile.objects.get()
    page = client.get(f"/feeds/files/{feed_file.pk}/").content.decode()
    assert "C列（受理量（件））" in page and "“abc”不是数字" in page
    assert 'data-testid="confirm"' not in page
    assert client.post(f"/feeds/files/{feed_file.pk}/discard/").status_code == 302
    feed_file.refresh_from_db()
    assert feed_file.status == "discarded"


def test_a_disguised_file_is_refused(client_for, cast, towns):
    response = client_for("office").post("/feeds/sources/c12315/upload/",
                                         {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert response.status_code == 200
    assert FeedFile.objects.count() == 0


def test_towns_read_their_own_figures_only(client_for, cast, towns):
    feed_import(actor=cast.office, source=source_get("c12315"), name="1月.xlsx", data=fixtures.c12315_xlsx())
    town_page = client_for("town_liaison").get("/feeds/figures/").content.decode()
    assert town_page.count('data-testid="figure"') == 8  # 沈家门街道's two rows × 4 figures
    assert "东港街道" not in town_page.split('data-testid="figures"')[1]
    feed_file = FeedFile.objects.get()
    assert client_for("town_liaison").get(f"/feeds/files/{feed_file.pk}/").status_code == 404
    assert client_for("liaison_b").get("/feeds/figures/").content.decode().count('data-testid="figure"') == 0
    assert client_for("leader").get("/feeds/figures/").content.decode().count('data-testid="figure"') == 12
    assert 'data-testid="sources-empty"' in client_for("town_liaison").get("/feeds/").content.decode()


def test_figures_filter_and_export(client_for, cast, towns):
    feed_import(actor=cast.office, source=source_get("c12315"), name="1月.xlsx", data=fixtures.c12315_xlsx())
    client = client_for("office")
    page = client.get("/feeds/figures/", {"measure": "c12315.accepted", "town": towns["东港街道"].pk}).content.decode()
    assert page.count('data-testid="figure"') == 1
    response = client.get("/feeds/figures/", {"measure": "c12315.accepted", "category": "食品", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["来源", "指标项", "期间", "镇街", "类别", "对象", "数值", "来源文件", "行号"]
    assert sorted(rows[1:]) == [
        ["12315投诉举报月度统计", "受理量", "2026-01", "东港街道", "食品", None, 5, "1月.xlsx", 7],
        ["12315投诉举报月度统计", "受理量", "2026-01", "沈家门街道", "食品", None, 12, "1月.xlsx", 5],
    ]


def test_pages_render_empty_and_full(client_for, cast, towns):
    client = client_for("office")
    for url in ("/feeds/", "/feeds/files/", "/feeds/figures/", "/feeds/sources/air/"):
        assert client.get(url).status_code == 200
    assert 'data-testid="figures-empty"' in client.get("/feeds/figures/").content.decode()
    assert 'data-testid="files-empty"' in client.get("/feeds/files/").content.decode()
    feed_import(actor=cast.office, source=source_get("credit"), name="信用.xlsx", data=fixtures.credit_xlsx())
    sources = client.get("/feeds/").content.decode()
    assert "信用监管名单列入移出统计" in sources and "2026-05" in sources


def test_demo_loads_once(db):
    from qualitygov.accounts.demo import load as load_accounts
    from qualitygov.feeds.demo import load
    from qualitygov.feeds.models import FeedChange

    load_accounts()
    assert load(today=dt.date(2026, 4, 2)) == {"files": 18, "corrections": 0}
    assert set(FeedFile.objects.values_list("is_demo", "status")) == {(True, "imported")}
    assert FeedFile.objects.filter(original_name__endswith=".csv").count() == 4  # March 12315 and 3 air reports
    assert FeedChange.objects.count() == 0
    assert load(today=dt.date(2026, 4, 2)) == {"files": 0, "corrections": 0}
    assert source_get("c12315").owner_unit.short_name == "区市场监管分局"
    assert source_get("air").owner_unit.short_name == "区生态环境分局"


def test_figures_export_writes_typed_text_as_text(client_for, cast, towns):
    """A category the export typed as "=1+1" comes back as that text, never as a formula."""
    data = fixtures.csv_bytes([["2026年1月"], ["镇街", "类别", "受理量"], ["沈家门街道", "=1+1", 3],
                               ["沈家门街道", "@SUM(A1)", 4]])
    feed_import(actor=cast.office, source=source_get("c12315"), name="公式.csv", data=data)
    response = client_for("office").get("/feeds/figures/", {"format": "xlsx"})
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert sorted(c.value for c in cells if c.column == 5 and c.row > 1) == ["=1+1", "@SUM(A1)"]
    assert {c.data_type for c in cells if c.column == 5 and c.row > 1} == {"s"}
