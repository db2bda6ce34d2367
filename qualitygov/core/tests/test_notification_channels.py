"""Notices to DingTalk / WeCom group robots and by e-mail, against local receivers on 127.0.0.1.

The HTTP receiver and the SMTP responder run in threads of this process on a free port, answer
within a second and are shut down after each test; nothing leaves the machine.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import socketserver
import threading
import time
import urllib.parse

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from qualitygov.core import channels
from qualitygov.core.errors import ServiceError
from qualitygov.core.models import AuditEvent, Notification, NotificationDelivery, UnitRobot
from qualitygov.core.notifications import notification_preference_set, notification_send, unit_robot_save
from qualitygov.core.testing import WebhookReceiver

UNIT = 7
SECRET = "SEC0123456789abcdef"
TEXT = "通知1\n\n正文1\n\n/plans/?n=1"


class _SMTPResponder:
    """A tiny SMTP server: accepts every message and keeps its raw bytes in `messages`."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        responder = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 5

            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self):
                self.reply("220 localhost ESMTP test")
                while line := self.rfile.readline(1000):
                    verb = line.decode("ascii", "replace").strip().upper()
                    if verb.startswith(("EHLO", "HELO")):
                        self.reply("250 localhost")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        data = []
                        while (chunk := self.rfile.readline(100000)) not in (b".\r\n", b""):
                            data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        responder.messages.append(b"".join(data))
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:  # MAIL FROM, RCPT TO, RSET, NOOP
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


@pytest.fixture
def smtp(settings):
    server = _SMTPResponder()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "qualitygov@county.example"
    yield server
    server.close()


def _robots(receiver) -> tuple[UnitRobot, UnitRobot]:
    ding = UnitRobot.objects.create(unit_ref=UNIT, kind=UnitRobot.DINGTALK, secret=SECRET,
                                    webhook_url=f"{receiver.url}/robot/send?access_token=tok1")
    wecom = UnitRobot.objects.create(unit_ref=UNIT, kind=UnitRobot.WECOM,
                                     webhook_url=f"{receiver.url}/cgi-bin/webhook/send?key=key1")
    UnitRobot.objects.create(unit_ref=UNIT, kind=UnitRobot.WECOM, enabled=False,
                             webhook_url=f"{receiver.url}/disabled")
    UnitRobot.objects.create(unit_ref=UNIT + 1, kind=UnitRobot.WECOM, webhook_url=f"{receiver.url}/other-unit")
    return ding, wecom


def _send(user, n: int = 1, **kwargs) -> Notification | None:
    return notification_send(recipient=user, kind="test", subject=f"通知{n}", body=f"正文{n}", url=f"/plans/?n={n}",
                             dedup_key=f"test:{user.pk}:{n}", email=kwargs.pop("email", False), **kwargs)


def _with_email(user, address: str) -> None:
    get_user_model().objects.filter(pk=user.pk).update(email=address)
    user.email = address


# --- group robots --------------------------------------------------------------------------------


def test_the_units_robots_get_the_notice_after_commit_signed_for_dingtalk(cast, receiver,
                                                                        django_capture_on_commit_callbacks):
    ding, wecom = _robots(receiver)
    before_ms = int(time.time() * 1000)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notice = _send(cast.liaison_a, unit_ref=UNIT)
            assert receiver.posts == []
    after_ms = int(time.time() * 1000)
    assert [(path, body) for path, _, _, body in receiver.posts] == [
        ("/robot/send", {"msgtype": "text", "text": {"content": TEXT}}),
        ("/cgi-bin/webhook/send", {"msgtype": "text", "text": {"content": TEXT}}),
    ]
    (_, ding_query, ding_raw, _), (_, wecom_query, _, _) = receiver.posts
    assert sorted(ding_query) == ["access_token", "sign", "timestamp"]
    assert ding_query["access_token"] == ["tok1"]
    timestamp = int(ding_query["timestamp"][0])
    assert before_ms <= timestamp <= after_ms
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert ding_query["sign"] == [expected]
    assert f"sign={urllib.parse.quote_plus(expected)}" in ding_raw
    assert wecom_query == {"key": ["key1"]}
    assert list(notice.deliveries.order_by("robot_id").values_list("robot_id", "status", "attempts", "last_error")) \
        == [(ding.pk, "sent", 1, ""), (wecom.pk, "sent", 1, "")]
    assert notice.unit_ref == UNIT


