"""The follow-up's statutory clocks on the stored calendar, and rule versions by effective date."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.core.errors import ServiceError
from qualitygov.sampling import rules
from qualitygov.sampling.models import SamplingRuleSet
from qualitygov.sampling.services import followup_transition

from .factories import batch, other_town

D = dt.date


def _followup(cast, **kw):
    return batch(cast, town=other_town(cast), **kw).followup


def test_seeded_rules_say_calendar_or_working_days(db):
    rule_set = SamplingRuleSet.in_force(D(2026, 6, 1))
    assert rule_set.effective_from == D(2020, 1, 1)
    assert {k: (v["days"], v["count"]) for k, v in rule_set.params.items() if isinstance(v, dict)} == {
        "objection": (7, "workdays"), "retest_decision": (5, "workdays"), "public_notice": (30, "calendar"),
        "correction": (60, "calendar"), "recheck": (75, "calendar"), "second_recheck_from": (60, "calendar"),
        "second_recheck_to": (90, "calendar")}


def test_working_day_objection_window_spans_national_day_2026(cast):
    """Served Tue 29 Sep: 30 Sep, then 1–7 Oct are holidays, Sat 10 Oct is a make-up working day."""
    f = _followup(cast, sampled_on=D(2026, 9, 1))
    f = followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 9, 29), notice_method="direct")
    assert (f.stage, f.served_on, f.objection_due, f.clock, f.clock_due) == (
        "notified", D(2026, 9, 29), D(2026, 10, 14), "objection", D(2026, 10, 14))
    f = followup_transition(actor=cast.office, followup=f, name="object", on=D(2026, 10, 14))
    # 5 working days from Wed 14 Oct: 15, 16, 19, 20, 21 October.
    assert (f.stage, f.objection_decision_due, f.clock) == ("objection", D(2026, 10, 21), "objection_decision")


def test_a_late_objection_is_refused_and_changes_nothing(cast):
    f = _followup(cast, sampled_on=D(2026, 9, 1))
    f = followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 9, 29), notice_method="mail")
    with pytest.raises(ServiceError):
        followup_transition(actor=cast.office, followup=f, name="object", on=D(2026, 10, 15))
    f.refresh_from_db()
    assert (f.stage, f.objection_on, f.version) == ("notified", None, 2)


def test_service_by_public_notice_counts_after_30_days(cast):
    f = _followup(cast, sampled_on=D(2026, 7, 20))
    f = followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 8, 3), notice_method="public")
    # Served on 2 Sep; 7 working days: 3, 4, 7, 8, 9, 10, 11 September.
    assert (f.notice_on, f.served_on, f.objection_due) == (D(2026, 8, 3), D(2026, 9, 2), D(2026, 9, 11))


def test_recheck_75_calendar_days_and_second_failure_window(cast):
    f = _followup(cast, sampled_on=D(2026, 8, 3))
    f = followup_transition(actor=cast.office, followup=f, name="serve", on=D(2026, 8, 10), notice_method="direct")
    f = followup_transition(actor=cast.office, followup=f, name="order_correction", on=D(2026, 8, 24))
    # 75 calendar days, holidays included (National Day does not stop it).
    assert (f.stage, f.correction_due, f.recheck_due, f.clock, f.clock_due) == (
        "correcting", D(2026, 10, 23), D(2026, 11, 7), "recheck", D(2026, 11, 7))
    f = followup_transition(actor=cast.office, followup=f, name="recheck_fail", on=D(2026, 11, 5),
                            province_notice_on=D(2026, 11, 20))
    assert (f.stage, f.second_window_start, f.second_window_end, f.clock_due) == (
        "escalated", D(2027, 1, 19), D(2027, 2, 18), D(2027, 2, 18))


def test_the_rule_in_force_on_the_start_date_decides(cast):
    """A new version from 1 Nov 2026 (复查 60 days, objection 15 calendar days) applies only to clocks
    started on or after that day."""
    old = SamplingRuleSet.in_force(D(2026, 1, 1))
    params = {**old.params, "recheck": {"days": 60, "count": "calendar", "basis": "测试"},
              "objection": {"days": 15, "count": "calendar", "basis": "测试"}}
    SamplingRuleSet.objects.create(name="新规", effective_from=D(2026, 11, 1), legal_basis="测试", params=params)
    assert rules.deadline("recheck", D(2026, 10, 31)) == D(2027, 1, 14)
    assert rules.deadline("recheck", D(2026, 11, 1)) == D(2026, 12, 31)
    assert rules.period("objection", D(2026, 10, 31)).count == "workdays"
    assert rules.deadline("objection", D(2026, 11, 2)) == D(2026, 11, 17)

    early = _followup(cast, n=1, sampled_on=D(2026, 9, 1))
    # Served Fri 9 Oct: Sat 10 Oct is a make-up working day, so the 7th working day is Mon 19 Oct.
    early = followup_transition(actor=cast.office, followup=early, name="serve", on=D(2026, 10, 9),
                                notice_method="direct")
    early = followup_transition(actor=cast.office, followup=early, name="order_correction", on=D(2026, 10, 30))
    late = _followup(cast, n=2, sampled_on=D(2026, 9, 1))
    late = followup_transition(actor=cast.office, followup=late, name="serve", on=D(2026, 11, 2),
                               notice_method="direct")
    late = followup_transition(actor=cast.office, followup=late, name="order_correction", on=D(2026, 11, 3))
    assert (early.objection_due, early.recheck_due) == (D(2026, 10, 19), D(2027, 1, 13))
    assert (late.objection_due, late.recheck_due) == (D(2026, 11, 17), D(2027, 1, 2))


def test_no_rule_in_force_is_a_refusal(db):
    with pytest.raises(ServiceError):
        rules.deadline("recheck", D(2019, 12, 31))
