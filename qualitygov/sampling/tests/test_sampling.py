"""The sampling ledger: transitions (illegal ones refused, nothing changed), scoping, the import's
dry run and all-or-nothing commit, measures by town, the public snapshot, reminders, the demo."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from qualitygov.core.errors import ConflictError, NotFoundError
from qualitygov.core.models import AuditEvent, Notification
from qualitygov.core.uploads import CheckedFile
from qualitygov.indicators.measures import measure_by_town, measure_value
from qualitygov.sampling import io as sampling_io
from qualitygov.sampling.jobs import reminders_send
from qualitygov.sampling.models import FollowUp, SampleBatch
from qualitygov.sampling.selectors import batch_list_visible, sample_public_snapshot
from qualitygov.sampling.services import batch_delete, batch_publish, followup_transition
from qualitygov.sampling.services_import import batches_import
from qualitygov.utilities.uscc import check_character

from .factories import batch, entity, other_town, plan

D = dt.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _state(f: FollowUp) -> tuple:
    f.refresh_from_db()
    return f.stage, f.version, f.clock, f.clock_due, f.ordered_on


# --- transitions -------------------------------------------------------------------------------------


def test_a_failed_batch_opens_its_follow_up_and_a_passed_one_none(cast):
    failed = batch(cast, n=1)
    passed = batch(cast, n=2, verdict="pass")
    assert (failed.followup.stage, failed.followup.clock) == ("notice_pending", "")
    assert not FollowUp.objects.filter(batch=passed).exists()
    assert (failed.town_id, failed.industry_code) == (None, "C3854")


@pytest.mark.parametrize("name", ["object", "order_correction", "recheck_pass", "recheck_fail", "retest_pass",
                                  "second_recheck_pass", "transfer", "accept_objection"])
def test_illegal_transitions_are_refused_and_change_nothing(cast, name):
    f = batch(cast).followup
    before, events = _state(f), AuditEvent.objects.count()
    with pytest.raises(ConflictError):
        followup_transition(actor=cast.office, followup=f, name=name, on=D(2026, 8, 20), case_no="X",
                            retest_lab="其他院", province_notice_on=D(2026, 8, 21))
    assert (_state(f), AuditEvent.objects.count()) == (before, events)


def test_the_whole_path_to_transfer_with_one_event_per_step(cast):
    f = batch(cast, sampled_on=D(2026, 3, 2)).followup
    events = AuditEvent.objects.count()
    steps = [("serve", D(2026, 3, 9), {"notice_method": "direct"}), ("object", D(2026, 3, 12), {}),
             ("reject_objection", D(2026, 3, 16), {}), ("order_correction", D(2026, 3, 20), {}),
             ("recheck_fail", D(2026, 6, 1), {"province_notice_on": D(2026, 6, 10)}),
             ("transfer", D(2026, 9, 1), {"case_no": "普市监案〔2026〕18号", "credit_recorded": True})]
    for name, on, facts in steps:
        f = followup_transition(actor=cast.office, followup=f, name=name, on=on, **facts)
    assert (f.stage, f.outcome, f.case_no, f.credit_recorded, f.clock, f.closed_on) == (
        "transferred", "transferred", "普市监案〔2026〕18号", True, "", D(2026, 9, 1))
    actions = list(AuditEvent.objects.filter(seq__gt=events).order_by("seq").values_list("action", flat=True))
    assert actions == ["sampling_followup.serve", "sampling_followup.object", "sampling_followup.reject_objection",
                       "sampling_followup.order_correction", "sampling_followup.recheck_fail",
                       "sampling_followup.transfer"]


def test_a_re_test_that_passes_overturns_the_failure(cast):
    f = batch(cast, sampled_on=D(2026, 3, 2)).followup
    for name, on, facts in [("serve", D(2026, 3, 9), {"notice_method": "direct"}), ("object", D(2026, 3, 12), {}),
                            ("accept_objection", D(2026, 3, 13), {"retest_lab": "浙江方圆检测集团"}),
                            ("retest_pass", D(2026, 4, 10), {})]:
        f = followup_transition(actor=cast.office, followup=f, name=name, on=on, **facts)
    assert (f.stage, f.outcome) == ("closed", "overturned")
    value = measure_value("sampling.failed", start=D(2026, 1, 1), end=D(2026, 12, 31)).value
    assert value == Decimal(0)


def test_refusals_dates_and_facts(cast):
    f = batch(cast, sampled_on=D(2026, 3, 2)).followup
    from qualitygov.core.errors import ServiceError

    with pytest.raises(ServiceError):  # before the sampling date
        followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 3, 1), notice_method="direct")
    with pytest.raises(ServiceError):  # no method
        followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 3, 3))
    f = followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 3, 9), notice_method="direct")
    f = followup_transition(actor=cast.office, followup=f, name="object", on=D(2026, 3, 10))
    with pytest.raises(ServiceError):  # the re-test is not done by the first lab
        followup_transition(actor=cast.office, followup=f, name="accept_objection", on=D(2026, 3, 11),
                            retest_lab="浙江省检验院")
    assert _state(f)[0] == "objection"


def test_delete_only_while_nothing_follows(cast):
    b = batch(cast, sampled_on=D(2026, 3, 2))
    followup_transition(actor=cast.office, followup=b.followup, name="serve", on=D(2026, 3, 9), notice_method="mail")
    with pytest.raises(ConflictError):
        batch_delete(actor=cast.office, batch=b)
    assert SampleBatch.objects.filter(pk=b.pk).exists()
    other = batch(cast, n=2)
    batch_delete(actor=cast.office, batch=other, reason="录入错误")
    assert not SampleBatch.objects.filter(pk=other.pk).exists()
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.changes["reason"], event.changes["deleted"]["report_no"]) == (
        "sample_batch.delete", "录入错误", "BG2026-0002")


# --- scoping ---------------------------------------------------------------------------------------


def test_scoping_owner_writes_district_reads_towns_read_their_own(cast, client_for):
    mine = batch(cast, town=cast.town, n=1)
    elsewhere = batch(cast, town=other_town(cast), n=2)
    visible = {m: set(batch_list_visible(user=cast.members[m]).values_list("pk", flat=True))
               for m in ("office", "leader", "liaison_a", "liaison_b", "town_liaison")}
    assert visible == {"office": {mine.pk, elsewhere.pk}, "leader": {mine.pk, elsewhere.pk},
                       "liaison_a": {mine.pk, elsewhere.pk}, "liaison_b": set(), "town_liaison": {mine.pk}}
    # The town reads its batch but cannot act on it: the step is refused and nothing changes.
    assert client_for("town_liaison").get(reverse("sampling:batch_detail", args=[mine.pk])).status_code == 200
    assert client_for("town_liaison").get(reverse("sampling:batch_detail", args=[elsewhere.pk])).status_code == 404
    before = _state(mine.followup)
    response = client_for("town_liaison").post(reverse("sampling:batch_act", args=[mine.pk, "serve"]),
                                               {"serve-on": "2026-08-10", "serve-notice_method": "direct"})
    assert response.status_code == 404 and _state(mine.followup) == before
    with pytest.raises(NotFoundError):
        followup_transition(actor=cast.town_liaison, followup=mine.followup, name="serve", on=D(2026, 8, 10),
                            notice_method="direct")
    with pytest.raises(NotFoundError):
        followup_transition(actor=cast.leader, followup=mine.followup, name="serve", on=D(2026, 8, 10),
                            notice_method="direct")
    # The owner's liaison takes the step through the page.
    response = client_for("liaison_a").post(reverse("sampling:batch_act", args=[mine.pk, "serve"]),
                                            {"serve-on": "2026-08-10", "serve-notice_method": "direct"})
    assert response.status_code == 302 and _state(mine.followup)[0] == "notified"


# --- import ----------------------------------------------------------------------------------------


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sampling_io.SHEET
    ws.append([h for _k, h in sampling_io.COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _checked(data: bytes, name: str = "批次.xlsx") -> CheckedFile:
    return CheckedFile(name=name, data=data, extension=name[name.rindex("."):], content_type=XLSX, sha256="x")


def test_import_errors_name_row_and_column_and_nothing_is_recorded(cast):
    town = other_town(cast)
    known = entity(town, 11)
    unknown = "91330903MA2999999" + check_character("91330903MA2999999")
    the_plan = plan(cast)
    data = _xlsx([
        [known.uscc, "", "电热水壶", D(2026, 5, 12), "", "R-1", "合格", "", ""],
        [unknown, "某公司", "电热水壶", "2026-05-13", "", "R-2", "合格", "", ""],
        [known.uscc[:17] + "0", "", "电热水壶", "2026/5/14", "", "R-3", "合格", "", ""],
        [known.uscc, "", "", "2025-05-14", "", "R-1", "不合格", "", ""],
        [known.uscc, "", "电热水壶", "五月", "", "R-5", "优", "", ""],
    ])
    before = SampleBatch.objects.count()
    result = batches_import(actor=cast.office, plan=the_plan, checked=_checked(data), commit=True)
    assert result.errors == [
        f"第3行“统一社会信用代码”列：市场主体名录中没有代码为“{unknown}”的主体，请先在市场主体名录中登记。",
        f"第4行“统一社会信用代码”列：“{known.uscc[:17]}0”不是有效的统一社会信用代码："
        f"第18位校验码“0”有误，按前17位计算应为“{known.uscc[17]}”。",
        "第5行“产品名称”列：必填。",
        "第5行“抽样日期”列：不在计划年度（2026年）内。",
        "第5行“报告编号”列：与第2行的报告编号重复。",
        "第5行“不合格项目”列：不合格批次须填写不合格项目。",
        "第6行“抽样日期”列：日期无法识别，请写作 2026-05-12。",
        "第6行“检验结论”列：请填写“合格”或“不合格”。",
    ]
    assert (result.committed, result.rows, SampleBatch.objects.count()) == (False, [], before)


def test_import_dry_run_then_commit_through_the_page(cast, client_for):
    town = other_town(cast)
    a, b = entity(town, 21), entity(cast.town, 22)
    the_plan = plan(cast)
    data = _xlsx([[a.uscc, "", "电热水壶", D(2026, 5, 12), "", "R-10", "合格", "", ""],
                  [f" {b.uscc.lower()} ", "", "电热水壶", "2026年5月13日", "舟山市质检院", "R-11", "不合格", "标志", ""]])
    client = client_for("liaison_a")
    url = reverse("sampling:batch_import", args=[the_plan.pk])
    response = client.post(url, {"file": SimpleUploadedFile("批次.xlsx", data, XLSX)})
    assert response.status_code == 200 and response.context["result"].errors == []
    assert SampleBatch.objects.filter(plan=the_plan).count() == 0
    token = response.context["token"]
    response = client.post(url, {"confirm": "1", "token": token})
    assert response.status_code == 302
    rows = list(SampleBatch.objects.filter(plan=the_plan).order_by("report_no")
                .values_list("report_no", "entity_id", "town_id", "lab", "verdict"))
    assert rows == [("R-10", a.pk, town.pk, "浙江省检验院", "pass"), ("R-11", b.pk, cast.town.pk, "舟山市质检院", "fail")]
    assert FollowUp.objects.filter(batch__report_no="R-11", stage="notice_pending").count() == 1
    assert AuditEvent.objects.filter(action="sample_batch.import").count() == 1


def test_the_template_reads_back_with_its_headings(cast, client_for):
    response = client_for("liaison_a").get(reverse("sampling:import_template"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == ["统一社会信用代码", "受检单位名称", "产品名称", "抽样日期", "检验机构",
                                        "报告编号", "检验结论", "不合格项目", "备注"]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([".xlsx", ".csv"]))
def test_the_reader_never_crashes(data, extension):
    result = sampling_io.read_rows(data, extension)
    assert result.error or result.rows


# --- measures, snapshot, export, reminders ---------------------------------------------------------


def test_measures_by_town_and_provenance(cast):
    town2 = other_town(cast)
    batch(cast, town=cast.town, n=1, verdict="pass", sampled_on=D(2026, 3, 2))
    batch(cast, town=cast.town, n=2, verdict="pass", sampled_on=D(2026, 3, 3))
    f = batch(cast, town=cast.town, n=3, sampled_on=D(2026, 3, 4)).followup
    batch(cast, town=town2, n=4, sampled_on=D(2026, 4, 1))
    batch(cast, town=town2, n=5, verdict="pass", sampled_on=D(2025, 12, 1) if False else D(2026, 4, 2))
    followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 3, 9), notice_method="direct")
    followup_transition(actor=cast.office, followup=FollowUp.objects.get(pk=f.pk), name="order_correction",
                        on=D(2026, 3, 10))  # 复查 due 24 May 2026: overdue today
    span = {"start": D(2026, 1, 1), "end": D(2026, 12, 31)}
    towns = [cast.town.pk, town2.pk]
    values = {key: {t: v.value for t, v in measure_by_town(f"sampling.{key}", town_ids=towns, **span).items()}
              for key in ("batches", "failed", "pass_rate", "followups_open", "followups_overdue")}
    assert values == {
        "batches": {cast.town.pk: Decimal(3), town2.pk: Decimal(2)},
        "failed": {cast.town.pk: Decimal(1), town2.pk: Decimal(1)},
        "pass_rate": {cast.town.pk: Decimal("66.67"), town2.pk: Decimal("50.00")},
        "followups_open": {cast.town.pk: Decimal(2 - 1), town2.pk: Decimal(1)},
        "followups_overdue": {cast.town.pk: Decimal(1), town2.pk: Decimal(0)},
    }
    total = measure_value("sampling.pass_rate", **span)
    assert total.value == Decimal("60.00")
    assert total.provenance[0]["url"] == "/sampling/?sampled_from=2026-01-01&sampled_to=2026-12-31"
    one = measure_value("sampling.followups_overdue", town_id=cast.town.pk, **span)
    assert one.provenance[0]["url"] == (f"/sampling/?sampled_from=2026-01-01&sampled_to=2026-12-31&clock=overdue"
                                        f"&town={cast.town.pk}")
    assert measure_value("sampling.batches", start=D(2027, 1, 1), end=D(2027, 12, 31)).value is None


def test_the_overdue_filter_and_the_export(cast, client_for):
    f = batch(cast, n=1, sampled_on=D(2026, 3, 2)).followup
    batch(cast, n=2, verdict="pass", sampled_on=D(2026, 3, 3), report_no="=1+1")
    followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 3, 9), notice_method="direct")
    followup_transition(actor=cast.office, followup=FollowUp.objects.get(pk=f.pk), name="order_correction",
                        on=D(2026, 3, 10))
    client = client_for("office")
    response = client.get(reverse("sampling:list"), {"clock": "overdue"})
    assert [b.report_no for b, _s in response.context["rows"]] == ["BG2026-0001"]
    response = client.get(reverse("sampling:list"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert sorted(v[8] for v in values) == ["=1+1", "BG2026-0001"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_public_snapshot_has_no_personal_data(cast):
    b = batch(cast, town=cast.town, n=1, sampled_on=D(2026, 3, 2))
    followup_transition(actor=cast.office, followup=b.followup, name="serve", on=D(2026, 3, 9),
                        notice_method="direct")
    b = batch_publish(actor=cast.office, batch=b, published_on=D(2026, 4, 1), channel="website")
    snap = sample_public_snapshot(SampleBatch.objects.get(pk=b.pk))
    assert snap == {"entity_name": "舟山测试电器有限公司1", "uscc": b.entity.uscc, "product": "电热水壶",
                    "category": "工业产品", "plan": "电热水壶监督抽查", "year": 2026, "verdict": "fail",
                    "verdict_label": "不合格", "failed_items": "电源连接和外部软线", "lab": "浙江省检验院",
                    "report_no": "BG2026-0001", "sampled_on": "2026-03-02", "published_on": "2026-04-01",
                    "town": "沈家门街道"}
    assert "张三" not in str(snap) and "普陀区某路" not in str(snap)


def test_inbox_and_reminders_once(cast):
    from qualitygov.sampling.inbox import inbox_items

    f = batch(cast, n=1, sampled_on=D(2026, 3, 2)).followup
    followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 3, 9), notice_method="direct")
    followup_transition(actor=cast.office, followup=FollowUp.objects.get(pk=f.pk), name="order_correction",
                        on=D(2026, 3, 10))  # 复查 due 2026-05-24
    assert reminders_send(as_of=D(2026, 5, 10)) == {"reminders": 1, "overdue": 0, "already_sent": 0}
    assert reminders_send(as_of=D(2026, 5, 11)) == {"reminders": 0, "overdue": 0, "already_sent": 1}
    assert reminders_send(as_of=D(2026, 5, 25)) == {"reminders": 0, "overdue": 1, "already_sent": 0}
    assert list(Notification.objects.order_by("pk").values_list("recipient__username", "kind")) == [
        ("liaison_a", "sampling_due"), ("liaison_a", "sampling_overdue")]
    [item] = inbox_items(cast.liaison_a, 10, today=D(2026, 5, 25))
    assert (item.overdue, item.due_date) == (True, D(2026, 5, 24))
    assert inbox_items(cast.town_liaison, 10, today=D(2026, 5, 25)) == []
    assert inbox_items(cast.liaison_a, 10, today=D(2026, 4, 1)) == []


def test_pages_render_in_chinese_with_empty_states(cast, client_for):
    client = client_for("town_liaison")
    text = client.get(reverse("sampling:list")).content.decode()
    assert "您还看不到任何抽查批次。" in text
    text = client_for("office").get(reverse("sampling:plans")).content.decode()
    assert "还没有抽查计划" in text
    text = client_for("office").get(reverse("sampling:rules")).content.decode()
    assert "复查期限（自责令改正之日起）" in text and "75 自然日" in text and "7 个工作日" in text


def test_demo_loads_once(db):
    from qualitygov.accounts.demo import load as load_accounts
    from qualitygov.sampling.demo import load

    load_accounts()
    today = D(2026, 11, 26)
    assert load(today=today) == {"plans": 4, "batches": 127, "entities": 48}
    stages = sorted(FollowUp.objects.values_list("stage", flat=True))
    assert stages == ["closed", "correcting", "correcting", "escalated", "notice_pending", "notified", "retest"]
    overdue = FollowUp.objects.filter(stage="correcting", clock_due__lt=today).count()
    soon = FollowUp.objects.filter(stage="correcting", clock_due__gte=today,
                                   clock_due__lte=today + dt.timedelta(days=15)).count()
    assert (overdue, soon) == (1, 1)
    assert load(today=today) == {"plans": 0, "batches": 0, "entities": 0}
