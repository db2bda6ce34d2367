"""Escalation notices reach the unit's group robots once per unit and level, however many liaisons the
unit has; the office's 督办 notice is not a unit's and goes to no robot. Local receiver on 127.0.0.1."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create
from qualitygov.core.models import Notification, NotificationDelivery
from qualitygov.core.notifications import unit_robot_save
from qualitygov.core.testing import WebhookReceiver
from qualitygov.progress.escalation import escalation_run

from .factories import make_setup


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


def test_one_post_per_unit_and_level(cast, receiver, django_capture_on_commit_callbacks):
    make_setup(cast, co=[cast.dept_b])
    user_create(actor=None, username="liaison_a2", password="Cast-password-2026", display_name="liaison_a2",
                unit=cast.dept_a, grants=[(Role.DEPARTMENT_LIAISON, cast.dept_a, False)])
    unit_robot_save(actor=None, unit=cast.dept_a, kind="wecom", webhook_url=f"{receiver.url}/a?key=A")
    unit_robot_save(actor=None, unit=cast.dept_b, kind="dingtalk", webhook_url=f"{receiver.url}/b?access_token=B",
                    secret="SECbbbbbbbbbbbbbbbbbbbb")
    for day in (23, 26, 26, 27):  # reminder; yellow (1 day overdue); the same day again; nothing new
        with django_capture_on_commit_callbacks(execute=True):
            escalation_run(today=dt.date(2026, 5, day))
    # 区经信局 has two liaisons: four notices (2 levels × 2 users), two robot posts.
    assert Notification.objects.filter(recipient__unit=cast.dept_a).count() == 4
    posts = sorted((path, body["text"]["content"].split("\n")[0]) for path, _q, _raw, body in receiver.posts)
    assert [path for path, _subject in posts] == ["/a", "/a", "/b", "/b"]
    assert len(set(posts)) == 4  # each post is a different level
    assert NotificationDelivery.objects.filter(status="sent").count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        escalation_run(today=dt.date(2026, 6, 1))  # red for both units, and 督办 to the office
    assert sorted(path for path, *_rest in receiver.posts) == ["/a", "/a", "/a", "/b", "/b", "/b"]
    assert all("sign" in query for path, query, *_rest in receiver.posts if path == "/b")
