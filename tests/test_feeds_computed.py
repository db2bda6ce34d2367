"""A computed indicator over a feed's measure follows the imports: the first 12315 export gives a value sent
for review, a corrected export of the same month replaces it while it waits, and once approved a further
correction becomes the system's pending correction request. Each stored figure names the file, its id and
the rows it was read from."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.services import org_unit_create
from qualitygov.feeds.models import FeedSource
from qualitygov.feeds.services import feed_import, source_get
from qualitygov.feeds.sheets import xlsx_bytes
from qualitygov.feeds.tests import fixtures
from qualitygov.indicators.models import Observation, ObservationChangeRequest
from qualitygov.indicators.services import change_request_decide, indicator_create, observation_approve
from qualitygov.plans.tests.factories import plan_factory

pytestmark = pytest.mark.django_db

FORMULA = "feeds.c12315.ontime_rate[食品]"


@pytest.fixture
def towns(cast):
    """东港街道 and 六横镇 next to the cast's 沈家门街道, so every row of the exports has its town."""
    org_unit_create(actor=None, name="舟山市普陀区东港街道", kind=OrgUnitKind.SUBDISTRICT, parent=cast.district,
                    short_name="东港街道")
    org_unit_create(actor=None, name="舟山市普陀区六横镇", kind=OrgUnitKind.TOWN, parent=cast.district,
                    short_name="六横镇")
    FeedSource.objects.update(owner_unit=cast.dept_a)


@pytest.fixture
def computed(cast, towns):
    """An own indicator of the office: the 12315 food complaints handled on time, quarterly, by formula."""
    return indicator_create(actor=cast.office, plan=plan_factory(), name="食品投诉按时办结率", unit="%",
                            comparator=">=", baseline_year=2025, baseline_value="95", frequency="quarterly",
                            data_source="computed", formula=FORMULA, targets={2026: "99"},
                            units=[(cast.dept_a, "lead")])


def q1_2026(indicator) -> Observation:
    return Observation.objects.get(indicator=indicator, period__label="2026-Q1")


def provenance(feed_file, value: str) -> dict:
    """What the observation stores for the formula over one imported file (食品 rows 5 and 7)."""
    return {
        "formula": FORMULA, "formula_label": "12315按时办结率（食品）", "start": "2026-01-01", "end": "2026-03-31",
        "town": "",
        "inputs": [{"key": "feeds.c12315.ontime_rate", "category": "食品", "label": "12315按时办结率（食品）",
                    "unit": "%", "value": value,
                    "provenance": [{"label": f"12315按时办结率：{feed_file.original_name}（第5,7行）",
                                    "file": feed_file.original_name, "file_id": feed_file.pk, "rows": "5,7",
                                    "count": 2, "url": f"/feeds/files/{feed_file.pk}/?rows=5,7#row-5"}]}],
    }


def test_imports_recompute_the_indicator_for_review_then_as_a_correction_request(cast, computed):
    assert not Observation.objects.filter(indicator=computed).exists()  # nothing imported: nothing to count
    source = source_get("c12315")

    # January's export: 按时办结率 of food complaints weighted by 受理量: (99×12 + 100×5) / 17 = 99.29
    first = feed_import(actor=cast.liaison_a, source=source, name="12315月报-2026-01.xlsx",
                        data=fixtures.c12315_xlsx()).file
    obs = q1_2026(computed)
    assert (obs.value, obs.status, obs.submitted_by, obs.unit) == (D("99.29"), "submitted", None, cast.dept_a)
    assert obs.provenance == provenance(first, "99.29")
    assert Observation.objects.filter(indicator=computed).count() == 1

    # A corrected export of the same month while the value waits for review: (99×13 + 100×5) / 18 = 99.28
    second = feed_import(actor=cast.liaison_a, source=source, name="12315月报-2026-01（更正）.xlsx",
                         data=fixtures.c12315_xlsx(accepted_sjm_food=13)).file
    first.refresh_from_db()
    assert (first.status, first.replaced_by) == ("superseded", second)
    obs = q1_2026(computed)
    assert (obs.value, obs.status, obs.submitted_by, obs.first_submitted_value) == (
        D("99.28"), "submitted", None, D("99.29"))
    assert obs.provenance == provenance(second, "99.28")
    assert not ObservationChangeRequest.objects.exists()

    # Approved, the value is locked: a further correction waits as the system's correction request.
    observation_approve(actor=cast.office, observation=obs)
    third = feed_import(actor=cast.liaison_a, source=source, name="12315月报-2026-01（再更正）.xlsx",
                        data=fixtures.c12315_xlsx(accepted_sjm_food=20)).file
    obs = q1_2026(computed)
    assert (obs.value, obs.status, obs.provenance) == (D("99.28"), "approved", provenance(second, "99.28"))
    request = ObservationChangeRequest.objects.get(observation=obs)
    # (99×20 + 100×5) / 25 = 99.20
    assert (request.new_value, request.status, request.requested_by) == (D("99.2"), "pending", None)
    assert request.provenance == provenance(third, "99.20")

    change_request_decide(actor=cast.office, change_request=request, approve=True)
    obs.refresh_from_db()
    assert (obs.value, obs.status, obs.first_submitted_value) == (D("99.2"), "approved", D("99.29"))
    assert obs.provenance == provenance(third, "99.20")


