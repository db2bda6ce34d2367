"""The shell is filled by the apps: navigation, home cards and demo loaders come from the registry."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from qualitygov.core import registry


def _nav(html: str) -> list[tuple[str, bool]]:
    return [(label.strip(), "active" in cls) for cls, label in
            re.findall(r'<a class="nav-link([^"]*)" href="[^"]*"[^>]*>([^<]*)</a>', html)]


def test_every_installed_app_registers_its_entries():
    assert [e.key for e in registry.nav_entries()] == [
        "home", "plans", "indicators", "inbox", "board", "findings", "workplans", "leadership", "summaries",
        "upperreports", "assessments", "upperassessment", "regdash", "feeds", "registry", "sampling", "org", "users",
        "registers", "onestop", "calendar", "audit", "portal", "jobs", "notifications", "api"]
    assert [d.key for d in registry.demo_loaders()] == ["accounts", "registry", "plans", "indicators", "progress",
                                                        "leadership", "summaries", "workplans", "assessments",
                                                        "upperassessment", "upperreports", "feeds", "registers",
                                                        "sampling", "onestop", "indicators.computed", "portal"]
    assert [c.key for c in registry.home_cards()] == ["my-roles", "indicators", "progress", "regdash"]
    assert [link.key for link in registry.page_links("plans:list")] == ["plan-import"]
    assert [link.key for link in registry.page_links("plans:task_detail")] == ["task-progress"]


@pytest.mark.django_db
def test_higher_apps_put_their_buttons_on_lower_pages_for_the_users_allowed(client_for, cast):
    """plans names neither planimport nor progress: their buttons come from the registry."""
    from django.urls import reverse as url

    office = client_for("office").get(url("plans:list")).content.decode()
    liaison = client_for("liaison_a").get(url("plans:list")).content.decode()
    button = f'<a class="btn btn-sm btn-primary" href="{url("planimport:import_upload")}" data-testid="plan-import">导入方案</a>'
    assert button in office
    assert url("planimport:import_upload") not in liaison


def test_an_unknown_hook_is_refused():
    with pytest.raises(ValueError):
        registry.register_hook("no_such_hook", "os.getcwd")


@pytest.mark.django_db
def test_one_entry_is_lit_on_a_nested_page(client_for):
    office = client_for("office")
    board = _nav(office.get(reverse("progress:board")).content.decode())
    assert [label for label, active in board if active] == ["推进看板"]
    inbox = _nav(office.get(reverse("progress:inbox")).content.decode())
    assert [label for label, active in inbox if active] == ["待办"]
    items = _nav(office.get(reverse("progress:work_item_list")).content.decode())
    assert [label for label, active in items if active] == ["推进看板"]
    home = _nav(office.get(reverse("core:home")).content.decode())
    assert [label for label, active in home if active] == ["首页"]


@pytest.mark.django_db
def test_the_home_page_shows_the_registered_cards_within_their_budget(client_for, django_assert_max_num_queries):
    liaison = client_for("liaison_a")
    with django_assert_max_num_queries(12):
        html = liaison.get(reverse("core:home")).content.decode()
    assert '<p data-testid="home-unit">舟山市普陀区经济和信息化局</p>' in html
    assert "部门联络员 · 舟山市普陀区经济和信息化局" in html


@pytest.mark.django_db
@pytest.mark.parametrize("member", ["office", "leader", "liaison_a", "town_liaison"])
def test_each_home_card_keeps_its_query_budget(cast, member, django_assert_max_num_queries):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = cast.members[member]
    for card in registry.home_cards():
        with django_assert_max_num_queries(card.query_budget):
            card.build(request)
