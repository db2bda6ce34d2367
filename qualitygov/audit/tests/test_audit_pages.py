"""The audit trail pages: who may open them, scope, filters, readable changes, export, chain check."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create, user_update
from qualitygov.accounts.testing import PASSWORD
from qualitygov.audit import views as audit_views
from qualitygov.core.audit import audit_record
from qualitygov.core.events import change_lines
from qualitygov.core.models import AuditEvent

LIST = reverse("audit:list")
EXPORT = reverse("audit:export")
VERIFY = reverse("audit:verify")


def _seqs(response) -> list[int]:
    return [event.seq for event in response.context["page"].object_list]


@pytest.fixture
def sub_admin(cast):
    """An office admin of 区经信局 only (no subordinate units)."""
    return user_create(actor=cast.office, username="sub_admin", password=PASSWORD, unit=cast.dept_a,
                       grants=[(Role.OFFICE_ADMIN, cast.dept_a, False)])


@pytest.mark.parametrize("member", ["leader", "liaison_a", "liaison_b", "town_liaison"])
def test_pages_are_not_found_without_the_audit_action(client_for, cast, member):
    client = client_for(member)
    event = AuditEvent.objects.order_by("seq").first()
    before = AuditEvent.objects.count()
    for url in (LIST, EXPORT, reverse("audit:detail", kwargs={"pk": event.pk})):
        assert client.get(url).status_code == 404
    assert client.post(VERIFY).status_code == 404
    assert AuditEvent.objects.count() == before


def test_anonymous_is_sent_to_sign_in(client, cast):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_district_office_admin_sees_every_event_newest_first(client_for, cast):
    response = client_for("office").get(LIST)
    assert response.status_code == 200
    assert _seqs(response) == list(range(16, 0, -1))
    body = response.content.decode()
    assert "舟山市普陀区经济和信息化局" in body
    assert 'data-testid="audit-verify"' in body


def test_subtree_office_admin_sees_only_events_of_their_units(cast, sub_admin):
    client = Client()
    client.force_login(sub_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    events = list(response.context["page"].object_list)
    assert [e.action for e in events] == ["grant.create", "user.create", "grant.create", "user.create",
                                          "org_unit.create"]
    assert {e.unit_ref for e in events} == {cast.dept_a.pk}
    outside = AuditEvent.objects.get(action="org_unit.create", unit_ref=cast.dept_b.pk)
    assert client.get(reverse("audit:detail", kwargs={"pk": outside.pk})).status_code == 404
    inside = events[-1]
    assert client.get(reverse("audit:detail", kwargs={"pk": inside.pk})).status_code == 200


def test_filters_who_what_when_and_unit(client_for, cast):
    user_update(actor=cast.office, user=cast.liaison_a, display_name="王小明")
    client = client_for("office")
    assert _seqs(client.get(LIST, {"actor": "offi"})) == [17]
    assert len(_seqs(client.get(LIST, {"action": "grant."}))) == 5
    assert len(_seqs(client.get(LIST, {"object_type": "accounts.orgunit"}))) == 6
    assert _seqs(client.get(LIST, {"object": "王小明"})) == [17]
    by_id = client.get(LIST, {"object_type": "accounts.user", "object_id": str(cast.liaison_a.pk)})
    assert [e.action for e in by_id.context["page"].object_list] == ["user.update", "user.create"]
    today = timezone.localdate()
    assert len(_seqs(client.get(LIST, {"date_from": today.isoformat(), "date_to": today.isoformat()}))) == 17
    assert _seqs(client.get(LIST, {"date_from": (today + dt.timedelta(days=1)).isoformat()})) == []
    assert _seqs(client.get(LIST, {"date_to": (today - dt.timedelta(days=1)).isoformat()})) == []
    by_unit = client.get(LIST, {"unit": cast.dept_a.pk})
    assert {e.unit_ref for e in by_unit.context["page"].object_list} == {cast.dept_a.pk}
    assert len(_seqs(by_unit)) == 4
    district_subtree = client.get(LIST, {"unit": cast.district.pk})
    assert len(_seqs(district_subtree)) == 17
    empty = client.get(LIST, {"actor": "nobody"})
    assert 'data-testid="empty"' in empty.content.decode()


def test_unit_filter_offers_only_units_in_audit_scope(cast, sub_admin):
    client = Client()
    client.force_login(sub_admin)
    response = client.get(LIST, {"unit": cast.dept_b.pk})
    form = response.context["filter"].form
    assert list(form.fields["unit"].queryset) == [cast.dept_a]
    assert "unit" in form.errors


def test_changes_are_shown_old_to_new(client_for, cast):
    user_update(actor=cast.office, user=cast.liaison_a, display_name="王小明")
    event = AuditEvent.objects.get(seq=17)
    body = client_for("office").get(LIST).content.decode()
    assert "<del>liaison_a</del> → <ins>王小明</ins>" in body
    detail = client_for("office").get(reverse("audit:detail", kwargs={"pk": event.pk}))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "<td><del>liaison_a</del></td><td><ins>王小明</ins></td>" in text
    assert event.hash in text and event.request_id in text


@translation.override("zh-hans")
def test_change_lines_read_each_shape_with_field_and_value_labels():
    lines = change_lines({"phone": ["", "123"], "is_active": [True, False]}, "accounts.user")
    assert [str(line) for line in lines] == ["有效: 是 → 否", "电话: — → 123"]
    assert [line.key for line in lines] == ["is_active", "phone"]
    created = change_lines({"new": {"name": "东港街道", "kind": "town"}, "aliases": ["东港", "东港街"]}, "accounts.orgunit")
    assert [str(line) for line in created] == ["别名: 东港、东港街", "类型: — → 镇", "全称: — → 东港街道"]
    assert [str(line) for line in change_lines({"password": "changed"}, "accounts.user")] == ["密码: 已修改"]
    assert change_lines({}, "accounts.user") == []
    # A pair among plain facts is old → new when the key is known to hold one; unknown keys stay raw.
    light = change_lines({"light": [None, "green"], "rule": "ahead", "as_of": "2025-06-30", "x": 1},
                         "indicators.indicator")
    assert [str(line) for line in light] == ["截至: 2025-06-30", "灯色: — → 绿灯", "触发的规则: ahead", "x: 1"]
    assert [str(line) for line in change_lines({"a": [1, 2]}, "no.such_model")] == ["a: 1 → 2"]


def test_export_holds_the_filtered_events(client_for, cast):
    response = client_for("office").get(EXPORT, {"action": "grant."})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "时间", "操作人", "单位", "操作", "对象类型", "对象编号", "对象", "变更内容", "请求编号",
                       "哈希值")
    assert [row[0] for row in rows[1:]] == [16, 14, 12, 10, 8]
    assert (rows[1][2], rows[1][4], rows[1][5]) == ("系统", "授予角色", "授权")
    assert rows[1][8].splitlines() == ["含下级单位: 否", "角色: 镇街联络员", "单位: 舟山市普陀区沈家门街道",
                                       "用户: town_liaison"]


def test_export_above_the_limit_is_refused_with_a_message(client_for, cast, monkeypatch):
    monkeypatch.setattr(audit_views, "EXPORT_LIMIT", 10)
    client = client_for("office")
    response = client.get(EXPORT, {"object_type": "accounts"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?object_type=accounts"
    page = client.get(response["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert messages == ["筛选条件匹配 16 条事件，一次导出最多 10 条。请缩小日期范围或其他条件后再导出。"]


def test_chain_check_runs_on_demand_as_a_partial(client_for, cast):
    client = client_for("office")
    assert client.get(VERIFY).status_code == 405
    ok = client.post(VERIFY, headers={"HX-Request": "true"})
    assert ok.status_code == 200
    assert [t.name for t in ok.templates] == ["audit/verify.html"]
    assert 'data-ok="true"' in ok.content.decode()
    assert ok.context["result"].checked == 16
    AuditEvent.objects.filter(seq=5).update(object_repr="篡改")
    broken = client.post(VERIFY, headers={"HX-Request": "true"})
    assert 'data-ok="false"' in broken.content.decode()
    assert broken.context["result"].bad_seq == 5
    assert "#5" in broken.content.decode()
    full = client.post(VERIFY)
    assert "audit/verify_page.html" in [t.name for t in full.templates]


def _extra_events(cast, n: int) -> None:
    for i in range(n):
        user_update(actor=cast.office, user=cast.liaison_b, phone=f"1380000{i:04d}")


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_query_count_does_not_grow_with_events(client_for, cast, url):
    client = client_for("office")
    _extra_events(cast, 5)
    client.get(url)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _extra_events(cast, 45)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_page_shows_labels_and_offers_dropdowns_of_registered_events(client_for, cast):
    user_update(actor=cast.office, user=cast.liaison_a, display_name="王小明")
    response = client_for("office").get(LIST, {"action": "user.update"})
    html = response.content.decode()
    assert _seqs(response) == [17]
    assert '<td data-action="user.update">修改用户</td>' in html
    assert '<span class="text-muted small" data-object-type="accounts.user">用户 #' in html
    assert '<span class="text-muted">显示名称:</span> <del>liaison_a</del> → <ins>王小明</ins>' in html
    form = response.context["filter"].form
    assert '<select name="action" class="form-select" id="id_action">' in str(form["action"])
    actions = dict(form.fields["action"].widget.choices)
    assert actions[""] == "全部操作"
    assert ("user.update", "修改用户") in actions["账号与组织机构"]
    assert ("observation.save_draft", "暂存指标数据") in actions["指标"]
    assert '<option value="user.update" selected>修改用户</option>' in str(form["action"])
    types = dict(form.fields["object_type"].widget.choices)
    assert types["账号与组织机构"] == [("accounts", "账号与组织机构（全部）"), ("accounts.orgunit", "单位"),
                                   ("accounts.grant", "授权"), ("accounts.user", "用户")]


def test_old_event_names_still_show_and_can_be_chosen(client_for, cast):
    with transaction.atomic():
        audit_record(actor=cast.office, action="legacy.thing", object_type="legacy.widget", object_id=1,
                     changes={"colour": ["red", "blue"]})
    cache.clear()
    response = client_for("office").get(LIST, {"action": "legacy.thing"})
    html = response.content.decode()
    assert _seqs(response) == [17]
    assert '<td data-action="legacy.thing">legacy.thing</td>' in html
    assert 'data-object-type="legacy.widget">legacy.widget #1' in html
    assert dict(response.context["filter"].form.fields["action"].widget.choices)["其他"] == [
        ("legacy.thing", "legacy.thing")]
