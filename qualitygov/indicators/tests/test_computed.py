"""Computed indicators: formulas, recomputation when inputs change, review, provenance, reference figures.

The measures here are real functions over real rows: sampled batches recorded as `Attachment` rows
(`owner_type="tests.sample"`, the category in `original_name`, the verdict in `content_type`, the day in
`uploaded_at`, the town in `unit_ref`), registered for the test and removed after it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import Counter
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.indicators import formula as formulas
from qualitygov.indicators import measures
from qualitygov.indicators.measures import MeasureValue
from qualitygov.indicators.models import IndicatorStatus, Observation, ObservationChangeRequest
from qualitygov.indicators.services import (
    change_request_decide,
    computed_values_refresh,
    indicator_status_refresh,
    indicator_update,
    observation_approve,
    observation_return,
    periods_generate,
    recompute_for_inputs,
)
from tests.dbstate import changed_tables, table_snapshot

from .engine_helpers import quarterly_indicator

pytestmark = pytest.mark.django_db

SAMPLE = "tests.sample"
FORMULA = "100 - tests.failed[食品] * 100 / tests.batches[食品]"


# Test measures over real rows

def _samples(*, start, end, town_id=None, category=None, failed=False):
    rows = Attachment.objects.filter(owner_type=SAMPLE, uploaded_at__date__gte=start, uploaded_at__date__lte=end)
    if town_id is not None:
        rows = rows.filter(unit_ref=town_id)
    if category:
        rows = rows.filter(original_name=category)
    if failed:
        rows = rows.filter(content_type="fail")
    return rows.order_by("pk")


def _counted(rows, label: str) -> MeasureValue:
    pks = list(rows.values_list("pk", flat=True))
    return MeasureValue(D(len(pks)), ({"label": label, "url": f"/samples/?ids={','.join(map(str, pks))}",
                                       "file": "抽检结果.xlsx", "rows": pks, "count": len(pks)},))


def batches(*, start, end, town_id=None, category=None):
    return _counted(_samples(start=start, end=end, town_id=town_id, category=category), "抽检记录")


def failed(*, start, end, town_id=None, category=None):
    return _counted(_samples(start=start, end=end, town_id=town_id, category=category, failed=True), "不合格记录")


def pass_rate(*, start, end, town_id=None, category=None):
    rows = _samples(start=start, end=end, town_id=town_id, category=category)
    total, bad = rows.count(), rows.filter(content_type="fail").count()
    if not total:
        return MeasureValue(None)
    return MeasureValue(D(100) - D(bad) * 100 / D(total), ({"label": "本区抽检", "count": total},))


def failed_by_town(*, start, end, category=None):
    out = {}
    for row in _samples(start=start, end=end, category=category, failed=True).values_list("unit_ref", flat=True):
        out[row] = out.get(row, 0) + 1
    return {town: MeasureValue(D(n), ({"label": "不合格记录", "count": n},)) for town, n in out.items()}


@pytest.fixture
def test_measures():
    measures.register_measure("tests.batches", label="抽检批次", unit="批次", fn=batches)
    measures.register_measure("tests.failed", label="不合格批次", unit="批次", fn=failed, by_town=failed_by_town)
    measures.register_measure("tests.pass_rate", label="监督抽查合格率", unit="%", fn=pass_rate)
    yield
    for key in ("tests.batches", "tests.failed", "tests.pass_rate"):
        measures.unregister_measure(key)


def sample(day: dt.date, category: str = "食品", verdict: str = "pass", town=None) -> Attachment:
    row = Attachment.objects.create(file="evidence/sample.txt", original_name=category, content_type=verdict, size=1,
                                    sha256="0" * 64, owner_type=SAMPLE, owner_id="1",
                                    unit_ref=town.pk if town is not None else None)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    Attachment.objects.filter(pk=row.pk).update(uploaded_at=moment)
    return row


def record_samples(actor, *rows) -> None:
    """How a ledger writes: its rows and `inputs_changed` in one transaction."""
    with transaction.atomic():
        for args in rows:
            sample(*args)
        measures.inputs_changed(keys={"tests.batches", "tests.failed"}, actor=actor)


@pytest.fixture
def computed(cast, test_measures):
    indicator = quarterly_indicator(cast, code="C1")
    return indicator_update(actor=cast.office, indicator=indicator, data_source="computed", formula=FORMULA)


def q1_2024(indicator) -> Observation:
    return Observation.objects.get(indicator=indicator, period__label="2024-Q1")


# Recomputation, review and provenance

def test_a_computed_value_is_recomputed_when_its_inputs_change_reviewed_and_then_counts(cast, computed):
    # Nothing sampled yet: every period divides by zero, so nothing is stored.
    assert not Observation.objects.filter(indicator=computed).exists()
    day = dt.date(2024, 2, 10)
    record_samples(cast.liaison_a, (day, "食品", "pass"), (day, "食品", "pass"), (day, "食品", "pass"),
                   (day, "食品", "fail"), (day, "药品", "fail"))
    obs = q1_2024(computed)
    pks = sorted(Attachment.objects.filter(owner_type=SAMPLE, original_name="食品").values_list("pk", flat=True))
    failed_pk = Attachment.objects.get(original_name="食品", content_type="fail").pk
    assert (obs.value, obs.status, obs.submitted_by, obs.unit) == (D("75"), "submitted", None, cast.dept_a)
    assert obs.provenance == {
        "formula": FORMULA, "formula_label": "100 − 不合格批次（食品） × 100 ÷ 抽检批次（食品）",
        "start": "2024-01-01", "end": "2024-03-31", "town": "",
        "inputs": [
            {"key": "tests.failed", "category": "食品", "label": "不合格批次（食品）", "unit": "批次", "value": "1",
             "provenance": [{"label": "不合格记录", "url": f"/samples/?ids={failed_pk}", "file": "抽检结果.xlsx",
                             "rows": [failed_pk], "count": 1}]},
            {"key": "tests.batches", "category": "食品", "label": "抽检批次（食品）", "unit": "批次", "value": "4",
             "provenance": [{"label": "抽检记录", "url": f"/samples/?ids={','.join(map(str, pks))}",
                             "file": "抽检结果.xlsx", "rows": pks, "count": 4}]},
        ]}
    assert Observation.objects.filter(indicator=computed).count() == 1  # other periods: nothing to count
    event = AuditEvent.objects.get(action="observation.compute", object_id=str(obs.pk))
    assert (event.actor, event.changes["value"], event.changes["status"]) == (cast.liaison_a, [None, "75.0000"],
                                                                             [None, "submitted"])
    # Not counted before review: the light has no value.
    assert indicator_status_refresh(indicator=computed, as_of=dt.date(2024, 5, 1)).latest_value is None
    # The office approves it in the review queue like a typed value; the light follows.
    observation_approve(actor=cast.office, observation=obs)
    assert indicator_status_refresh(indicator=computed, as_of=dt.date(2024, 5, 1)).latest_value == D("75")

    # A changed input after approval: the approved value stays locked; the new figure waits for review.
    record_samples(cast.liaison_a, (dt.date(2024, 3, 1), "食品", "fail"))
    obs.refresh_from_db()
    assert (obs.value, obs.status) == (D("75"), "approved")
    request = ObservationChangeRequest.objects.get(observation=obs)
    assert (request.new_value, request.status, request.requested_by) == (D("60"), "pending", None)
    assert [i["value"] for i in request.provenance["inputs"]] == ["2", "5"]
    # Recomputing again changes nothing: no second request, no rewrite.
    before = table_snapshot()
    assert computed_values_refresh(as_of=dt.date(2024, 5, 1)) == {"created": 0, "updated": 0, "unchanged": 1,
                                                                  "skipped": 0}
    assert changed_tables(before, table_snapshot()) == []
    # The office approves the correction: the value, its provenance and the light change.
    change_request_decide(actor=cast.office, change_request=request, approve=True)
    obs.refresh_from_db()
    assert (obs.value, obs.first_submitted_value, obs.provenance["inputs"][0]["value"]) == (D("60"), D("75"), "2")
    assert IndicatorStatus.objects.get(indicator=computed).latest_value == D("60")


def test_a_pending_recomputed_value_is_withdrawn_when_the_inputs_come_back(cast, computed):
    day = dt.date(2024, 2, 10)
    record_samples(cast.liaison_a, (day, "食品", "pass"), (day, "食品", "fail"))
    observation_approve(actor=cast.office, observation=q1_2024(computed))
    extra = sample(day, "食品", "pass")
    recompute_for_inputs(keys={"tests.batches"}, actor=None)
    request = ObservationChangeRequest.objects.get(observation__indicator=computed)
    assert (request.new_value, request.status) == (D("66.6667"), "pending")
    extra.delete()
    recompute_for_inputs(keys={"tests.batches"}, actor=None)
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("rejected", "系统撤回：重新计算的数值已与审核通过的数值一致。")
    assert q1_2024(computed).value == D("50")


def test_a_returned_computed_value_is_submitted_again_when_its_figure_changes(cast, computed):
    day = dt.date(2024, 2, 10)
    record_samples(None, (day, "食品", "pass"), (day, "食品", "fail"))
    observation_return(actor=cast.office, observation=q1_2024(computed), reason="请核对抽检批次")
    recompute_for_inputs(keys={"tests.failed"}, actor=None)
    assert (q1_2024(computed).status, q1_2024(computed).value) == ("returned", D("50"))  # unchanged: stays returned
    record_samples(None, (day, "食品", "pass"), (day, "食品", "pass"))
    obs = q1_2024(computed)
    assert (obs.status, obs.value, obs.return_reason) == ("submitted", D("75"), "")


def test_only_indicators_reading_the_changed_measures_are_recomputed(cast, computed):
    sample(dt.date(2024, 2, 10), "食品", "pass")
    with transaction.atomic():
        measures.inputs_changed(keys={"tests.other"}, actor=None)
    assert not Observation.objects.filter(indicator=computed).exists()
    with transaction.atomic():
        measures.inputs_changed(keys={"tests.batches"}, actor=None)
    assert q1_2024(computed).value == D("100")


def test_by_town_values_read_each_measure_once_for_every_town(cast, test_measures):
    indicator = quarterly_indicator(cast, code="C2", unit="批次", by_town=True)
    indicator_update(actor=cast.office, indicator=indicator, data_source="computed", formula="tests.failed")
    record_samples(None, (dt.date(2024, 2, 10), "食品", "fail", cast.town), (dt.date(2024, 2, 11), "药品", "fail",
                                                                             cast.town))
    rows = list(Observation.objects.filter(indicator=indicator, period__label="2024-Q1")
                .values_list("town__short_name", "value", "status"))
    assert rows == [("沈家门街道", D("2"), "submitted")]
    assert q1_obs_town(indicator).provenance["town"] == "沈家门街道"


def q1_obs_town(indicator) -> Observation:
    return Observation.objects.get(indicator=indicator, period__label="2024-Q1")


def test_computed_values_cannot_be_typed_and_the_entry_page_offers_no_edit(cast, client_for, computed):
    record_samples(None, (dt.date(2024, 2, 10), "食品", "pass"))
    obs = q1_2024(computed)
    body = client_for("liaison_a").get(reverse("indicators:observation_detail", args=[obs.pk])).content.decode()
    assert 'data-testid="withdraw"' not in body and 'data-testid="edit"' not in body
    assert 'data-source="computed"' in body and "自动计算" in body


# Formulas

@pytest.mark.parametrize(("text", "message"), [
    ("", "公式为空。"),
    ("tests.batches +", "第16列语法错误：公式不完整"),
    ("(tests.batches", "第15列语法错误：缺少右括号“)”"),
    ("tests.batches ]", "第15列语法错误：意外的“]”"),
    ("tests.batches ^ 2", "第15列语法错误：意外的“^”"),
    ("batches + 1", "第1列语法错误：“batches”不是数据项代码（应用.名称）"),
    ("tests.batches[]", "第14列语法错误：分类筛选为空"),
    ("tests.batches[食品", "第14列语法错误：分类筛选缺少“]”"),
    ("1 + tests.nothing", "第5列的数据项“tests.nothing”不存在。"),
    ("x" * 501, "公式过长（最多500个字符）。"),
])
def test_formula_errors_are_exact(test_measures, text, message):
    with pytest.raises(formulas.FormulaError) as info:
        formulas.parse(text)
    assert info.value.message == message


def test_formulas_read_full_width_signs_and_evaluate_exactly(test_measures):
    parsed = formulas.parse("（tests.batches［食品］－ 1）÷ 3 × 2")
    assert (parsed.keys, parsed.refs[0].category) == (frozenset({"tests.batches"}), "食品")
    values = {"tests.batches": D(10), "tests.failed": D(0)}
    result = formulas.evaluate(parsed, lambda key, category: MeasureValue(values[key]))
    assert result.value == D("6.0000")
    zero = formulas.evaluate(formulas.parse("1 / tests.failed"), lambda key, category: MeasureValue(values[key]))
    assert (zero.value, zero.reason) == (None, "除数为零")
    empty = formulas.evaluate(formulas.parse("tests.failed + 1"), lambda key, category: MeasureValue(None))
    assert (empty.value, empty.reason) == (None, "不合格批次尚无可统计的数据")
    assert formulas.describe("-(tests.batches - 2) / 4") == "−（抽检批次 − 2） ÷ 4"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("tests.batchfild[]食品()+-*/÷×（）0123456789. ^,")), max_size=60)
       | st.text(max_size=80))
def test_the_parser_never_crashes(text):
    measures.register_measure("tests.batches", label="抽检批次", fn=batches)
    try:
        try:
            parsed = formulas.parse(text)
        except formulas.FormulaError as exc:
            assert exc.message
            return
        result = formulas.evaluate(parsed, lambda key, category: MeasureValue(D("0")))
        assert result.value is None or isinstance(result.value, D)
        assert formulas.describe(text)
    finally:
        measures.unregister_measure("tests.batches")


def test_a_computed_indicator_needs_a_valid_formula_with_the_available_measures_listed(cast, test_measures):
    indicator = quarterly_indicator(cast, code="C3")
    with pytest.raises(ServiceError) as info:
        indicator_update(actor=cast.office, indicator=indicator, data_source="computed")
    assert info.value.fields == {"formula": ["计算型指标需要填写计算公式。"]}
    with pytest.raises(ServiceError) as info:
        indicator_update(actor=cast.office, indicator=indicator, data_source="computed", formula="tests.nope * 2")
    message = info.value.fields["formula"][0]
    assert message.startswith("第1列的数据项“tests.nope”不存在。 可用的数据项：")
    assert "tests.batches、tests.failed、tests.pass_rate" in message
    indicator.refresh_from_db()
    assert (indicator.data_source, indicator.formula) == ("entered", "")


# The edit page

def _edit_data(indicator, **overrides):
    data = {"code": indicator.code, "name": indicator.name, "unit": indicator.unit,
            "comparator": indicator.comparator, "nature": indicator.nature, "baseline_year": indicator.baseline_year,
            "baseline_value": str(indicator.baseline_value), "target_value": str(indicator.target_value),
            "target_year": indicator.target_year, "frequency": indicator.frequency,
            "aggregation": indicator.aggregation, "data_source": indicator.data_source,
            "formula": indicator.formula, "reference_formula": indicator.reference_formula,
            "lead_units": [r.unit_id for r in indicator.responsibilities.all()], "reason": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_office_edits_the_formula_with_the_measure_picker(cast, client_for, test_measures):
    indicator = quarterly_indicator(cast, code="C4")
    client = client_for("office")
    url = reverse("indicators:indicator_edit", args=[indicator.pk])
    page = client.get(url).content.decode()
    assert 'data-insert-measure="tests.failed"' in page and "监督抽查合格率" in page
    before = table_snapshot()
    response = client.post(url, _edit_data(indicator, data_source="computed", formula="tests.unknown"))
    assert response.status_code == 200
    assert response.context["form"].errors["formula"][0].startswith("第1列的数据项“tests.unknown”不存在。")
    assert changed_tables(before, table_snapshot()) == []
    response = client.post(url, _edit_data(indicator, data_source="computed", formula=FORMULA))
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.data_source, indicator.formula) == ("computed", FORMULA)
    page = client.get(reverse("indicators:indicator_detail", args=[indicator.pk])).content.decode()
    assert "C4 抽检合格率 = 100 − 不合格批次（食品） × 100 ÷ 抽检批次（食品）" in page
    assert 'data-testid="indicator-source" data-source="computed"' in page


def test_a_liaison_cannot_edit_a_formula_and_nothing_changes(cast, client_for, computed):
    url = reverse("indicators:indicator_edit", args=[computed.pk])
    clients = [client_for(member) for member in ("liaison_a", "liaison_b", "town_liaison")]
    before = table_snapshot()
    for client in clients:
        response = client.post(url, _edit_data(computed, formula="tests.batches"))
        assert response.status_code == 404
    with pytest.raises(NotFoundError):
        indicator_update(actor=cast.liaison_a, indicator=computed, formula="tests.batches")
    assert changed_tables(before, table_snapshot()) == []
    computed.refresh_from_db()
    assert computed.formula == FORMULA


# The indicator page

def test_the_indicator_page_shows_each_value_inputs_and_provenance_links(cast, client_for, computed):
    record_samples(None, (dt.date(2024, 2, 10), "食品", "pass"), (dt.date(2024, 2, 10), "食品", "fail"))
    typed = quarterly_indicator(cast, plan=computed.plan, code="T1")
    body = client_for("leader").get(reverse("indicators:indicator_detail", args=[computed.pk])).content.decode()
    assert 'data-testid="formula">100 - tests.failed[食品] * 100 / tests.batches[食品]</code>' in body
    failed_pk = Attachment.objects.get(content_type="fail").pk
    assert f'<a href="/samples/?ids={failed_pk}">不合格记录</a> · 文件 抽检结果.xlsx · 行 {failed_pk} · 1条记录' in body
    assert body.count('data-testid="value-source" data-source="computed"') == 1
    typed_page = client_for("leader").get(reverse("indicators:indicator_detail", args=[typed.pk])).content.decode()
    assert 'data-testid="indicator-source" data-source="typed">人工填报' in typed_page
    assert 'data-testid="formula-card"' not in typed_page


def test_a_provenance_link_to_another_site_is_not_shown_as_a_link(cast, client_for, computed):
    record_samples(None, (dt.date(2024, 2, 10), "食品", "pass"))
    obs = q1_2024(computed)
    obs.provenance["inputs"][0]["provenance"][0]["url"] = "javascript:alert(1)"
    Observation.objects.filter(pk=obs.pk).update(provenance=obs.provenance)
    body = client_for("office").get(reverse("indicators:observation_detail", args=[obs.pk])).content.decode()
    assert "javascript:" not in body and "不合格记录" in body


# The reference figure of a national statistic

def test_a_reference_figure_is_shown_labelled_and_never_stored(cast, client_for, test_measures):
    national = quarterly_indicator(cast, code="N1", name="制造业产品质量合格率")
    indicator_update(actor=cast.office, indicator=national, reference_formula="tests.pass_rate")
    periods_generate(indicator=national, until=dt.date(2024, 12, 31))
    record_samples(cast.liaison_a, (dt.date(2024, 2, 10), "工业产品", "pass"), (dt.date(2024, 2, 11), "工业产品", "fail"))
    computed_values_refresh(as_of=dt.date(2024, 12, 31))
    body = client_for("office").get(reverse("indicators:indicator_detail", args=[national.pk])).content.decode()
    assert "本区监督抽查合格率（仅供参考，不替代本指标）" in body
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert "2024-Q1 50 " in text
    national.refresh_from_db()
    assert (national.data_source, national.value_source) == ("entered", "typed")
    assert not Observation.objects.filter(indicator=national).exists()
    assert IndicatorStatus.objects.get(indicator=national).latest_value is None


# Status and API

def test_status_json_gives_each_indicator_source(cast, computed):
    quarterly_indicator(cast, plan=computed.plan, code="T2")
    out = io.StringIO()
    call_command("indicators", "status", "--json", "--plan", str(computed.plan.pk), "--as-of", "2024-05-01",
                 stdout=out)
    rows = json.loads(out.getvalue())
    assert [(r["code"], r["source"], r["formula"]) for r in rows] == [("C1", "computed", FORMULA),
                                                                        ("T2", "typed", "")]


def test_the_api_gives_value_source_and_formula(cast, client_for, computed):
    body = client_for("office").get(f"/api/v1/indicators/{computed.pk}/").json()
    assert (body["value_source"], body["formula"], body["reference_formula"]) == ("computed", FORMULA, "")


# The nightly job keeps both kinds

def test_the_nightly_job_recomputes_formulas_and_registered_functions(cast, computed):
    from qualitygov.indicators import registry

    registry.register("tests.ninety")(lambda indicator, period: 90 if period.end.year == 2023 else None)
    try:
        legacy = quarterly_indicator(cast, plan=computed.plan, code="L1")
        indicator_update(actor=cast.office, indicator=legacy, data_source="computed", computed_by="tests.ninety")
        sample(dt.date(2024, 2, 10), "食品", "pass")
        assert computed_values_refresh(as_of=dt.date(2024, 5, 1)) == {"created": 5, "updated": 0, "unchanged": 0,
                                                                      "skipped": 0}
        statuses = Counter(Observation.objects.values_list("indicator__code", "status"))
        assert statuses == {("L1", "submitted"): 4, ("C1", "submitted"): 1}
        assert Observation.objects.filter(indicator=legacy).first().provenance["function"] == "tests.ninety"
    finally:
        registry.unregister("tests.ninety")


def test_a_shared_read_runs_once_inside_a_measure_memo_and_again_after_it():
    from qualitygov.indicators.measures import measure_memo, memoized

    calls: list[int] = []

    def read() -> int:
        calls.append(1)
        return len(calls)

    assert [memoized("k", read), memoized("k", read)] == [1, 2]  # no block: every call reads
    with measure_memo():
        assert [memoized("k", read), memoized("k", read), memoized("other", read)] == [3, 3, 4]
        with measure_memo():  # a nested block shares the outer one's reads
            assert memoized("k", read) == 3
    assert memoized("k", read) == 5  # nothing is kept after the block
