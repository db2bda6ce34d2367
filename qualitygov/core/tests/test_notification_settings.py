"""通知设置: a user's own e-mail switch and per-kind choice, on the page and through the API."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.urls import reverse

from qualitygov.core.models import AuditEvent, Notification, NotificationPreference
from qualitygov.core.notifications import notification_send
from qualitygov.core.registry import notice_kinds

URL = "/notifications/settings/"


def _send(user, kind: str, key: str) -> Notification:
    return notification_send(recipient=user, kind=kind, subject="请报送", dedup_key=key)


def test_every_kind_is_listed_in_chinese_and_on_by_default(cast, client_for):
    assert reverse("core:notification_settings") == URL
    page = client_for("liaison_a").get(URL).content.decode()
    kinds = [kind for kind, _label in notice_kinds()]
    assert {"indicator_due", "indicator_overdue", "indicator_returned", "progress.reminder", "progress.yellow",
            "progress.red", "progress.supervised", "progress.report_returned", "progress.part_returned",
            "progress.finding", "summaries.reminder", "summaries.overdue", "sampling_due", "sampling_overdue"} == set(kinds)
    for label in ("指标数据报送提醒", "红灯通知", "督查问题整改通知", "工作总结催报", "同时通过电子邮件发送我的通知"):
        assert label in page
    assert page.count(" checked>") == len(kinds) + 1
    # Reachable from the 通知 page and from the user menu of every page.
    assert f'href="{URL}" data-testid="notification-settings-link"' in client_for("liaison_a").get(
        "/notifications/").content.decode()
    assert f'<a class="dropdown-item" href="{URL}" data-testid="menu-notification-settings">' in page


def test_switching_one_kind_off_stops_its_email_only(cast, client_for):
    user = get_user_model().objects.get(pk=cast.liaison_a.pk)
    user.email = "a@example.org"
    user.save()
    keep = [kind for kind, _label in notice_kinds() if kind != "indicator_due"]
    response = client_for("liaison_a").post(URL, {"email": "on", "kinds": keep})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=user)
    assert (pref.email, pref.email_off_kinds) == (True, ["indicator_due"])
    event = AuditEvent.objects.get(action="notification_preference.set")
    assert (event.actor_id, event.changes) == (user.pk, {"email_off_kinds": [[], ["indicator_due"]]})
    assert _send(user, "indicator_due", "k1").email_pending is False
    assert _send(user, "progress.red", "k2").email_pending is True
    # The in-app notices are kept either way.
    assert Notification.objects.filter(recipient=user).count() == 2


def test_switching_email_off_stops_every_email(cast, client_for):
    user = get_user_model().objects.get(pk=cast.liaison_a.pk)
    user.email = "a@example.org"
    user.save()
    client_for("liaison_a").post(URL, {"kinds": [kind for kind, _label in notice_kinds()]})
    assert NotificationPreference.objects.get(user=user).email is False
    assert _send(user, "progress.red", "k3").email_pending is False
    # Saving the same settings again records nothing new.
    client_for("liaison_a").post(URL, {"kinds": [kind for kind, _label in notice_kinds()]})
    assert AuditEvent.objects.filter(action="notification_preference.set").count() == 1


def test_the_settings_are_ones_own(cast, client_for):
    client_for("liaison_a").post(URL, {"kinds": []})
    assert list(NotificationPreference.objects.values_list("user_id", flat=True)) == [cast.liaison_a.pk]
    assert client_for("liaison_b").get(URL).content.decode().count(" checked>") == len(notice_kinds()) + 1
    assert client_for("anonymous").get(URL).status_code == 302


def test_the_page_links_the_own_units_robots_for_a_liaison_only(cast, client_for):
    link = f'href="{reverse("accounts:unit_robots", args=[cast.dept_a.pk])}"'
    assert link in client_for("liaison_a").get(URL).content.decode()
    assert "own-unit-robots-link" not in client_for("leader").get(URL).content.decode()


def test_api_reads_and_changes_the_callers_settings(cast, client_for):
    client = client_for("liaison_a")
    answer = client.get("/api/v1/notification-settings/").json()
    assert (answer["email"], answer["email_off_kinds"]) == (True, [])
    assert {"kind": "progress.red", "label": "红灯通知"} in answer["kinds"]
    changed = client.put("/api/v1/notification-settings/", json.dumps(
        {"email": True, "email_off_kinds": ["progress.reminder", "no.such.kind"]}), content_type="application/json")
    assert changed.status_code == 200
    assert (changed.json()["email"], changed.json()["email_off_kinds"]) == (True, ["progress.reminder"])
    pref = NotificationPreference.objects.get()
    assert (pref.user_id, pref.email_off_kinds) == (cast.liaison_a.pk, ["progress.reminder"])
    bad = client.put("/api/v1/notification-settings/", json.dumps({"email_off_kinds": []}),
                     content_type="application/json")
    assert bad.status_code == 400 and bad.json()["fields"].keys() == {"email"}
    assert NotificationPreference.objects.get().email_off_kinds == ["progress.reminder"]