def test_a_failed_post_is_recorded_and_the_retry_command_delivers_it(cast, receiver, capsys,
                                                                     django_capture_on_commit_callbacks):
    robot = UnitRobot.objects.create(unit_ref=UNIT, kind=UnitRobot.WECOM,
                                     webhook_url=f"{receiver.url}/cgi-bin/webhook/send?key=key1")
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        notice = _send(cast.liaison_a, unit_ref=UNIT)
    delivery = NotificationDelivery.objects.get(notification=notice, robot=robot)
    assert (delivery.status, delivery.attempts, delivery.last_error, delivery.sent_at) == (
        "pending", 1, "HTTPError: HTTP Error 500: Internal Server Error", None)
    assert len(receiver.posts) == 1

    call_command("notifications", "retry")
    assert capsys.readouterr().out == "E-mails sent: 0, failed again: 0.\nRobot posts sent: 1, failed again: 0.\n"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert delivery.sent_at is not None
    assert [body for *_, body in receiver.posts] == [{"msgtype": "text", "text": {"content": TEXT}}] * 2
    call_command("notifications", "retry")
    assert capsys.readouterr().out == "E-mails sent: 0, failed again: 0.\nRobot posts sent: 0, failed again: 0.\n"
    assert len(receiver.posts) == 2


def test_a_robot_error_code_counts_as_a_failure_and_the_retry_gives_up_after_the_last_try(
        cast, receiver, django_capture_on_commit_callbacks):
    robot = UnitRobot.objects.create(unit_ref=UNIT, kind=UnitRobot.DINGTALK, secret="",
                                     webhook_url=f"{receiver.url}/robot/send?access_token=tok1")
    receiver.statuses = [(200, {"errcode": 310000, "errmsg": "sign not match"})]
    with django_capture_on_commit_callbacks(execute=True):
        notice = _send(cast.liaison_a, unit_ref=UNIT)
    delivery = notice.deliveries.get()
    assert NotificationDelivery.objects.filter(pk=delivery.pk).values_list("status", "attempts", "last_error").get() \
        == ("pending", 1, "ChannelError: robot answered errcode 310000: sign not match")
    NotificationDelivery.objects.filter(pk=delivery.pk).update(attempts=5)
    call_command("notifications", "retry")
    assert len(receiver.posts) == 1
    NotificationDelivery.objects.filter(pk=delivery.pk).update(attempts=4)
    call_command("notifications", "retry")
    # Without a secret DingTalk's post is unsigned.
    assert [(path, query) for path, query, *_ in receiver.posts] == [("/robot/send", {"access_token": ["tok1"]})] * 2
    assert NotificationDelivery.objects.get(pk=delivery.pk).status == "sent"
    assert robot.deliveries.count() == 1


def test_only_http_urls_are_posted_to(receiver):
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "http:///no-host"):
        with pytest.raises(channels.ChannelError, match="refused webhook URL"):
            channels.robot_send(kind="wecom", url=url, secret="", text="x")
    with pytest.raises(channels.ChannelError, match="unknown channel 'sms'"):
        channels.robot_send(kind="sms", url=receiver.url, secret="", text="x")
    assert receiver.posts == []


def test_a_rollback_posts_and_mails_nothing(cast, receiver, smtp, django_capture_on_commit_callbacks):
    _robots(receiver)
    _with_email(cast.liaison_a, "a@county.example")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _send(cast.liaison_a, unit_ref=UNIT, email=True)
            raise RuntimeError("the business write fails")
    assert callbacks == []
    assert (receiver.posts, smtp.messages) == ([], [])
    assert (Notification.objects.count(), NotificationDelivery.objects.count()) == (0, 0)


