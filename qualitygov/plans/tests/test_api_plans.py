"""`/api/v1/` for plans: plans, tasks and responsibilities — scoped like the web pages, filtered, paged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualitygov.plans.tests.factories import PLAN_TITLE, task_factory, workspace_plan

PLANS = "/api/v1/plans/"
TASKS = "/api/v1/tasks/"
RESPONSIBILITIES = "/api/v1/responsibilities/"
NOT_FOUND = {"code": "not_found", "message": "未找到。", "fields": {}}


@pytest.fixture
def plan(cast):
    return workspace_plan(cast)


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _numbers(response) -> list[str]:
    return [row["number"] for row in _rows(response)]


def test_plan_reads_with_counts_and_labels(client_for, cast, plan):
    response = client_for("liaison_a").get(PLANS)
    row = _rows(response)[0]
    assert response.json()["count"] == 1
    assert row == {
        "id": plan.pk, "title": PLAN_TITLE, "issuer": "舟山市普陀区质量强区工作领导小组",
        "doc_number": "普质强区发〔2023〕1号", "issued_on": "2023-12-15", "period_start": 2023, "period_end": 2027,
        "status": "active", "status_label": "现行有效", "revision": 1, "task_count": 4, "indicator_count": 2,
        "created_at": row["created_at"], "updated_at": row["updated_at"],
    }
    assert client_for("town_liaison").get(f"{PLANS}{plan.pk}/").json() == row
    assert _rows(client_for("office").get(PLANS, {"status": "archived"})) == []
    assert [p["id"] for p in _rows(client_for("office").get(PLANS, {"q": "〔2023〕1号"}))] == [plan.pk]


def test_task_reads_with_its_units_lead_first(client_for, cast, plan):
    task = plan.tasks.get(number="1")
    lead, co = task.responsibilities.get(unit=cast.dept_a), task.responsibilities.get(unit=cast.dept_b)
    body = client_for("liaison_a").get(f"{TASKS}{task.pk}/").json()
    assert body == {
        "id": task.pk, "plan": plan.pk, "plan_title": PLAN_TITLE, "group": task.group_id, "group_title": "增强发展动能",
        "number": "1", "title": "坚持质量发展创新驱动", "text": "大力实施数字经济“一号发展工程”。", "all_towns": False,
        "deadline": None, "deadline_text": "", "time_limit": "2027年底前", "order": 1,
        "responsibilities": [
            {"id": lead.pk, "unit": cast.dept_a.pk, "unit_name": "舟山市普陀区经济和信息化局", "role": "lead",
             "role_label": "牵头单位"},
            {"id": co.pk, "unit": cast.dept_b.pk, "unit_name": "舟山市普陀区住房和城乡建设局", "role": "co",
             "role_label": "配合单位"},
        ],
    }


@pytest.mark.parametrize(("member", "numbers"), [
    ("office", ["1", "2", "3", "4"]), ("leader", ["1", "2", "3", "4"]), ("liaison_a", ["1"]),
    ("liaison_b", ["1", "2"]), ("town_liaison", ["3", "4"]),
])
def test_each_member_lists_the_tasks_of_their_units(client_for, cast, plan, member, numbers):
    assert _numbers(client_for(member).get(TASKS)) == numbers


def test_another_units_task_is_not_found(client_for, cast, plan):
    task2 = plan.tasks.get(number="2")
    response = client_for("liaison_a").get(f"{TASKS}{task2.pk}/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client_for("liaison_b").get(f"{TASKS}{task2.pk}/").json()["number"] == "2"


def test_task_filters(client_for, cast, plan):
    client = client_for("office")
    assert _numbers(client.get(TASKS, {"plan": plan.pk})) == ["1", "2", "3", "4"]
    assert _numbers(client.get(TASKS, {"unit": cast.dept_b.pk})) == ["1", "2"]
    assert _numbers(client.get(TASKS, {"all_towns": "true"})) == ["3"]
    assert _numbers(client.get(TASKS, {"group": plan.task_groups.get(number="二").pk})) == ["3", "4"]
    assert _numbers(client.get(TASKS, {"q": "街道"})) == ["4"]
    assert _numbers(client.get(TASKS, {"plan": plan.pk + 1000})) == []


@pytest.mark.parametrize("value", ["abc", "1.5", "0", "-3", "99999999999999999999"])
def test_bad_id_filters_are_400_never_500(client_for, cast, plan, value):
    for url in (TASKS, RESPONSIBILITIES):
        response = client_for("office").get(url, {"unit": value})
        assert response.status_code == 400, (url, value)
        assert response.json()["code"] == "invalid"
        assert list(response.json()["fields"]) == ["unit"]


def test_bad_filter_body_is_exact(client_for, cast, plan):
    response = client_for("office").get(TASKS, {"unit": "99999999999999999999"})
    assert response.json() == {"code": "invalid", "message": "提交的数据无效。",
                               "fields": {"unit": ["确保该值小于或等于9223372036854775807。"]}}
    response = client_for("office").get(PLANS, {"status": "draft"})
    assert response.json() == {"code": "invalid", "message": "提交的数据无效。",
                               "fields": {"status": ["选择一个有效的选项。 draft 不在可用的选项中。"]}}


def test_huge_or_odd_ids_in_the_path_are_404(client_for, cast, plan):
    for url in (f"{TASKS}99999999999999999999/", f"{PLANS}abc/", f"{RESPONSIBILITIES}-1/"):
        response = client_for("office").get(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url


def test_responsibilities_scoped_and_filtered(client_for, cast, plan):
    task1, task2 = plan.tasks.get(number="1"), plan.tasks.get(number="2")
    rows = _rows(client_for("liaison_a").get(RESPONSIBILITIES))
    lead = task1.responsibilities.get(unit=cast.dept_a)
    assert rows[0] == {"id": lead.pk, "plan": plan.pk, "task": task1.pk, "task_number": "1",
                       "task_title": "坚持质量发展创新驱动", "unit": cast.dept_a.pk,
                       "unit_name": "舟山市普陀区经济和信息化局", "role": "lead", "role_label": "牵头单位",
                       "name_as_written": "区经信局", "order": 0}
    assert [(r["task_number"], r["role"]) for r in rows] == [("1", "lead"), ("1", "co")]
    only = task2.responsibilities.get()
    assert client_for("liaison_a").get(f"{RESPONSIBILITIES}{only.pk}/").json() == NOT_FOUND
    assert client_for("liaison_b").get(f"{RESPONSIBILITIES}{only.pk}/").json()["unit"] == cast.dept_b.pk
    office = client_for("office")
    assert [(r["task_number"], r["unit"]) for r in _rows(office.get(RESPONSIBILITIES, {"unit": cast.dept_b.pk}))] == [
        ("1", cast.dept_b.pk), ("2", cast.dept_b.pk)]
    assert [r["task_number"] for r in _rows(office.get(RESPONSIBILITIES, {"role": "co"}))] == ["1"]
    assert [r["unit"] for r in _rows(office.get(RESPONSIBILITIES, {"task": task2.pk}))] == [cast.dept_b.pk]


def test_pages(client_for, cast, plan):
    client = client_for("office")
    first = client.get(TASKS, {"page_size": 3}).json()
    assert (first["count"], [t["number"] for t in first["results"]], first["previous"]) == (4, ["1", "2", "3"], None)
    assert first["next"] == "http://testserver/api/v1/tasks/?page=2&page_size=3"
    second = client.get(first["next"]).json()
    assert [t["number"] for t in second["results"]] == ["4"]
    assert client.get(TASKS, {"page": 9}).json() == NOT_FOUND


def test_anonymous_is_401_and_writes_are_refused(client, client_for, cast, plan):
    assert client.get(TASKS).json()["code"] == "not_authenticated"
    response = client_for("office").post(TASKS, {}, content_type="application/json")
    assert response.status_code == 405
    assert plan.tasks.count() == 4


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("member", ["office", "liaison_b"])
def test_list_queries_do_not_grow_with_rows(client_for, cast, plan, member, django_assert_max_num_queries):
    client = client_for(member)
    few = {url: _count(client, url) for url in (PLANS, TASKS, RESPONSIBILITIES)}
    for _ in range(20):
        task_factory(plan=plan, lead=[cast.dept_b], co=[cast.dept_a, cast.town])
    assert {url: _count(client, url) for url in few} == few
    for url in few:
        with django_assert_max_num_queries(8):
            client.get(url)
