"""Assessment rounds: the timeline and its transitions, self-assessment with evidence and late
submission, the office's review (override, adjust, return), the leader's approval freezing the
engine's result, objections within the window and the recomputed result, locking with follow-up
work, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.assessments import services_rounds as S
from qualitygov.assessments.choices import ObjectionOutcome, ReviewDecision, RoundStatus, SheetStatus
from qualitygov.assessments.models import AssessmentRound, FollowUp, Objection
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.progress.tests.factories import make_task

from .rounds_setup import RECORDS, entry, fill, make_round

AFTER_WINDOW = dt.date(2027, 1, 7)


def _totals(round_):
    return {u["unit"]: (u["total"], u["grade"], u["rank"], u["caps_applied"]) for u in round_.result["units"]}


def _review_all(cast, units):
    for ru in units.values():
        for e in ru.entries.all():
            if e.decision == ReviewDecision.PENDING and e.effective is not None:
                S.entry_review(actor=cast.office, entry=e, decision=ReviewDecision.ACCEPT)


def test_round_create_checks_the_scheme_and_the_timeline(cast):
    from qualitygov.assessments.services import scheme_import

    from .rounds_setup import DEMO, TIMELINE

    draft = scheme_import(actor=cast.office, text=DEMO.read_text(encoding="utf-8"), year=2026)
    with pytest.raises(ServiceError) as err:
        S.round_create(actor=cast.office, scheme=draft, year=2026, title="考核", **TIMELINE)
    assert err.value.fields == {"scheme": ["请选择已发布的评分细则：考核须按冻结的版本评分。"]}
    with pytest.raises(ServiceError) as err:
        make_round(cast, objection_until=dt.date(2026, 12, 1))
    assert list(err.value.fields) == ["objection_until"]
    assert AssessmentRound.objects.count() == 0
    with pytest.raises(NotFoundError):
        S.round_create(actor=cast.liaison_a, scheme=draft, year=2026, title="考核", **TIMELINE)
    round_ = make_round(cast)
    assert sorted((ru.unit.label, ru.group) for ru in round_.units.select_related("unit")) == [
        ("区住建局", "department"), ("区经信局", "department"), ("沈家门街道", "town")]


def test_self_assessment_with_evidence_and_a_late_submission(cast):
    round_ = make_round(cast)
    units = fill(cast, round_)
    t, b = units["t"], units["b"]
    b2 = entry(t, "B2")
    assert (b2.self_value, b2.note, b2.set_by) == ({"option": "全部完成"}, "已落实", cast.town_liaison)
    assert list(Attachment.objects.filter(owner_type="assessments.itementry", owner_id=str(b2.pk))
                .values_list("original_name", flat=True)) == ["证明材料.pdf"]
    t.refresh_from_db()
    b.refresh_from_db()
    assert (t.sheet_status, t.late, b.late) == (SheetStatus.SUBMITTED, False, True)
    # Automatic items, and another unit's sheet, are not the unit's to fill.
    with pytest.raises(ConflictError):
        S.entry_self_save(actor=cast.town_liaison, entry=entry(t, "C1"), value={"value": 100})
    before = AuditEvent.objects.count()
    with pytest.raises(NotFoundError):
        S.entry_self_save(actor=cast.town_liaison, entry=entry(b, "B2"), value={"option": "全部完成"})
    assert AuditEvent.objects.count() == before
    assert entry(b, "B2").self_value == {"option": "基本完成"}
    c1 = entry(units["a"], "C1")
    assert (c1.auto_value, c1.records, c1.source) == ({"value": 80}, RECORDS, "auto")


def test_override_adjust_return_approve_and_freeze(cast):
    round_ = make_round(cast)
    units = fill(cast, round_)
    a, b, t = units["a"], units["b"], units["t"]
    # Override an automatic figure: the reason is required, the automatic figure and its records stay.
    with pytest.raises(ServiceError) as err:
        S.entry_override(actor=cast.office, entry=entry(a, "C1"), value={"value": 100}, reason=" ")
    assert list(err.value.fields) == ["reason"]
    S.entry_override(actor=cast.office, entry=entry(a, "C1"), value={"value": 100}, reason="补报材料已核实")
    c1 = entry(a, "C1")
    assert (c1.effective, c1.auto_value, c1.override_reason) == ({"value": 100}, {"value": 80}, "补报材料已核实")
    # An automatic figure arriving later does not undo the override.
    S.round_inputs_set(actor=cast.office, round_unit=a, code="C1", value={"value": 82}, records=RECORDS)
    assert entry(a, "C1").effective == {"value": 100}
    # Adjust the town's claim; return 区住建局's D1, which it changes and submits again.
    S.entry_review(actor=cast.office, entry=entry(t, "B2"), decision=ReviewDecision.ADJUST,
                   value={"option": "基本完成"}, reason="年度工作要点两项未完成")
    S.entry_review(actor=cast.office, entry=entry(b, "D1"), decision=ReviewDecision.RETURN, reason="请补充经费材料")
    b.refresh_from_db()
    assert b.sheet_status == SheetStatus.RETURNED
    S.entry_self_save(actor=cast.liaison_b, entry=entry(b, "D1"), value={"present": ["分管领导", "联络员"]},
                      note="经费未单列")
    S.sheet_submit(actor=cast.liaison_b, round_unit=b)
    b.refresh_from_db()
    assert (b.sheet_status, b.late, entry(b, "D1").decision) == (SheetStatus.SUBMITTED, True, ReviewDecision.PENDING)
    _review_all(cast, units)
    S.round_transition(actor=cast.office, round_=round_, name="submit")
    # Only a leader approving for the whole district approves: not a liaison, not the office itself.
    for actor in (cast.liaison_a, cast.office):
        with pytest.raises(NotFoundError):
            S.round_approve(actor=actor, round_=round_)
    round_ = S.round_approve(actor=cast.leader, round_=round_, note="同意")
    assert round_.status == RoundStatus.APPROVED
    assert _totals(round_) == {
        "舟山市普陀区经济和信息化局": ("99.0", "优秀", 1, []),
        "舟山市普陀区住房和城乡建设局": ("55.5", "不合格", 2, ["G1"]),
        "舟山市普陀区沈家门街道": ("98.0", "优秀", 1, []),
    }
    # Frozen: no more figures.
    with pytest.raises(ConflictError):
        S.entry_override(actor=cast.office, entry=entry(a, "C1"), value={"value": 90}, reason="再改")
    assert AuditEvent.objects.filter(action="assessment_round.approve").count() == 1


def _approved(cast, **kwargs):
    round_ = make_round(cast, **kwargs)
    units = fill(cast, round_)
    S.entry_override(actor=cast.office, entry=entry(units["a"], "C1"), value={"value": 100}, reason="补报材料已核实")
    S.entry_review(actor=cast.office, entry=entry(units["t"], "B2"), decision=ReviewDecision.ADJUST,
                   value={"option": "基本完成"}, reason="两项未完成")
    _review_all(cast, units)
    S.round_transition(actor=cast.office, round_=round_, name="submit")
    return S.round_approve(actor=cast.leader, round_=round_), units


def test_objections_within_the_window_rescore_and_lock_with_follow_up(cast):
    task = make_task(cast)
    round_, units = _approved(cast, followup_task=task)
    a, b = units["a"], units["b"]
    with pytest.raises(ConflictError):  # not yet published
        S.objection_file(actor=cast.liaison_b, round_unit=b, entry=entry(b, "C2"), text="督办次数有误",
                         today=dt.date(2026, 12, 31))
    round_ = S.round_transition(actor=cast.office, round_=round_, name="publish")
    objection = S.objection_file(actor=cast.liaison_b, round_unit=b, entry=entry(b, "C2"),
                                 text="其中一次督办已撤销，应为2次", today=dt.date(2027, 1, 5))
    whole = S.objection_file(actor=cast.liaison_a, round_unit=a, text="对总分有异议", today=dt.date(2027, 1, 6))
    before = Objection.objects.count()
    with pytest.raises(ConflictError):  # the window closed
        S.objection_file(actor=cast.liaison_a, round_unit=a, text="再提异议", today=AFTER_WINDOW)
    with pytest.raises(NotFoundError):  # not its unit
        S.objection_file(actor=cast.liaison_a, round_unit=b, text="代提", today=dt.date(2027, 1, 5))
    assert Objection.objects.count() == before
    # Locking waits for the window and for every answer.
    with pytest.raises(ConflictError):
        S.round_transition(actor=cast.office, round_=round_, name="lock", today=dt.date(2027, 1, 6))
    with pytest.raises(ConflictError):
        S.round_transition(actor=cast.office, round_=round_, name="lock", today=AFTER_WINDOW)
    S.objection_answer(actor=cast.office, objection=objection, outcome=ObjectionOutcome.PARTLY,
                       answer="经核实，撤销一次督办，改为2次")
    S.entry_review(actor=cast.office, entry=entry(b, "C2"), decision=ReviewDecision.ADJUST,
                   value={"counts": {"supervised_escalation": 2}}, reason="异议部分成立")
    round_.refresh_from_db()
    assert _totals(round_)["舟山市普陀区住房和城乡建设局"] == ("57.5", "不合格", 2, [])
    rescore = AuditEvent.objects.filter(action="assessment_round.rescore").get()
    assert rescore.changes["totals"] == {"舟山市普陀区住房和城乡建设局": ["55.5", "57.5"]}
    with pytest.raises(ServiceError):
        S.objection_answer(actor=cast.office, objection=whole, outcome=ObjectionOutcome.REJECTED, answer="")
    S.objection_answer(actor=cast.office, objection=whole, outcome=ObjectionOutcome.REJECTED,
                       answer="各项得分均有依据，维持原评分")
    round_ = S.round_transition(actor=cast.office, round_=round_, name="lock", today=AFTER_WINDOW)
    assert round_.status == RoundStatus.LOCKED
    [follow] = FollowUp.objects.select_related("work_item")
    assert (follow.round_unit, follow.due, follow.action) == (b, dt.date(2027, 1, 30), "书面整改报告")
    item = follow.work_item
    assert (item.task, item.lead_unit, item.deadline, item.title) == (
        task, cast.dept_b, dt.date(2027, 1, 30), "2026年度成员单位考核：书面整改报告")
    with pytest.raises(ConflictError):  # locked: no more answers or adjustments
        S.objection_answer(actor=cast.office, objection=whole, outcome=ObjectionOutcome.UPHELD, answer="改")


def test_lock_without_a_follow_up_task_is_refused(cast):
    round_, _units = _approved(cast)
    S.round_transition(actor=cast.office, round_=round_, name="publish")
    with pytest.raises(ServiceError) as err:
        S.round_transition(actor=cast.office, round_=round_, name="lock", today=AFTER_WINDOW)
    assert list(err.value.fields) == ["followup_task"]
    round_.refresh_from_db()
    assert (round_.status, FollowUp.objects.count()) == (RoundStatus.PUBLISHED, 0)


def test_submit_for_approval_needs_every_input(cast):
    round_ = make_round(cast)
    S.round_transition(actor=cast.office, round_=round_, name="open")
    S.round_transition(actor=cast.office, round_=round_, name="start_review")
    with pytest.raises(ServiceError) as err:
        S.round_transition(actor=cast.office, round_=round_, name="submit")
    assert err.value.message.startswith("以下评分项尚无取值：舟山市普陀区")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.REVIEW


def test_the_leader_may_send_back_with_a_reason(cast):
    round_ = make_round(cast)
    fill(cast, round_)
    _review_all(cast, {k: v for k, v in enumerate(round_.units.all())})
    S.round_transition(actor=cast.office, round_=round_, name="submit")
    with pytest.raises(ServiceError):
        S.round_send_back(actor=cast.leader, round_=round_, note="")
    round_ = S.round_send_back(actor=cast.leader, round_=round_, note="请复核区住建局督办扣分")
    assert (round_.status, round_.approval_note, round_.result) == (RoundStatus.REVIEW, "请复核区住建局督办扣分", None)


def test_item_values_are_checked_without_crashing(cast):
    """Whatever a form or a client sends as an item's value, the check answers a ServiceError or a
    value in the exchange format, never another exception."""
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st

    round_ = make_round(cast)
    S.round_transition(actor=cast.office, round_=round_, name="open")
    ru = round_.units.first()
    entries = list(ru.entries.select_related("round_unit__round__scheme"))
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                        st.text(max_size=8))
    values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                           st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                          max_leaves=12)
    keys = st.sampled_from(["score", "done", "option", "present", "num", "den", "value", "counts", "indicators",
                            "na", "count", "applies"])

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @example(next(e for e in entries if e.code == "D1"), {"present": 5})
    @example(next(e for e in entries if e.code == "B2"), {"option": []})
    @example(next(e for e in entries if e.code == "B1"), {"counts": [1, 2]})
    @example(next(e for e in entries if e.code == "A1"), {"indicators": [{"comparator": ">=", "target": "x"}]})
    @example(next(e for e in entries if e.code == "A2"), {"num": float("inf"), "den": 1})
    @given(st.sampled_from(entries), st.one_of(values, st.dictionaries(keys, values, max_size=4)))
    def check(e, value):
        try:
            cleaned = S.clean_value(e, value)
        except ServiceError:
            return
        assert isinstance(cleaned, dict)

    check()


def test_the_office_moves_a_unit_to_another_group_until_approval(cast):
    round_ = make_round(cast)
    town = round_.units.get(unit=cast.town)
    with pytest.raises(ServiceError):
        S.round_unit_group_set(actor=cast.office, round_unit=town, group="committee")  # not a group of the scheme
    with pytest.raises(NotFoundError):
        S.round_unit_group_set(actor=cast.town_liaison, round_unit=town, group="department")
    S.round_unit_group_set(actor=cast.office, round_unit=town, group="department")
    town.refresh_from_db()
    assert town.group == "department"
    assert AuditEvent.objects.filter(action="assessment_round_unit.group").get().changes == {
        "group": ["town", "department"]}


def test_demo_rounds(db):
    from qualitygov.accounts.demo import load as load_accounts
    from qualitygov.assessments.demo import load
    from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory

    load_accounts()
    plan = plan_factory()
    task_factory(plan=plan, group=group_factory(plan=plan, number="一", title="任务组"), title="推动产业质量升级")
    assert load() == {"schemes": 1, "rounds": 2}
    last, current = AssessmentRound.objects.order_by("year")
    assert (last.year, last.status, current.year, current.status) == (
        2025, RoundStatus.LOCKED, 2026, RoundStatus.SELF_ASSESSMENT)
    assert current.units.count() == 32 and current.units.filter(group="town").count() == 9
    assert set(current.units.values_list("sheet_status", flat=True)) == {SheetStatus.OPEN, SheetStatus.SUBMITTED}
    sjm = current.units.get(unit__short_name="沈家门街道")
    assert (sjm.sheet_status, entry(sjm, "B2").self_value, entry(sjm, "C1").auto_value) == (
        SheetStatus.OPEN, None, {"value": 82})
    assert FollowUp.objects.filter(round_unit__round=last).count() == len(
        [u for u in last.result["units"] if u["follow_up"]]) > 0
    assert load() == {"schemes": 0, "rounds": 0}
