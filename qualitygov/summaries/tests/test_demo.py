"""The demo's half-year round: filed and accepted, one returned to 区经信局, 区住建局 late, 沈家门街道 missing."""

from __future__ import annotations

import datetime as dt

from qualitygov.core import registry
from qualitygov.progress.demo import load as load_progress
from qualitygov.summaries.demo import load
from qualitygov.summaries.models import DistrictSummary, UnitSummary


def test_demo_round_loads_once(db):
    # The demo district and its seed plan come from the loaders the lower and sibling apps register.
    for loader in registry.demo_loaders():
        if loader.key in ("accounts", "plans"):
            loader.run()
    load_progress(today=dt.date(2026, 11, 26))
    counts = load(today=dt.date(2026, 11, 26))
    summaries = UnitSummary.objects.select_related("unit", "round")
    assert counts == {"rounds": 1, "summaries": summaries.count()}
    by_unit = {s.unit.label: (s.status, s.late) for s in summaries}
    assert by_unit.pop("区经信局") == ("returned", False)
    assert by_unit.pop("区住建局") == ("submitted", True)
    assert by_unit.pop("沈家门街道") == ("draft", True)
    assert set(by_unit.values()) == {("accepted", False)}
    assert summaries.first().round.label == "2026年上半年工作总结"
    district = DistrictSummary.objects.get()
    assert district.sections[-1]["text"].startswith(
        "逾期未报送总结的单位：沈家门街道。\n退回修改尚未重新报送的单位：区经信局。\n逾期报送总结的单位：区住建局。\n红灯工作事项：")
    assert load(today=dt.date(2026, 11, 26)) == {"rounds": 0, "summaries": 0}
