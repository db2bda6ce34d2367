"""The escalation job: reminder → yellow → red → 督办, each once, whatever how often it runs."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from qualitygov.core.models import AuditEvent, Notification
from qualitygov.progress.escalation import escalation_run
from qualitygov.progress.models import EscalationEvent, EscalationRuleSet, ProgressReport
from qualitygov.progress.selectors import supervised_list_visible
from qualitygov.progress.services import (
    cycle_open,
    extension_approve,
    extension_request_create,
    report_part_submit,
    report_submit,
)

from .factories import make_cycle, make_setup

DUE = dt.date(2026, 5, 25)


def events(**filters):
    return sorted(EscalationEvent.objects.filter(**filters).values_list("level", "unit__short_name", "days_overdue"))


def test_nothing_before_the_reminder_window_then_a_reminder(cast):
    s = make_setup(cast, co=[])
    assert escalation_run(today=dt.date(2026, 5, 21)).new_events == 0  # 4 days before
    summary = escalation_run(today=dt.date(2026, 5, 22))                 # 3 days before
    assert (summary.requests, summary.events["reminder"], summary.notices) == (1, 1, 1)
    assert events() == [("reminder", "区经信局", 0)]
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind) == (cast.liaison_a, "progress.reminder")
    assert EscalationEvent.objects.get().report == s.report


def test_the_whole_ladder_for_the_lead_and_a_co_unit(cast):
    s = make_setup(cast, co=[cast.dept_b])
    escalation_run(today=dt.date(2026, 5, 23))
    escalation_run(today=dt.date(2026, 5, 26))  # 1 day overdue: yellow
    assert events(level="yellow") == [("yellow", "区住建局", 1), ("yellow", "区经信局", 1)]
    assert events(level="red") == []
    escalation_run(today=dt.date(2026, 6, 1))   # 7 days overdue: red and 督办
    assert events(level="red") == [("red", "区住建局", 7), ("red", "区经信局", 7)]
    supervised = list(supervised_list_visible(user=cast.office))
    assert sorted((e.unit.label, e.part_id is not None) for e in supervised) == [("区住建局", True), ("区经信局", False)]
    # The office hears once about the new 督办 entries; the units once per level.
    kinds = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == [("liaison_a", "progress.red"), ("liaison_a", "progress.reminder"), ("liaison_a", "progress.yellow"),
                     ("liaison_b", "progress.red"), ("liaison_b", "progress.reminder"), ("liaison_b", "progress.yellow"),
                     ("office", "progress.supervised")]
    # Filing resolves the unit's 督办 entry; the other one stays.
    report_part_submit(actor=cast.liaison_b, part=s.part(cast.dept_b), done_text="补报")
    assert [e.unit.label for e in supervised_list_visible(user=cast.office)] == ["区经信局"]
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="20", done_text="补报")
    assert list(supervised_list_visible(user=cast.office)) == []
    s.report.refresh_from_db()
    assert s.report.submitted_late is True


def test_running_twice_records_and_sends_nothing_twice(cast):
    make_setup(cast)
    for day in (dt.date(2026, 5, 22), dt.date(2026, 6, 2)):
        first = escalation_run(today=day)
        counts = (EscalationEvent.objects.count(), Notification.objects.count(), AuditEvent.objects.count())
        second = escalation_run(today=day)
        assert first.new_events > 0
        assert (second.new_events, second.notices) == (0, 0)
        assert (EscalationEvent.objects.count(), Notification.objects.count(), AuditEvent.objects.count()) == counts
    # Reminder (3 requests), then yellow, red and 督办 for each of the three units.
    assert EscalationEvent.objects.count() == 12
    # A later day adds nothing new either: every level has fired for this due date.
    assert escalation_run(today=dt.date(2026, 6, 20)).new_events == 0


def test_three_late_reports_in_a_row_make_red_on_the_first_day(cast):
    s = make_setup(cast, co=[])
    for month in (6, 7):
        cycle = make_cycle(cast, s.plan, month=month)
        cycle_open(actor=cast.office, cycle=cycle)
    for month, report in zip((5, 6), ProgressReport.objects.order_by("due_date")[:2], strict=True):
        report_submit(actor=cast.liaison_a, report=report, progress_pct="10", done_text="迟报",
                      today=dt.date(2026, month, 27))
    escalation_run(today=dt.date(2026, 7, 26))  # July's report 1 day overdue, May and June were late
    july = ProgressReport.objects.get(cycle__period_start=dt.date(2026, 7, 1))
    assert sorted(EscalationEvent.objects.filter(report=july).values_list("level", "reason")) == [
        ("red", "late_in_row"), ("supervised", "late_in_row"), ("yellow", "overdue")]


def test_an_approved_extension_restarts_the_chase_from_the_new_date(cast):
    s = make_setup(cast, co=[])
    escalation_run(today=dt.date(2026, 5, 26))
    assert events(level="yellow") == [("yellow", "区经信局", 1)]
    extension = extension_request_create(actor=cast.liaison_a, report=s.report,
                                         requested_due_date=dt.date(2026, 6, 10), reason="数据待统计局发布")
    extension_approve(actor=cast.leader, extension=extension)
    s.report.refresh_from_db()
    assert s.report.due_date == dt.date(2026, 6, 10)
    assert escalation_run(today=dt.date(2026, 6, 1)).new_events == 0
    assert escalation_run(today=dt.date(2026, 6, 8)).events["reminder"] == 1
    assert escalation_run(today=dt.date(2026, 6, 11)).events["yellow"] == 1


def test_rule_set_parameters_are_used(cast):
    make_setup(cast, co=[])
    EscalationRuleSet.objects.create(name="从严", effective_from=dt.date(2026, 1, 1),
                                     params={"remind_days_before": 5, "red_days_overdue": 2,
                                             "supervise_with_red": False})
    assert escalation_run(today=dt.date(2026, 5, 20)).events["reminder"] == 1
    result = escalation_run(today=dt.date(2026, 5, 27))
    assert (result.events["yellow"], result.events["red"], result.events["supervised"]) == (1, 1, 0)


def test_remind_command(cast):
    make_setup(cast, co=[])
    out = io.StringIO()
    call_command("progress", "remind", "--today", "2026-05-26", stdout=out)
    assert out.getvalue().startswith("2026-05-26: cycles opened 0 (reports 0); requests waiting 1; new events: "
                                     "reminder 0, yellow 1, red 0, supervised 0; notices sent 1; lights 1 items / 1 tasks")
    out = io.StringIO()
    call_command("progress", "remind", "--today", "2026-05-26", stdout=out)
    assert "yellow 0" in out.getvalue() and "notices sent 0" in out.getvalue()


def test_open_cycles_command_opens_started_periods_once(cast):
    s = make_setup(cast, co=[])
    make_cycle(cast, s.plan, month=6)
    out = io.StringIO()
    call_command("progress", "open-cycles", "--today", "2026-05-31", stdout=out)
    assert out.getvalue().strip() == "cycles opened: 0; report requests created: 0"
    call_command("progress", "open-cycles", "--today", "2026-06-01", stdout=out)
    assert out.getvalue().strip().endswith("cycles opened: 1; report requests created: 1")
    assert ProgressReport.objects.count() == 2


def test_an_event_stored_by_a_concurrent_run_is_skipped_not_an_error(cast):
    """Two runs racing past the existing-key check both insert; the unique key keeps one row."""
    from django.db import transaction
    from django.utils import timezone

    from qualitygov.progress.escalation import _insert_events

    s = make_setup(cast, co=[])
    row = {"key": f"progress:yellow:r{s.report.pk}:2026-05-25", "work_item_id": s.item.pk, "report_id": s.report.pk,
           "part_id": None, "unit_id": cast.dept_a.pk, "level": "yellow", "due_date": DUE, "days_overdue": 1,
           "reason": "overdue"}
    for _ in range(2):
        with transaction.atomic():
            _insert_events([row], at=timezone.now(), on_date=dt.date(2026, 5, 26), rule_set_id=None)
    event = EscalationEvent.objects.get()
    assert (event.level, event.due_date, event.on_date, event.report, event.part) == (
        "yellow", DUE, dt.date(2026, 5, 26), s.report, None)
    assert escalation_run(today=dt.date(2026, 5, 26)).events["yellow"] == 0
