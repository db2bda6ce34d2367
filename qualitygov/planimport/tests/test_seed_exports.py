"""The seed plan, imported, comes out of the plan's exports with its twenty tasks."""

from __future__ import annotations

from django.urls import reverse

from qualitygov.plans.tests.test_exports import SEED_TASK_1, _docx, _table_rows, _xlsx

from .factories import seed_plan


def test_seed_plan_exports_have_twenty_task_rows(client_for, cast):
    plan = seed_plan(cast.office)
    client = client_for("office")
    rows = list(_xlsx(client.get(reverse("plans:export_xlsx", args=[plan.pk]))).iter_rows(min_row=3, values_only=True))
    assert len(rows) == 20
    assert [row[0] for row in rows] == [str(n) for n in range(1, 21)]
    assert rows[0] == SEED_TASK_1
    table = _table_rows(_docx(client.get(reverse("plans:export_docx", args=[plan.pk]))))
    task_rows = [row for row in table[1:] if len(set(row)) > 1]
    group_rows = [row[0] for row in table[1:] if len(set(row)) == 1]
    assert len(task_rows) == 20
    assert group_rows == [
        "（一）增强发展动能，推动经济质量效益型发展", "（二）构筑发展新优势，增强产业质量竞争力",
        "（三）深入实施质量提升行动，全面优化质量供给", "（四）发挥企业主体作用，提升企业质量和品牌发展竞争力",
        "（五）建设高能级质量基础设施，增强质量技术支撑能力", "（六）强化数字化改革牵引，推进质量治理现代化先行",
    ]
    assert task_rows[0] == [SEED_TASK_1[0], *[v or "" for v in SEED_TASK_1[2:]]]
