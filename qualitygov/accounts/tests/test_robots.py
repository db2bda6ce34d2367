"""A unit's group robots on its page and through `/api/v1/unit-robots/`: who may, masked secrets, audit,
the test message against a local receiver (`core.testing.WebhookReceiver`)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from qualitygov.core.models import AuditEvent, UnitRobot
from qualitygov.core.notifications import unit_robot_save
from qualitygov.core.testing import WebhookReceiver

SECRET = "SECf00dfeedc0ffee1234abcd"
TOKEN_URL = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef9876"


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.close()


@pytest.fixture
def robot(cast) -> UnitRobot:
    return unit_robot_save(actor=None, unit=cast.dept_a, kind="dingtalk", webhook_url=TOKEN_URL, secret=SECRET)


def _state() -> list[tuple]:
    return list(UnitRobot.objects.order_by("pk").values_list("unit_ref", "kind", "webhook_url", "secret", "enabled"))


@pytest.mark.parametrize("member", ["office", "liaison_a"])
def test_the_office_and_the_units_own_liaison_add_a_robot(cast, client_for, member):
    url = reverse("accounts:unit_robots", args=[cast.dept_a.pk])
    response = client_for(member).post(url, {"kind": "dingtalk", "webhook_url": TOKEN_URL, "secret": SECRET,
                                             "enabled": "on"})
    assert response.status_code == 302 and response["Location"] == url
    assert _state() == [(cast.dept_a.pk, "dingtalk", TOKEN_URL, SECRET, True)]
    event = AuditEvent.objects.get(action="unit_robot.create")
    assert (event.actor_id, event.unit_ref) == (cast.members[member].pk, cast.dept_a.pk)
    # The audit trail names the host only: the URL's token and the secret are credentials.
    assert event.changes == {"kind": "dingtalk", "host": "oapi.dingtalk.com", "signed": True, "enabled": True}
    page = client_for(member).get(url).content.decode()
    assert "https://oapi.dingtalk.com/…9876" in page and "SEC…abcd" in page
    assert "0123456789abcdef" not in page and SECRET not in page


@pytest.mark.parametrize("member", ["leader", "liaison_b", "town_liaison"])
def test_others_get_404_and_nothing_changes(cast, client_for, robot, member):
    before = _state()
    client = client_for(member)
    assert client.get(reverse("accounts:unit_robots", args=[cast.dept_a.pk])).status_code == 404
    assert client.post(reverse("accounts:unit_robots", args=[cast.dept_a.pk]),
                       {"kind": "wecom", "webhook_url": "https://qyapi.weixin.qq.com/x?key=1"}).status_code == 404
    assert client.post(reverse("accounts:robot_edit", args=[robot.pk]),
                       {"kind": "wecom", "webhook_url": "https://evil.example/x"}).status_code == 404
    assert client.post(reverse("accounts:robot_toggle", args=[robot.pk])).status_code == 404
    assert client.post(reverse("accounts:robot_test", args=[robot.pk])).status_code == 404
    assert _state() == before
    assert not AuditEvent.objects.filter(action__startswith="unit_robot.").exclude(actor=None).exists()


def test_editing_keeps_the_secret_unless_replaced_or_removed(cast, client_for, robot):
    client = client_for("liaison_a")
    edit = reverse("accounts:robot_edit", args=[robot.pk])
    page = client.get(edit).content.decode()
    assert "SEC…abcd" in page and SECRET not in page and 'name="secret"' in page and 'value="SEC' not in page
    client.post(edit, {"kind": "dingtalk", "webhook_url": "", "secret": "", "enabled": "on"})
    assert _state() == [(cast.dept_a.pk, "dingtalk", TOKEN_URL, SECRET, True)]
    client.post(edit, {"kind": "dingtalk", "webhook_url": "", "secret": "", "clear_secret": "on"})
    assert _state() == [(cast.dept_a.pk, "dingtalk", TOKEN_URL, "", False)]
    response = client.post(edit, {"kind": "dingtalk", "webhook_url": "ftp://x/y", "enabled": "on"})
    assert response.status_code == 200 and "http(s)" in response.content.decode()
    assert _state() == [(cast.dept_a.pk, "dingtalk", TOKEN_URL, "", False)]


def test_switch_off_and_on(cast, client_for, robot):
    toggle = reverse("accounts:robot_toggle", args=[robot.pk])
    client_for("office").post(toggle)
    assert UnitRobot.objects.get().enabled is False
    client_for("office").post(toggle)
    assert UnitRobot.objects.get().enabled is True
    assert AuditEvent.objects.filter(action="unit_robot.update").count() == 2


def test_a_test_message_reaches_the_local_receiver_signed(cast, client_for, receiver):
    robot = unit_robot_save(actor=None, unit=cast.dept_a, kind="dingtalk", secret=SECRET,
                            webhook_url=f"{receiver.url}/robot/send?access_token=T")
    response = client_for("liaison_a").post(reverse("accounts:robot_test", args=[robot.pk]), follow=True)
    assert "测试消息已发送" in response.content.decode()
    ((path, query, _raw, body),) = receiver.posts
    assert path == "/robot/send" and sorted(query) == ["access_token", "sign", "timestamp"]
    assert body["text"]["content"].startswith("【测试】")
    assert AuditEvent.objects.get(action="unit_robot.test").changes == {"delivered": True}
    # An error answer is reported, and recorded.
    receiver.statuses.append((200, {"errcode": 310000, "errmsg": "sign not match"}))
    response = client_for("liaison_a").post(reverse("accounts:robot_test", args=[robot.pk]), follow=True)
    assert "sign not match" in response.content.decode()
    assert AuditEvent.objects.filter(action="unit_robot.test").order_by("-pk")[0].changes["delivered"] is False


def test_the_unit_page_links_the_robots_for_those_who_may(cast, client_for):
    detail = reverse("accounts:unit_detail", args=[cast.dept_a.pk])
    link = f'href="{reverse("accounts:unit_robots", args=[cast.dept_a.pk])}"'
    assert link in client_for("liaison_a").get(detail).content.decode()
    assert link not in client_for("leader").get(detail).content.decode()


# --- API ------------------------------------------------------------------------------------------


def test_api_lists_masked_and_adds(cast, client_for, robot):
    other = unit_robot_save(actor=None, unit=cast.dept_b, kind="wecom", webhook_url="https://qyapi.weixin.qq.com/s?key=KEYB")
    answer = client_for("liaison_a").get("/api/v1/unit-robots/").json()
    assert [r["id"] for r in answer["results"]] == [robot.pk]
    assert answer["results"][0] | {"created_at": None} == {
        "id": robot.pk, "unit": cast.dept_a.pk, "kind": "dingtalk", "enabled": True,
        "masked_url": "https://oapi.dingtalk.com/…9876", "masked_secret": "SEC…abcd", "created_at": None}
    assert [r["id"] for r in client_for("office").get("/api/v1/unit-robots/").json()["results"]] == [robot.pk, other.pk]
    assert client_for("liaison_a").get(f"/api/v1/unit-robots/{other.pk}/").status_code == 404

    created = client_for("liaison_b").post("/api/v1/unit-robots/", json.dumps(
        {"unit": cast.dept_b.pk, "kind": "wecom", "webhook_url": "https://qyapi.weixin.qq.com/s?key=NEW1"}),
        content_type="application/json")
    assert created.status_code == 201 and created.json()["masked_url"] == "https://qyapi.weixin.qq.com/…NEW1"
    assert "webhook_url" not in created.json() and "secret" not in created.json()


def test_api_refuses_another_units_robot_and_changes_nothing(cast, client_for, robot):
    before = _state()
    client = client_for("liaison_b")
    add = client.post("/api/v1/unit-robots/", json.dumps(
        {"unit": cast.dept_a.pk, "kind": "wecom", "webhook_url": "https://evil.example/x"}),
        content_type="application/json")
    patch = client.patch(f"/api/v1/unit-robots/{robot.pk}/", json.dumps({"enabled": False}),
                         content_type="application/json")
    test = client.post(f"/api/v1/unit-robots/{robot.pk}/test/")
    assert (add.status_code, patch.status_code, test.status_code) == (404, 404, 404)
    assert _state() == before


def test_api_patch_keeps_the_secret(cast, client_for, robot):
    answer = client_for("office").patch(f"/api/v1/unit-robots/{robot.pk}/", json.dumps({"enabled": False}),
                                        content_type="application/json")
    assert answer.status_code == 200 and answer.json()["enabled"] is False
    assert _state() == [(cast.dept_a.pk, "dingtalk", TOKEN_URL, SECRET, False)]
