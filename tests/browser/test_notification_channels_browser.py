"""A liaison switches one kind of e-mail off on 通知设置, then adds the unit's DingTalk robot, sends it a
test message (to a local receiver) and sees only the masked address and secret."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from qualitygov.core.models import NotificationPreference, UnitRobot
from qualitygov.core.testing import WebhookReceiver

SECRET = "SEC0123456789abcdefWXYZ"


def test_settings_and_the_units_robot(new_page, sign_in, cast):
    receiver = WebhookReceiver()
    try:
        page = new_page()
        sign_in(page, "liaison_a")
        page.get_by_test_id("current-user").click()  # the user's menu
        page.get_by_test_id("menu-notification-settings").click()
        page.get_by_label("红灯通知").uncheck()
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("alert").first).to_contain_text("通知设置已保存")
        assert NotificationPreference.objects.get(user=cast.liaison_a).email_off_kinds == ["progress.red"]

        page.get_by_test_id("own-unit-robots-link").click()
        expect(page.get_by_test_id("no-robots")).to_be_visible()
        page.select_option("#id_kind", "dingtalk")
        page.fill("#id_webhook_url", f"{receiver.url}/robot/send?access_token=TOKEN0123456789")
        page.fill("#id_secret", SECRET)
        page.get_by_role("button", name="添加").click()
        table = page.get_by_test_id("robots")
        expect(table).to_contain_text("钉钉群机器人")
        expect(table).to_contain_text("…6789")
        expect(table).to_contain_text("SEC…WXYZ")
        assert SECRET not in page.content() and "TOKEN0123456789" not in page.content()

        page.get_by_test_id("robot-test").click()
        expect(page.get_by_role("alert").first).to_contain_text("测试消息已发送")
        ((path, query, _raw, body),) = receiver.posts
        assert (path, sorted(query)) == ("/robot/send", ["access_token", "sign", "timestamp"])
        assert body["text"]["content"].startswith("【测试】")
        assert UnitRobot.objects.get().unit_ref == cast.dept_a.pk
        assert page.url.endswith(reverse("accounts:unit_robots", args=[cast.dept_a.pk]))
    finally:
        receiver.close()