def test_a_corrected_sampling_export_recomputes_the_food_pass_rate(cast, towns):
    """The sampling feed's 食品 (评价性抽检) pass rate, replaced when April's export is corrected."""
    indicator = indicator_create(actor=cast.office, plan=plan_factory(), name="食品评价性抽检合格率", unit="%",
                                 comparator=">=", baseline_year=2025, baseline_value="98", frequency="quarterly",
                                 data_source="computed", formula="feeds.sampling.pass_rate[食品]",
                                 targets={2026: "98"}, units=[(cast.dept_a, "lead")])
    source = source_get("sampling")
    first = feed_import(actor=cast.liaison_a, source=source, name="抽检结果-2026-04.xlsx",
                        data=fixtures.sampling_xlsx()).file
    obs = Observation.objects.get(indicator=indicator, period__label="2026-Q2")
    assert (obs.value, obs.status, obs.submitted_by) == (D("100"), "submitted", None)  # 大米, row 3: 合格
    assert [(i["key"], i["category"], i["value"], i["provenance"]) for i in obs.provenance["inputs"]] == [
        ("feeds.sampling.pass_rate", "食品", "100.00",
         [{"label": "抽检合格率：抽检结果-2026-04.xlsx（第3行）", "file": "抽检结果-2026-04.xlsx", "file_id": first.pk,
           "rows": "3", "count": 1, "url": f"/feeds/files/{first.pk}/?rows=3#row-3"}])]

    # The corrected export adds a failed 食品 batch in row 7: 1 of 2 batches passed.
    second = feed_import(actor=cast.liaison_a, source=source, name="抽检结果-2026-04（更正）.xlsx",
                         data=_sampling_corrected()).file
    obs.refresh_from_db()
    assert (obs.value, obs.status, obs.first_submitted_value) == (D("50"), "submitted", D("100"))
    assert obs.provenance["inputs"][0]["value"] == "50.00"
    assert obs.provenance["inputs"][0]["provenance"] == [
        {"label": "抽检合格率：抽检结果-2026-04（更正）.xlsx（第3,7行）", "file": "抽检结果-2026-04（更正）.xlsx",
         "file_id": second.pk, "rows": "3,7", "count": 2, "url": f"/feeds/files/{second.pk}/?rows=3,7#row-3"}]


def _sampling_corrected() -> bytes:
    """April's sampling export with one more 评价性抽检 batch (不合格) before the totals row."""
    rows = [
        ["普陀区食品和产品抽检结果明细（2026年4月）", None, None, None, None, None, None],
        ["抽样单编号", "样品名称", "抽检类别", "被抽样单位名称", "所在镇街", "抽样日期", "检验结论"],
        ["DC26330903000101", "大米", "评价性抽检", "某粮油店", "沈家门街道", "2026-04-02", "合格"],
        ["DC26330903000102", "带鱼", "例行监测", "某水产店", "沈家门街道", "2026/4/3", "不合格"],
        ["DC26330903000103", "阿莫西林胶囊", "基本药物", "某药房", "东港街道", "2026年4月8日", "合格"],
        ["GC26330903000104", "电线电缆", "产品质量监督抽查", "某电器厂", "六横镇", "2026-04-30", "合格"],
        ["DC26330903000105", "面包", "评价性抽检", "某面包店", "东港街道", "2026-04-10", "不合格"],
        ["合计：共5批次", None, None, None, None, None, None],
    ]
    return xlsx_bytes(rows, merges=["A1:G1"])
