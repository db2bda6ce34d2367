"""The one-stop service window: time limits in working days under dated rules, named transitions, scoping,
measures by town, totals by industry and their export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.services import org_unit_create
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.indicators.measures import measure_by_town, measure_value
from qualitygov.onestop import selectors, services
from qualitygov.onestop.models import ServiceRequest

from .factories import entity_factory

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def towns(cast):
    lh = org_unit_create(actor=None, name="舟山市普陀区六横镇", kind=OrgUnitKind.TOWN, parent=cast.district,
                         short_name="六横镇")
    return cast.town, lh


@pytest.fixture
def firms(towns):
    sjm, lh = towns
    return [entity_factory(name="浙江普陀海洋食品有限公司", serial=1, town=sjm),
            entity_factory(name="舟山市普陀区六横船舶修造有限公司", serial=2, town=lh, industry_code="C3731",
                           industry_name="金属船舶制造")]


def received(cast, firm, day: dt.date, kind: str = "metrology", unit=None) -> ServiceRequest:
    return services.request_create(actor=cast.office, unit=unit or cast.dept_a, entity=firm, kind=kind,
                                   subject="电子秤检定", received_on=day)


def test_the_time_limit_counts_working_days_across_the_national_day_holiday(cast, firms):
    services.sla_rule_create(actor=cast.office, effective_from=dt.date(2026, 1, 1), default=10,
                             by_kind={"metrology": 5}, legal_basis="国市监质〔2020〕177号")
    req = received(cast, firms[0], dt.date(2026, 9, 29))
    # 9-30 is the 1st working day; 1–7 October are holidays; 8, 9 and Saturday 10 October (a make-up working
    # day) are the 2nd to 4th; Monday 12 October the 5th.
    assert (req.sla_workdays, req.due_on) == (5, dt.date(2026, 10, 12))
    done = services.request_complete(actor=cast.office, request=req, done_on=dt.date(2026, 10, 12), rating=5)
    assert done.sla_state(dt.date(2026, 12, 1)) == "within"
    late = received(cast, firms[0], dt.date(2026, 9, 29))
    late = services.request_complete(actor=cast.office, request=late, done_on=dt.date(2026, 10, 13))
    assert late.sla_state(dt.date(2026, 12, 1)) == "late"
    other = received(cast, firms[0], dt.date(2026, 9, 29), kind="testing")
    assert (other.sla_workdays, other.due_on) == (10, dt.date(2026, 10, 19))
    assert other.sla_state(dt.date(2026, 10, 19)) == "open" and other.sla_state(dt.date(2026, 10, 20)) == "overdue"


def test_a_later_rule_applies_to_requests_received_from_its_day(cast, firms):
    services.sla_rule_create(actor=cast.office, effective_from=dt.date(2026, 1, 1), default=10)
    services.sla_rule_create(actor=cast.office, effective_from=dt.date(2026, 6, 1), default=3)
    assert received(cast, firms[0], dt.date(2026, 5, 29), kind="testing").sla_workdays == 10
    assert received(cast, firms[0], dt.date(2026, 6, 1), kind="testing").sla_workdays == 3
    with pytest.raises(NotFoundError):
        services.sla_rule_create(actor=cast.liaison_a, effective_from=dt.date(2026, 7, 1), default=3)
    with pytest.raises(ServiceError):
        services.sla_rule_create(actor=cast.office, effective_from=dt.date(2026, 6, 1), default=4)


def test_without_a_rule_the_default_is_ten_working_days(cast, firms):
    assert received(cast, firms[0], dt.date(2026, 3, 2)).due_on == dt.date(2026, 3, 16)


def test_named_transitions_audited_and_scoped(cast, firms):
    req = received(cast, firms[0], dt.date(2026, 3, 2))
    req = services.request_assign(actor=cast.liaison_a, request=req, assigned_to="舟山市计量测试院")
    assert req.status == "assigned"
    with pytest.raises(NotFoundError):
        services.request_assign(actor=cast.liaison_b, request=req, assigned_to="x")
    with pytest.raises(ServiceError):
        services.request_complete(actor=cast.office, request=req, done_on=dt.date(2026, 3, 1))
    with pytest.raises(ServiceError):
        services.request_complete(actor=cast.office, request=req, done_on=dt.date(2026, 3, 3), rating=6)
    req = services.request_complete(actor=cast.office, request=req, done_on=dt.date(2026, 3, 3), solved=True,
                                    rating=4)
    with pytest.raises(ConflictError):
        services.request_complete(actor=cast.office, request=req, done_on=dt.date(2026, 3, 3))
    req = services.request_reopen(actor=cast.office, request=req, reason="企业反映未解决")
    assert (req.status, req.done_on, req.rating) == ("assigned", None, None)
    assert list(AuditEvent.objects.filter(object_type="onestop.servicerequest").order_by("seq")
                .values_list("action", flat=True)) == [
        "service_request.create", "service_request.assign", "service_request.complete", "service_request.reopen"]
    assert list(selectors.request_list_visible(user=cast.liaison_b)) == []
    assert list(selectors.request_list_visible(user=cast.liaison_a)) == [req]


def test_measures_by_town(cast, towns, firms):
    sjm, lh = towns
    a = received(cast, firms[0], dt.date(2026, 3, 2))
    services.request_complete(actor=cast.office, request=a, done_on=dt.date(2026, 3, 4), rating=5, solved=True)
    b = received(cast, firms[0], dt.date(2026, 3, 2))
    services.request_complete(actor=cast.office, request=b, done_on=dt.date(2026, 3, 30), rating=2)
    received(cast, firms[1], dt.date(2026, 4, 1))
    assert measure_value("onestop.requests", start=YEAR[0], end=YEAR[1]).value == Decimal(3)
    assert measure_value("onestop.done", start=YEAR[0], end=YEAR[1]).value == Decimal(2)
    rate = measure_value("onestop.sla_rate", start=YEAR[0], end=YEAR[1])
    assert rate.value == Decimal("50.0")
    assert rate.provenance[0] == {"label": "时限内办结件数", "count": 1,
                                  "url": "/onestop/?done_from=2026-01-01&done_to=2026-12-31&sla=within"}
    assert measure_value("onestop.rating_avg", start=YEAR[0], end=YEAR[1]).value == Decimal("3.50")
    ids = [sjm.pk, lh.pk]
    assert {k: v.value for k, v in measure_by_town("onestop.requests", start=YEAR[0], end=YEAR[1],
                                                   town_ids=ids).items()} == {sjm.pk: 2, lh.pk: 1}
    assert {k: v.value for k, v in measure_by_town("onestop.sla_rate", start=YEAR[0], end=YEAR[1],
                                                   town_ids=ids).items()} == {sjm.pk: Decimal("50.0"), lh.pk: None}
    assert measure_value("onestop.sla_rate", start=YEAR[0], end=YEAR[1], town_id=lh.pk).value is None


def test_totals_by_industry_page_and_export(cast, client_for, firms):
    a = received(cast, firms[0], dt.date(2026, 3, 2))
    services.request_complete(actor=cast.office, request=a, done_on=dt.date(2026, 3, 4), rating=5, solved=True)
    received(cast, firms[1], dt.date(2026, 4, 1))
    client = client_for("liaison_a")
    response = client.get(reverse("onestop:industries"), {"start": "2026-01-01", "end": "2026-12-31"})
    html = response.content.decode()
    assert response.status_code == 200 and "金属船舶制造" in html and "水产品冷冻加工" in html
    response = client.get(reverse("onestop:industries"), {"start": "2026-01-01", "end": "2026-12-31",
                                                          "format": "xlsx"})
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows == [["行业代码", "行业名称", "受理件数", "办结件数", "按时办结件数", "按时办结率（%）", "问题解决件数", "平均评价"],
                    ["C1361", "水产品冷冻加工", 1, 1, 1, 100, 1, 5],
                    ["C3731", "金属船舶制造", 1, 0, 0, None, 0, None],
                    ["合计", None, 2, 1, 1, 100, 1, None]]
    assert client_for("liaison_b").get(reverse("onestop:industries")).context["rows"] == []


def test_pages_in_chinese_and_the_list_export_is_formula_safe(cast, client_for, firms):
    req = services.request_create(actor=cast.office, unit=cast.dept_a, entity=firms[0], kind="testing",
                                  subject="=1+1", received_on=dt.date(2026, 3, 2))
    client = client_for("liaison_a")
    html = client.get(reverse("onestop:list")).content.decode()
    assert "质量基础设施一站式服务" in html and "检验检测" in html
    response = client.get(reverse("onestop:detail", args=[req.pk]))
    html = response.content.decode()
    assert response.status_code == 200, html[-3000:]
    assert "应办结日期" in html and "2026-03-16" in html, html[html.find("<main"):][:4000]
    response = client.get(reverse("onestop:list"), {"format": "xlsx"})
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [(c.value, c.data_type) for c in cells if c.value == "=1+1"] == [("=1+1", "s")]
    response = client.post(reverse("onestop:new"), {"unit": cast.dept_a.pk, "entity": firms[1].uscc, "kind": "standards",
                                                    "subject": "团体标准立项咨询", "received_on": "2026-03-03"})
    assert response.status_code == 302
    assert ServiceRequest.objects.filter(kind="standards", unit=cast.dept_a).count() == 1


def test_the_demo_loads_once(db):
    from qualitygov.accounts.demo import load as load_accounts
    from qualitygov.onestop.demo import load

    load_accounts()
    for i in range(5):
        entity_factory(name=f"演示企业{i}", serial=100 + i)
    first = load(today=dt.date(2026, 11, 26))
    assert first == {"requests": 60}
    assert ServiceRequest.objects.filter(is_demo=True, done_on__isnull=False).exists()
    assert load(today=dt.date(2026, 11, 26)) == {"requests": 0}
