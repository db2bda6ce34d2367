"""Export-shaped fixtures for the directory's tests: a registration system's .xlsx (merged title, export
date, header on row 3, a 合计 row) and CSVs in UTF-8, UTF-8 with BOM and GB18030."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.choices import Role
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.services import org_unit_create, user_create

HEADER = ["序号", "统一社会信用代码", "企业名称", "类型", "行业代码", "行业", "所属镇街", "规上", "法定代表人", "住所",
          "成立日期", "登记状态"]
A = "91330100716105852F"
B = "914403001922038216"
C = "91330212MA281ATH4G"
ROWS = [
    [A, "舟山海鑫水产有限公司", "有限责任公司（自然人投资或控股）", "C1361", "水产品冷冻加工", "沈家门街道", "是", "王海",
     "浙江省舟山市普陀区沈家门街道海印路1号", dt.datetime(2008, 5, 12), "存续"],
    [B, "浙江欣海船舶修造有限公司", "有限责任公司", "C3731", "金属船舶制造", "六横镇", "否", "陈明",
     "浙江省舟山市普陀区六横镇六横大道8号", "2012/3/2", "在业"],
    [C, "舟山市普陀区六横海丰渔业专业合作社", "农民专业合作社", "", "A0421 海水捕捞", "六横镇", "", "李国",
     "六横镇峙头路3号", "2019年7月1日", "存续"],
]


def export_xlsx(rows=ROWS, *, header=HEADER, totals=True) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "市场主体"
    ws.append(["舟山市普陀区市场主体名录"])
    ws.append(["导出日期：2026-07-01"])
    ws.append(header)
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    if totals:
        ws.append(["合计", f"{len(rows)}户"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_csv(rows=ROWS, *, encoding="gb18030", title=True) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if title:
        writer.writerow(["舟山市普陀区市场主体名录（信用公示导出）"])
    writer.writerow(HEADER)
    for n, row in enumerate(rows, start=1):
        writer.writerow([n, *[v.strftime("%Y-%m-%d") if isinstance(v, dt.datetime) else v for v in row]])
    writer.writerow(["合计", f"{len(rows)}户"])
    return out.getvalue().encode(encoding)


def putuo(cast) -> dict:
    """A second town (六横镇) and the 区市场监管分局 with an inspector and a liaison of its own."""
    liuheng = OrgUnit.objects.filter(short_name="六横镇").first() or org_unit_create(
        actor=None, name="舟山市普陀区六横镇", kind=K.TOWN, parent=cast.district, short_name="六横镇")
    bureau = OrgUnit.objects.filter(short_name="区市场监管分局").first() or org_unit_create(
        actor=None, name="舟山市市场监督管理局普陀分局", kind=K.DEPARTMENT, parent=cast.district,
        short_name="区市场监管分局")
    from qualitygov.accounts.models import User

    inspector = User.objects.filter(username="inspector").first() or user_create(
        actor=None, username="inspector", password="Cast-password-2026", display_name="检查员", unit=bureau,
        grants=[(Role.INSPECTOR, bureau, False)])
    return {"liuheng": liuheng, "bureau": bureau, "inspector": inspector}
