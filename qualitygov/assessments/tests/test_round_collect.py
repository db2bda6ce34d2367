"""A round's automatic figures collected from the platform's records (`round_collect`): every automatic
item the platform feeds gets its figure with the explanation and the records behind it, an override
stays in force, items it cannot feed are named, and nobody but the office collects."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qualitygov.assessments import services_rounds as S
from qualitygov.assessments.models import ItemEntry
from qualitygov.core.errors import ConflictError, NotFoundError
from qualitygov.core.models import AuditEvent

from .collect_world import AS_OF, build_world
from .rounds_setup import entry, make_round, units_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(cast):
    world = build_world(cast)
    round_ = make_round(cast)
    S.round_transition(actor=cast.office, round_=round_, name="open")
    return world, round_


def test_collect_stores_each_fed_item_with_its_records_and_names_the_others(cast, opened):
    world, round_ = opened
    units = units_of(cast, round_)
    S.entry_override(actor=cast.office, entry=entry(units["a"], "C2"), value={"counts": {}}, reason="已核实为误报")

    stored, unfed = S.round_collect(actor=cast.office, round_=round_, as_of=AS_OF)

    # A1, A2, B1, C1, C2 and D2 for three units; nobody missed a leading-group meeting.
    assert (stored, unfed) == (18, [])
    a, b = units["a"], units["b"]
    assert entry(a, "B1").auto_value == {"counts": {"item_late": 1}}
    assert entry(b, "A2").auto_value == {"num": 0, "den": 1}
    assert entry(b, "C1").auto_value == {"value": 50}
    assert entry(a, "C2").auto_value == {"counts": {"finding_overdue": 1, "finding_reopened": 1,
                                                    "supervised_escalation": 3}}
    assert entry(a, "D2").auto_value == {"done": True}
    # The override made before collecting stays in force, beside the new figure.
    c2 = entry(a, "C2")
    assert (c2.override_value, c2.override_reason) == ({"counts": {}}, "已核实为误报")
    # Each figure's explanation comes first, then the records it counts, each opening its page.
    assert entry(a, "B1").records == [
        {"label": "未按期完成的工作事项：1，每项扣 2 分", "url": ""},
        {"label": "培育品牌企业（期限 2026-09-30，2026-10-15 完成）",
         "url": reverse("progress:work_item_detail", args=[world.items["W3"].pk])},
        {"label": "年末亮红灯的工作事项：0，每项扣 4 分", "url": ""},
    ]
    assert AuditEvent.objects.filter(action="assessment_entry.auto").count() == 18


def test_only_the_office_collects_and_a_refusal_changes_nothing(cast, opened):
    _, round_ = opened
    before = list(ItemEntry.objects.values_list("pk", "auto_value", "records").order_by("pk"))
    audit = AuditEvent.objects.count()
    for member in (cast.leader, cast.liaison_a, cast.town_liaison):
        with pytest.raises(NotFoundError):
            S.round_collect(actor=member, round_=round_, as_of=AS_OF)
        client = Client()
        client.force_login(member)
        assert client.post(reverse("assessments:round_collect", args=[round_.pk])).status_code == 404
    assert list(ItemEntry.objects.values_list("pk", "auto_value", "records").order_by("pk")) == before
    assert AuditEvent.objects.count() == audit


def test_a_draft_round_is_refused(cast):
    build_world(cast)
    round_ = make_round(cast)
    with pytest.raises(ConflictError):
        S.round_collect(actor=cast.office, round_=round_, as_of=AS_OF)


def test_the_office_collects_from_the_round_page(cast, opened):
    _, round_ = opened
    client = Client()
    client.force_login(cast.office)
    page = client.get(reverse("assessments:round", args=[round_.pk])).content.decode()
    assert "采集平台数据" in page
    response = client.post(reverse("assessments:round_collect", args=[round_.pk]), follow=True)
    text = response.content.decode()
    assert "已从平台记录采集 18 项自动数据" in text
    assert "平台无法自动采集" not in text


def test_a_rate_lists_each_record_once_under_its_first_figure(cast, opened):
    world, round_ = opened
    S.round_collect(actor=cast.office, round_=round_, as_of=AS_OF)
    records = entry(units_of(cast, round_)["b"], "A2").records
    links = [r["url"] for r in records if r["url"]]
    assert links == [reverse("indicators:indicator_detail", args=[world.indicators["Q3"].pk])]
    assert [r["label"] for r in records if not r["url"]] == [
        "指标数据：应报 1 份，按时报送 0 份", "指标数据应报：1 份", "指标数据逾期或未报：1 份"]
