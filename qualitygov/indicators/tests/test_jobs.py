"""Reminders and overdue notices: sent to the unit's liaisons, in-app and by e-mail, never twice."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from qualitygov.accounts.models import User
from qualitygov.core.models import Notification
from qualitygov.indicators.jobs import nightly, reminders_send
from qualitygov.indicators.models import Observation, StatusRuleSet
from qualitygov.indicators.services import observation_save_draft, observation_submit, periods_generate

from .engine_helpers import quarterly_indicator


def setup(cast, *, submitted_until: str = "2024-Q1"):
    """A quarterly indicator led by 区经信局 (区住建局 co-operating) with values submitted up to a quarter."""
    User.objects.filter(pk=cast.liaison_a.pk).update(email="liaison_a@example.org")
    indicator = quarterly_indicator(cast, reporters=[(cast.dept_a, "lead"), (cast.dept_b, "co")])
    periods_generate(indicator=indicator, until=dt.date(2024, 12, 31))
    Observation.objects.bulk_create([
        Observation(indicator=indicator, period=p, unit=cast.dept_a, value=95, status="submitted")
        for p in indicator.periods.filter(label__lte=submitted_until)])
    return indicator


def test_a_reminder_before_the_due_date_is_sent_once(cast, django_capture_on_commit_callbacks):
    indicator = setup(cast, submitted_until="2024-Q2")
    # 2024-Q3 is due 15 working days after 30 Sept: Monday 21 Oct; three days before, the liaison of the
    # lead unit hears about it.
    assert reminders_send(as_of=dt.date(2024, 10, 17)) == {"reminders": 0, "overdue": 0, "already_sent": 0}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert reminders_send(as_of=dt.date(2024, 10, 18)) == {"reminders": 1, "overdue": 0, "already_sent": 0}
        assert mail.outbox == []  # the e-mail waits for the commit
    assert len(callbacks) == 1
    notice = Notification.objects.get()
    period = indicator.periods.get(label="2024-Q3")
    assert (notice.recipient, notice.kind, notice.emailed) == (cast.liaison_a, "indicator_due", True)
    assert notice.subject == "2024-10-21 到期：Q1 Q1 抽检合格率，2024-Q3"
    assert notice.dedup_key == f"indicator-due:{period.pk}:{cast.dept_a.pk}:before:{cast.liaison_a.pk}"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["liaison_a@example.org"]
    # The same day again, and the next days up to the due date: nothing new.
    for day in (18, 19, 20, 21):
        assert reminders_send(as_of=dt.date(2024, 10, day)) == {"reminders": 0, "overdue": 0, "already_sent": 1}
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_overdue_notice_after_the_grace_days_and_only_once(cast, django_capture_on_commit_callbacks):
    setup(cast)
    as_of = dt.date(2024, 10, 29)  # Q3 due 21 Oct + 5 grace working days = 28 Oct
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(as_of=as_of)
    # Q3 is overdue; Q2 too, but its deadline (26 Jul) lies beyond the 90-day window of notices.
    assert first == {"reminders": 0, "overdue": 1, "already_sent": 0}
    notice = Notification.objects.get()
    assert (notice.kind, notice.recipient, notice.subject) == (
        "indicator_overdue", cast.liaison_a, "逾期：Q1 Q1 抽检合格率，2024-Q3")
    assert reminders_send(as_of=as_of) == {"reminders": 0, "overdue": 0, "already_sent": 1}
    assert reminders_send(as_of=dt.date(2024, 11, 1)) == {"reminders": 0, "overdue": 0, "already_sent": 1}
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    StatusRuleSet.objects.create(name="长窗口", effective_from=dt.date(2024, 1, 1), params={"overdue_notice_days": 120})
    assert reminders_send(as_of=as_of) == {"reminders": 0, "overdue": 1, "already_sent": 1}


def test_a_submitted_value_stops_the_reminders(cast):
    indicator = setup(cast, submitted_until="2024-Q2")
    draft = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label="2024-Q3"),
                                   unit=cast.dept_a, value="95")
    assert reminders_send(as_of=dt.date(2024, 10, 18))["reminders"] == 1  # a draft is not a submission
    observation_submit(actor=cast.liaison_a, observation=draft)
    Notification.objects.all().delete()
    assert reminders_send(as_of=dt.date(2024, 10, 29)) == {"reminders": 0, "overdue": 0, "already_sent": 0}
    assert Notification.objects.count() == 0


def test_reminder_days_come_from_the_rule_set(cast):
    setup(cast, submitted_until="2024-Q2")
    assert reminders_send(as_of=dt.date(2024, 10, 14))["reminders"] == 0
    StatusRuleSet.objects.create(name="提前一周", effective_from=dt.date(2024, 1, 1), params={"remind_days_before": 7})
    assert reminders_send(as_of=dt.date(2024, 10, 14))["reminders"] == 1  # 7 days before 21 Oct


def test_nightly_job_runs_twice_without_sending_twice(cast, django_capture_on_commit_callbacks):
    setup(cast)
    with django_capture_on_commit_callbacks(execute=True):
        first = nightly(as_of=dt.date(2024, 10, 29))
        second = nightly(as_of=dt.date(2024, 10, 29))
    assert first["notices"] == {"reminders": 0, "overdue": 1, "already_sent": 0}
    assert second["notices"] == {"reminders": 0, "overdue": 0, "already_sent": 1}
    assert (first["periods"], second["periods"]) == (0, 0)
    assert first["lights"] == second["lights"] == {"grey": 1}
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
