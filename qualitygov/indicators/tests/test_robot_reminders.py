"""A reminder run reaches the unit's group robots once per unit, signed for DingTalk; a rerun posts nothing.

The robots are a local HTTP receiver on 127.0.0.1 (`core.testing.WebhookReceiver`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create
from qualitygov.core.models import Notification, NotificationDelivery
from qualitygov.core.notifications import unit_robot_save
from qualitygov.core.testing import WebhookReceiver
from qualitygov.indicators.jobs import reminders_send

from .test_jobs import setup

SECRET = "SECa1b2c3d4e5f6a7b8c9d0"


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


def test_a_reminder_run_posts_once_per_unit_robot_and_a_rerun_posts_nothing(
        cast, receiver, django_capture_on_commit_callbacks):
    setup(cast, submitted_until="2024-Q2")
    user_create(actor=None, username="liaison_a2", password="Cast-password-2026", display_name="经信局联络员乙",
                unit=cast.dept_a, grants=[(Role.DEPARTMENT_LIAISON, cast.dept_a, False)])
    ding = unit_robot_save(actor=cast.office, unit=cast.dept_a, kind="dingtalk", secret=SECRET,
                           webhook_url=f"{receiver.url}/robot/send?access_token=TOKEN1")
    wecom = unit_robot_save(actor=cast.office, unit=cast.dept_a, kind="wecom",
                            webhook_url=f"{receiver.url}/cgi-bin/webhook/send?key=KEY1")
    unit_robot_save(actor=cast.office, unit=cast.dept_b, kind="wecom",
                    webhook_url=f"{receiver.url}/other-unit?key=KEY2")

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(as_of=dt.date(2024, 10, 18)) == {"reminders": 2, "overdue": 0, "already_sent": 0}

    # Two liaisons of 区经信局 are notified; each of its robots gets ONE post; 区住建局's robot none.
    assert Notification.objects.filter(kind="indicator_due").count() == 2
    assert sorted(post[0] for post in receiver.posts) == ["/cgi-bin/webhook/send", "/robot/send"]
    content = {"msgtype": "text", "text": {"content": "2024-10-21 到期：Q1 Q1 抽检合格率，2024-Q3\n\n"
                                                      "区经信局：Q1 Q1 抽检合格率 2024-Q3的数值应于 2024-10-21 前报送"
                                                      "（最迟 2024-10-28）。"}}
    (ding_post,) = [post for post in receiver.posts if post[0] == "/robot/send"]
    (wecom_post,) = [post for post in receiver.posts if post[0] == "/cgi-bin/webhook/send"]
    assert (ding_post[3], wecom_post[3]) == (content, content)
    # DingTalk: signed with the unit's secret over the timestamp it sent; WeCom: the key in the URL, unsigned.
    query = ding_post[1]
    timestamp = int(query["timestamp"][0])
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert query == {"access_token": ["TOKEN1"], "timestamp": [str(timestamp)],
                     "sign": [base64.b64encode(digest).decode()]}
    assert wecom_post[1] == {"key": ["KEY1"]}
    deliveries = NotificationDelivery.objects.order_by("robot_id")
    assert [(d.robot_id, d.status, d.attempts) for d in deliveries] == [(ding.pk, "sent", 1), (wecom.pk, "sent", 1)]

    # The same day again and the next days: no notice, no post.
    for day in (12, 13, 14):
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_send(as_of=dt.date(2024, 10, day))["reminders"] == 0
    assert len(receiver.posts) == 2
    assert NotificationDelivery.objects.count() == 2
