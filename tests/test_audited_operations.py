"""Sign-out, the manual light refresh and each run of the daily jobs leave one audit event each."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from qualitygov.core.audit import audit_verify
from qualitygov.core.events import event_label, object_type_label
from qualitygov.core.models import AuditEvent
from qualitygov.indicators import jobs as indicator_jobs
from qualitygov.progress.jobs import progress_daily

DAY = dt.date(2026, 6, 15)


def _new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


def test_sign_out_is_recorded(cast):
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.force_login(cast.liaison_a)
    last = AuditEvent.objects.count()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    [event] = _new_events(last)
    assert (event.action, event.actor_id, event.object_id, event.unit_ref, event.changes) == (
        "auth.logout", cast.liaison_a.pk, str(cast.liaison_a.pk), cast.dept_a.pk, {"ip": "10.0.0.7"})
    assert event_label(event.action) == "退出登录"
    # Signing out again, already signed out, records nothing.
    Client().post(reverse("accounts:logout"))
    assert AuditEvent.objects.count() == last + 1


def test_manual_light_refresh_is_recorded_with_its_counts(cast, client_for):
    last = AuditEvent.objects.count()
    response = client_for("office").post(reverse("progress:lights_refresh"))
    assert response.status_code == 302
    [event] = _new_events(last)
    assert (event.action, event.actor_id, event.object_type, event.changes) == (
        "progress.lights_refresh", cast.office.pk, "progress.job",
        {"as_of": dt.date.today().isoformat(), "work_items": 0, "tasks": 0})
    assert event_label(event.action) == "手动重算信号灯"


def test_each_daily_job_run_is_one_event_with_counts(cast):
    last = AuditEvent.objects.count()
    indicator_jobs.recompute(as_of=DAY)
    indicator_jobs.reminders_send(as_of=DAY)
    progress_daily(today=DAY)
    recompute, remind, daily = _new_events(last)
    assert (recompute.action, recompute.actor_id, recompute.object_type, recompute.object_id) == (
        "indicators.recompute", None, "indicators.job", "recompute")
    assert recompute.changes["as_of"] == "2026-06-15" and recompute.changes["periods"] == 0
    assert (remind.action, remind.changes) == (
        "indicators.remind", {"as_of": "2026-06-15", "reminders": 0, "overdue": 0, "already_sent": 0})
    assert (daily.action, daily.object_type, daily.changes) == ("progress.daily", "progress.job", {
        "as_of": "2026-06-15", "opened": {"cycles": 0, "reports": 0}, "lights": {"work_items": 0, "tasks": 0},
        "requests": 0, "escalation": {"reminder": 0, "yellow": 0, "red": 0, "supervised": 0}, "notices": 0})
    assert [object_type_label(e.object_type) for e in (recompute, daily)] == ["定时任务", "定时任务"]
    assert audit_verify().ok
