"""Notices: e-mail after commit with logged retries, the 通知 page, the unread badge and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qualitygov.core import notifications
from qualitygov.core.audit import audit_record
from qualitygov.core.models import AuditEvent, Notification
from qualitygov.core.notifications import notification_email_retry, notification_send

LIST = reverse("core:notification_list")
API = "/api/v1/notifications/"


def _notice(user, n: int, **kwargs) -> Notification:
    return notification_send(recipient=user, kind="test", subject=f"通知{n}", body=f"正文{n}",
                             url=kwargs.pop("url", f"/plans/?n={n}"), dedup_key=f"test:{user.pk}:{n}",
                             email=kwargs.pop("email", False), **kwargs)


def _with_email(user, address: str) -> None:
    get_user_model().objects.filter(pk=user.pk).update(email=address)
    user.email = address


def _fail_mail(*args, **kwargs):
    raise ConnectionRefusedError("SMTP server down")


# --- e-mail after commit -------------------------------------------------------------------------


def test_the_mail_waits_for_the_commit_and_a_rollback_sends_none(cast, django_capture_on_commit_callbacks):
    _with_email(cast.liaison_a, "a@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notice = _notice(cast.liaison_a, 1, email=True)
            assert mail.outbox == []
    assert len(callbacks) == 1
    assert [(m.subject, m.to, m.body) for m in mail.outbox] == [("通知1", ["a@example.org"], "正文1\n\n/plans/?n=1")]
    notice.refresh_from_db()
    assert (notice.emailed, notice.email_pending, notice.email_attempts, notice.email_error) == (True, False, 1, "")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _notice(cast.liaison_a, 2, email=True)
            raise RuntimeError("the business write fails")
    assert callbacks == []
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(dedup_key=f"test:{cast.liaison_a.pk}:2").exists()


def test_a_mail_failure_is_logged_and_keeps_the_business_write(cast, django_capture_on_commit_callbacks,
                                                               monkeypatch, caplog):
    _with_email(cast.liaison_a, "a@example.org")
    monkeypatch.setattr(notifications, "send_mail", _fail_mail)
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            audit_record(actor=cast.office, action="attachment.create", object_type="core.attachment", object_id=1)
            notice = _notice(cast.liaison_a, 1, email=True)
    assert AuditEvent.objects.count() == before + 1
    notice.refresh_from_db()
    assert (notice.emailed, notice.email_pending, notice.email_attempts, notice.email_error) == (
        False, True, 1, "ConnectionRefusedError: SMTP server down")
    assert f"e-mail for notification {notice.pk} failed" in caplog.text
    assert mail.outbox == []


def test_the_retry_sends_failed_mails_and_gives_up_after_the_last_try(cast, monkeypatch, capsys):
    _with_email(cast.liaison_a, "a@example.org")
    monkeypatch.setattr(notifications, "send_mail", _fail_mail)
    # The test's own transaction never commits, so these first tries never run; the retry sends them.
    failing = _notice(cast.liaison_a, 1, email=True)
    quiet = _notice(cast.liaison_a, 2, email=False)
    Notification.objects.filter(pk=failing.pk).update(email_attempts=1, email_error="x")
    assert notification_email_retry() == {"sent": 0, "failed": 1}
    assert Notification.objects.get(pk=failing.pk).email_attempts == 2
    monkeypatch.undo()
    call_command("notifications", "retry")
    assert capsys.readouterr().out == "E-mails sent: 1, failed again: 0.\nRobot posts sent: 0, failed again: 0.\n"
    assert [m.subject for m in mail.outbox] == ["通知1"]
    assert Notification.objects.filter(pk=quiet.pk, email_attempts=0, emailed=False).exists()
    assert notification_email_retry() == {"sent": 0, "failed": 0}

    given_up = _notice(cast.liaison_a, 3, email=True)
    Notification.objects.filter(pk=given_up.pk).update(email_attempts=5)
    # A notice whose first try has not run is left to its commit for ten minutes, then retried.
    fresh = _notice(cast.liaison_a, 4, email=True)
    assert notification_email_retry() == {"sent": 0, "failed": 0}
    later = timezone.now() + dt.timedelta(minutes=11)
    assert notification_email_retry(now=later) == {"sent": 1, "failed": 0}
    assert Notification.objects.get(pk=fresh.pk).emailed
    assert [m.subject for m in mail.outbox] == ["通知1", "通知4"]


# --- the 通知 page -----------------------------------------------------------------------------


def test_the_page_lists_own_notices_unread_first_with_the_count_in_the_nav(cast, client_for):
    *_, third = (_notice(cast.liaison_a, n) for n in (1, 2, 3))
    _notice(cast.liaison_b, 9)
    Notification.objects.filter(pk=third.pk).update(read=True)
    client = client_for("liaison_a")
    response = client.get(LIST)
    assert response.status_code == 200
    assert [n.subject for n in response.context["page"].object_list] == ["通知2", "通知1", "通知3"]
    html = response.content.decode()
    assert '<span class="badge rounded-pill text-bg-warning align-self-center" data-testid="nav-badge-notifications">' \
           '2<span class="visually-hidden"> 未读</span></span>' in html
    assert '<span class="text-muted" data-testid="unread-count">2 条未读</span>' in html
    assert ">通知</a>" in html and "通知9" not in html
    unread = client.get(LIST, {"unread": "1"})
    assert [n.subject for n in unread.context["page"].object_list] == ["通知2", "通知1"]
    assert 'data-testid="nav-badge-notifications">1<' in client_for("liaison_b").get(reverse("core:home")).content.decode()
    assert "nav-badge-notifications" not in client_for("office").get(reverse("core:home")).content.decode()


def test_mark_one_read_and_open_the_item(cast, client_for):
    notice = _notice(cast.liaison_a, 1)
    client = client_for("liaison_a")
    response = client.post(reverse("core:notification_read", args=[notice.pk]), {"open": "1"})
    assert (response.status_code, response["Location"]) == (302, "/plans/?n=1")
    notice.refresh_from_db()
    assert notice.read and notice.read_at is not None
    other = _notice(cast.liaison_a, 2, url="https://evil.example/")
    response = client.post(reverse("core:notification_read", args=[other.pk]), {"open": "1"})
    assert response["Location"] == LIST


def test_mark_all_read(cast, client_for):
    for n in (1, 2):
        _notice(cast.liaison_a, n)
    mine_b = _notice(cast.liaison_b, 3)
    response = client_for("liaison_a").post(reverse("core:notification_read_all"), follow=True)
    assert "已将 2 条通知标为已读。" in response.content.decode()
    assert list(Notification.objects.filter(recipient=cast.liaison_a).values_list("read", flat=True)) == [True, True]
    assert Notification.objects.get(pk=mine_b.pk).read is False


@pytest.mark.parametrize("member", ["office", "leader", "liaison_b"])
def test_another_users_notice_is_not_found_and_unchanged(cast, client_for, member):
    notice = _notice(cast.liaison_a, 1)
    client = client_for(member)
    assert client.post(reverse("core:notification_read", args=[notice.pk]), {"open": "1"}).status_code == 404
    assert client.get(f"{API}{notice.pk}/").status_code == 404
    response = client.post(f"{API}{notice.pk}/mark-read/", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert client.post(f"{API}mark-all-read/", content_type="application/json").json() == {"marked": 0}
    notice.refresh_from_db()
    assert (notice.read, notice.read_at) == (False, None)


# --- the API -----------------------------------------------------------------------------------


def test_the_api_lists_own_notices_and_marks_them_read(cast, client_for):
    first, second = _notice(cast.liaison_a, 1), _notice(cast.liaison_a, 2)
    _notice(cast.liaison_b, 9)
    client = client_for("liaison_a")
    body = client.get(API).json()
    assert body["count"] == 2
    assert [n["subject"] for n in body["results"]] == ["通知2", "通知1"]
    assert body["results"][0] == {
        "id": second.pk, "kind": "test", "subject": "通知2", "body": "正文2", "url": "/plans/?n=2",
        "created_at": body["results"][0]["created_at"], "read": False, "read_at": None,
    }
    marked = client.post(f"{API}{first.pk}/mark-read/", content_type="application/json").json()
    assert (marked["id"], marked["read"]) == (first.pk, True) and marked["read_at"]
    assert [n["id"] for n in client.get(API, {"unread": "true"}).json()["results"]] == [second.pk]
    assert [n["id"] for n in client.get(API, {"unread": "false"}).json()["results"]] == [first.pk]
    assert client.post(f"{API}mark-all-read/", content_type="application/json").json() == {"marked": 1}
    assert client.get(API, {"unread": "true"}).json()["count"] == 0


def test_the_api_refuses_anonymous(client, cast):
    response = client.get(API)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
