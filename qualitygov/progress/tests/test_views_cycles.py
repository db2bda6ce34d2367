import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.progress.models import ProgressReport

from .factories import make_cycle, make_plan


def test_cycle_list_exports_the_plans_cycles(cast, client_for):
    plan, _task = make_plan()
    make_cycle(cast, plan, month=4)
    make_cycle(cast, plan, month=5)
    response = client_for("office").get(reverse("progress:cycle_list_xlsx"), {"plan": plan.pk})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == ["报送周期", "频次", "起始日期", "截止日期", "报送截止日", "开启时间"]
    assert [(r[0], r[2].date()) for r in rows[1:]] == [("2026年5月", dt.date(2026, 5, 1)),
                                                      ("2026年4月", dt.date(2026, 4, 1))]


def test_cycle_export_and_open_are_office_only(cast, client_for):
    plan, _task = make_plan()
    cycle = make_cycle(cast, plan, month=5)
    before = ProgressReport.objects.count()
    for member in ("leader", "liaison_a", "town_liaison"):
        client = client_for(member)
        assert client.get(reverse("progress:cycle_list_xlsx"), {"plan": plan.pk}).status_code == 404
        assert client.post(reverse("progress:cycle_open", args=[cycle.pk])).status_code == 404
    assert ProgressReport.objects.count() == before
