"""A plan with task groups named as the demo's 工作要点 headings, and 工作要点 files built in memory."""

from __future__ import annotations

import hashlib
import io

from openpyxl import Workbook

from qualitygov.accounts.testing import Cast
from qualitygov.core.uploads import CheckedFile
from qualitygov.plans.models import Plan
from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory


def make_plan(cast: Cast) -> Plan:
    plan = plan_factory()
    g1 = group_factory(plan=plan, number="一", title="增强发展动能，推动经济质量效益型发展")
    g2 = group_factory(plan=plan, number="二", title="深入实施质量提升行动，全面优化质量供给")
    task_factory(plan=plan, group=g1, number="1", title="坚持质量发展创新驱动", lead=[cast.dept_a])
    task_factory(plan=plan, group=g1, number="2", title="强化首席质量官制度", text="推行首席质量官制度，覆盖规上工业企业。",
                 lead=[cast.dept_a])
    task_factory(plan=plan, group=g2, number="3", title="全面提升工程质量", lead=[cast.dept_b])
    return plan


def checked(name: str, data: bytes) -> CheckedFile:
    ext = "." + name.rsplit(".", 1)[-1]
    return CheckedFile(name=name, extension=ext, content_type="application/octet-stream", data=data,
                       sha256=hashlib.sha256(data).hexdigest())


def merged_xlsx() -> bytes:
    """The usual sheet: a title row, the header, a heading row merged across, a key point spread over two
    rows (its content cell merged down, the second row adding a co unit), a lead unit merged down over two
    key points, and one unknown unit (区火星局)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "工作要点"
    ws.append(["区质量强区工作领导小组办公室2026年工作要点"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "工作要点", "牵头单位", "配合单位", "完成时限"])
    ws.append(["一、增强发展动能，推动经济质量效益型发展"])
    ws.merge_cells("A3:E3")
    ws.append([1, "在规上工业企业全面推行首席质量官制度", "区经信局", "区住建局", "2026年6月底前"])
    ws.append([None, None, None, "沈家门街道", None])
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:C5")
    ws.merge_cells("E4:E5")
    ws.append([2, "建设质量发展创新驱动平台", "区经信局", "区火星局、区住建局", "2026年12月31日"])
    ws.append([3, "开展质量提升专项行动", None, None, "下半年"])
    ws.merge_cells("C6:C7")  # 区经信局 leads 2 and 3
    ws.append(["二、深入实施质量提升行动，全面优化质量供给"])
    ws.merge_cells("A8:E8")
    ws.append([4, "开展在建工程质量安全专项检查", "区住建局", "", "第三季度"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
