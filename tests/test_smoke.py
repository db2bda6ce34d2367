import pytest
from django.urls import reverse

from qualitygov.accounts.demo import load as load_demo
from qualitygov.accounts.models import OrgUnit, User
from qualitygov.core.audit import audit_verify


@pytest.mark.django_db
def test_demo_loader_is_idempotent():
    first = load_demo()
    second = load_demo()
    assert first == {"units": 35, "users": 8}
    assert second == {"units": 0, "users": 0}
    assert OrgUnit.objects.named("区资规分局").get() == OrgUnit.objects.get(name="舟山市自然资源和规划局普陀分局")
    assert User.objects.count() == 8
    assert audit_verify().ok


def test_home_shows_unit_and_scope(client_for, cast):
    response = client_for("liaison_a").get(reverse("core:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "舟山市普陀区经济和信息化局" in body
    assert "部门联络员" in body or "Department liaison" in body


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