def test_a_notice_without_a_unit_goes_to_no_robot(cast, receiver, django_capture_on_commit_callbacks):
    _robots(receiver)
    with django_capture_on_commit_callbacks(execute=True):
        notice = _send(cast.liaison_a)
    assert (receiver.posts, notice.deliveries.count(), notice.unit_ref) == ([], 0, None)


# --- e-mail through SMTP -------------------------------------------------------------------------


def test_the_mail_goes_through_the_smtp_server_after_commit(cast, smtp, django_capture_on_commit_callbacks):
    _with_email(cast.liaison_a, "a@county.example")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notice = _send(cast.liaison_a, email=True)
            assert smtp.messages == []
    assert len(smtp.messages) == 1
    message = email.message_from_bytes(smtp.messages[0], policy=email.policy.default)
    assert (message["Subject"], message["From"], message["To"]) == ("通知1", "qualitygov@county.example",
                                                                     "a@county.example")
    assert message.get_content() == "正文1\r\n\r\n/plans/?n=1\r\n"  # as it came over the wire
    notice.refresh_from_db()
    assert (notice.emailed, notice.email_pending, notice.email_attempts, notice.email_error) == (True, False, 1, "")


def test_a_user_who_switched_email_off_gets_the_in_app_notice_only(cast, smtp, django_capture_on_commit_callbacks):
    _with_email(cast.liaison_a, "a@county.example")
    notification_preference_set(user=cast.liaison_a, email=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = _send(cast.liaison_a, email=True)
    assert (callbacks, smtp.messages) == ([], [])
    assert (notice.email_pending, notice.emailed) == (False, False)
    notification_preference_set(user=cast.liaison_a, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        _send(cast.liaison_a, 2, email=True)
    assert len(smtp.messages) == 1


# --- adding a unit's robot -----------------------------------------------------------------------


def test_adding_and_changing_a_robot_is_audited_without_its_credentials(cast):
    robot = unit_robot_save(actor=cast.office, unit=cast.dept_a, kind="dingtalk", secret=SECRET,
                            webhook_url="https://oapi.dingtalk.com/robot/send?access_token=tok1")
    assert (robot.unit_ref, robot.kind, robot.secret, robot.enabled) == (cast.dept_a.pk, "dingtalk", SECRET, True)
    unit_robot_save(actor=cast.office, unit=cast.dept_a, kind="dingtalk", robot=robot, enabled=False,
                    webhook_url="https://oapi.dingtalk.com/robot/send?access_token=tok2")
    events = list(AuditEvent.objects.filter(object_type="core.unitrobot").order_by("seq")
                  .values_list("action", "unit_ref", "object_id", "changes"))
    assert events == [
        ("unit_robot.create", cast.dept_a.pk, str(robot.pk),
         {"kind": "dingtalk", "host": "oapi.dingtalk.com", "signed": True, "enabled": True}),
        ("unit_robot.update", cast.dept_a.pk, str(robot.pk),
         {"kind": "dingtalk", "host": "oapi.dingtalk.com", "signed": False, "enabled": False}),
    ]
    assert UnitRobot.objects.get(pk=robot.pk).webhook_url.endswith("tok2")


@pytest.mark.parametrize(("kind", "url", "field"), [
    ("wecom", "ftp://qyapi.weixin.qq.com/x", "webhook_url"),
    ("wecom", "javascript:alert(1)", "webhook_url"),
    ("sms", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "kind"),
])
def test_a_bad_robot_is_refused_and_nothing_changes(cast, kind, url, field):
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        unit_robot_save(actor=cast.office, unit=cast.dept_a, kind=kind, webhook_url=url)
    assert list(refused.value.fields) == [field]
    assert (UnitRobot.objects.count(), AuditEvent.objects.count()) == (0, before)
