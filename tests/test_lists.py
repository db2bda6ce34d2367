"""Every list pages, sorts, filters and exports the same way (qualitygov.core.lists), within the
user's scope; the global search finds across apps, within the user's scope."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.plans.tests.factories import task_factory
from qualitygov.progress.models import WorkItem
from qualitygov.progress.services import finding_create
from qualitygov.progress.tests.factories import make_item, make_plan, make_task

WORK_ITEMS = "progress:work_item_list"


def _rows(response, testid: str) -> list[str]:
    """Per row marked `testid`: the text of its first link that is not a bare number (the title)."""
    html = response.content.decode()
    out = []
    for row in re.findall(rf'<tr data-testid="{testid}">(.*?)</tr>', html, flags=re.S):
        links = [text for text in re.findall(r"<a [^>]*>([^<]+)</a>", row) if not text.strip().isdigit()]
        out.append(links[0].strip())
    return out


def _pager(response) -> str:
    return re.search(r'data-testid="pager-text">([^<]+)<', response.content.decode()).group(1)


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.fixture
def items(cast):
    """63 work items on one task: 60 led by 区经信局 (事项00–事项59, deadlines one day apart, 区住建局
    co-operating), and 3 led by 沈家门街道 alone (街道事项0–2), which 区经信局's liaison never sees."""
    task = make_task(cast)
    start = dt.date(2026, 1, 1)
    for i in range(60):
        make_item(cast, task, title=f"事项{i:02d}", co=[cast.dept_b], deadline=start + dt.timedelta(days=100 + i))
    for i in range(3):
        make_item(cast, task, title=f"街道事项{i}", lead=cast.town, co=[], deadline=dt.date(2026, 12, 1))
    return task


# --- paging -------------------------------------------------------------------------------------


def test_work_items_page_fifty_at_a_time(client_for, items):
    office = client_for("office")
    first = office.get(reverse(WORK_ITEMS))
    assert _pager(first) == "第 1/2 页 共 63 条"
    assert _rows(first, "work-item-row") == [f"事项{i:02d}" for i in range(50)]
    second = office.get(reverse(WORK_ITEMS), {"page": 2})
    assert _pager(second) == "第 2/2 页 共 63 条"
    assert _rows(second, "work-item-row") == [f"事项{i:02d}" for i in range(50, 60)] + [
        "街道事项0", "街道事项1", "街道事项2"]
    twenty = office.get(reverse(WORK_ITEMS), {"per_page": 20, "page": 4})
    assert _pager(twenty) == "第 4/4 页 共 63 条"
    assert len(_rows(twenty, "work-item-row")) == 3


def test_pager_links_keep_the_filters_and_the_sort(client_for, items):
    html = client_for("office").get(reverse(WORK_ITEMS), {"q": "事项", "sort": "-deadline"}).content.decode()
    assert 'href="?q=%E4%BA%8B%E9%A1%B9&amp;sort=-deadline&amp;page=2"' in html


@pytest.mark.parametrize("query", [
    {"page": "abc"}, {"page": "0"}, {"page": "-1"}, {"page": "999"}, {"page": "99999999999999999999999"},
    {"sort": "password"}, {"sort": "--title"}, {"sort": "co_units"}, {"per_page": "7"}, {"per_page": "x"},
    {"unit": "abc"}, {"status": "nonsense"}, {"plan": "99999999999999999999"},
])
def test_bad_page_sort_or_filter_values_give_the_first_page(client_for, items, query):
    response = client_for("office").get(reverse(WORK_ITEMS), query)
    assert response.status_code == 200
    assert _pager(response) == "第 1/2 页 共 63 条"
    assert _rows(response, "work-item-row")[:3] == ["事项00", "事项01", "事项02"]


# --- sorting ------------------------------------------------------------------------------------


def test_work_items_sort_by_column_both_ways(client_for, items):
    office = client_for("office")
    by_deadline = _rows(office.get(reverse(WORK_ITEMS), {"sort": "-deadline"}), "work-item-row")
    assert by_deadline[:5] == ["街道事项2", "街道事项1", "街道事项0", "事项59", "事项58"]  # ties: newest first
    by_title = _rows(office.get(reverse(WORK_ITEMS), {"sort": "title", "per_page": 100}), "work-item-row")
    assert by_title == sorted(by_title) and len(by_title) == 63
    lead = _rows(office.get(reverse(WORK_ITEMS), {"sort": "-lead"}), "work-item-row")
    assert lead[:3] == ["街道事项2", "街道事项1", "街道事项0"]  # same lead unit: pk breaks the tie, descending too


def test_sortable_headers_link_to_the_other_direction_and_mark_the_current_one(client_for, items):
    html = client_for("office").get(reverse(WORK_ITEMS), {"sort": "deadline", "q": "事项"}).content.decode()
    assert '<th scope="col" aria-sort="ascending"><a class="link-dark text-decoration-none text-nowrap" ' \
           'href="?q=%E4%BA%8B%E9%A1%B9&amp;sort=-deadline" data-testid="sort-link">完成时限 ' \
           '<span aria-hidden="true">▲</span></a></th>' in html
    assert 'href="?q=%E4%BA%8B%E9%A1%B9&amp;sort=title"' in html


# --- filters ------------------------------------------------------------------------------------


def test_work_items_filter(client_for, cast, items):
    office = client_for("office")
    assert _rows(office.get(reverse(WORK_ITEMS), {"q": "事项05"}), "work-item-row") == ["事项05"]
    assert _rows(office.get(reverse(WORK_ITEMS), {"unit": cast.town.pk}), "work-item-row") == [
        "街道事项0", "街道事项1", "街道事项2"]
    assert _pager(office.get(reverse(WORK_ITEMS), {"unit": cast.dept_b.pk})) == "第 1/2 页 共 60 条"


def test_a_liaison_sees_only_the_units_work_items(client_for, items):
    liaison = client_for("liaison_a")
    assert _pager(liaison.get(reverse(WORK_ITEMS))) == "第 1/2 页 共 60 条"
    assert _rows(liaison.get(reverse(WORK_ITEMS), {"q": "街道"}), "work-item-row") == []


# --- export -------------------------------------------------------------------------------------


def test_work_items_export_the_filtered_sorted_rows_of_every_page(client_for, cast, items):
    rows = _sheet(client_for("office").get(reverse(WORK_ITEMS), {"format": "xlsx", "q": "事项1", "unit": cast.dept_a.pk,
                                                                 "sort": "-deadline"}))
    assert rows[0] == ("任务", "工作事项", "牵头单位", "配合单位", "开始日期", "完成时限", "状态", "进度(%)", "红黄绿灯")
    assert [row[1] for row in rows[1:]] == [f"事项{i}" for i in range(19, 9, -1)]
    assert rows[1][2:4] == ("区经信局", "区住建局")
    everything = _sheet(client_for("office").get(reverse(WORK_ITEMS), {"format": "xlsx", "page": 2}))
    assert len(everything) == 1 + 63


def test_a_liaisons_export_never_holds_another_units_rows(client_for, items):
    rows = _sheet(client_for("liaison_a").get(reverse(WORK_ITEMS), {"format": "xlsx"}))
    assert len(rows) == 1 + 60
    assert not [row for row in rows[1:] if "街道" in row[1] or row[2] != "区经信局"]
    older = _sheet(client_for("liaison_a").get(reverse("progress:work_item_list_xlsx"), {"unit": ""}))
    assert older == rows


def test_an_export_above_the_cap_is_refused_with_a_message(client_for, cast, items, settings):
    settings.QUALITYGOV_LIST_EXPORT_MAX_ROWS = 10
    office = client_for("office")
    response = office.get(reverse(WORK_ITEMS), {"format": "xlsx", "q": "事项"})
    assert response.status_code == 302
    assert response["Location"] == reverse(WORK_ITEMS) + "?q=%E4%BA%8B%E9%A1%B9"
    page = office.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "列表共 63 条，超过一次导出的上限 10 条。请先用筛选条件缩小范围，再导出。"]
    ten = _sheet(office.get(reverse(WORK_ITEMS), {"format": "xlsx", "q": "事项0", "unit": cast.dept_a.pk}))
    assert [row[1] for row in ten[1:]] == [f"事项0{i}" for i in range(10)]


# --- the rectification ledger -----------------------------------------------------------------


@pytest.fixture
def ledger(cast):
    """25 findings for 区经信局 (问题00–问题24, found a day apart) and 2 for 沈家门街道."""
    start = dt.date(2026, 3, 1)
    for i in range(25):
        finding_create(actor=cast.office, source="inspection", title=f"问题{i:02d}", unit=cast.dept_a,
                       found_on=start + dt.timedelta(days=i), deadline=dt.date(2027, 1, 31))
    for i in range(2):
        finding_create(actor=cast.office, source="public_tip", title=f"街道问题{i}", unit=cast.town,
                       found_on=dt.date(2026, 1, 1), deadline=dt.date(2027, 1, 31))


def test_the_ledger_pages_sorts_filters_and_exports(client_for, cast, ledger):
    office, url = client_for("office"), reverse("progress:finding_list")
    first = office.get(url, {"per_page": 20})
    assert _pager(first) == "第 1/2 页 共 27 条"
    assert _rows(first, "finding-row")[:2] == ["问题24", "问题23"]  # newest found first
    assert _rows(office.get(url, {"per_page": 20, "page": 2}), "finding-row") == [
        "问题04", "问题03", "问题02", "问题01", "问题00", "街道问题1", "街道问题0"]  # same day: newer first
    assert _rows(office.get(url, {"sort": "title"}), "finding-row")[:3] == ["街道问题0", "街道问题1", "问题00"]
    assert _rows(office.get(url, {"source": "public_tip"}), "finding-row") == ["街道问题1", "街道问题0"]
    rows = _sheet(office.get(url, {"format": "xlsx", "unit": cast.town.pk, "sort": "title"}))
    assert [row[1] for row in rows[1:]] == ["街道问题0", "街道问题1"]
    liaison_rows = _sheet(client_for("liaison_a").get(url, {"format": "xlsx"}))
    assert len(liaison_rows) == 1 + 25 and {row[3] for row in liaison_rows[1:]} == {"区经信局"}


# --- tasks and plans ----------------------------------------------------------------------------


@pytest.fixture
def tasks(cast):
    """24 tasks led by 区经信局 and one led by 区住建局, numbered 1–25."""
    plan, group = make_plan()
    for i in range(1, 25):
        task_factory(plan=plan, group=group, title=f"重点任务{i:02d}", lead=[cast.dept_a])
    task_factory(plan=plan, group=group, title="住建任务", lead=[cast.dept_b])
    return plan


def test_the_task_list_pages_sorts_filters_and_exports(client_for, cast, tasks):
    office, url = client_for("office"), reverse("plans:task_list")
    first = office.get(url, {"per_page": 20})
    assert _pager(first) == "第 1/2 页 共 25 条"
    assert _rows(first, "task-row") == [f"重点任务{i:02d}" for i in range(1, 21)]
    assert _rows(office.get(url, {"per_page": 20, "page": 2}), "task-row") == [
        "重点任务21", "重点任务22", "重点任务23", "重点任务24", "住建任务"]
    assert _rows(office.get(url, {"sort": "-number"}), "task-row")[:2] == ["住建任务", "重点任务24"]
    assert _rows(office.get(url, {"unit": cast.dept_b.pk}), "task-row") == ["住建任务"]
    assert _rows(office.get(url, {"unit": cast.dept_b.pk, "role": "co"}), "task-row") == []
    rows = _sheet(office.get(url, {"format": "xlsx", "q": "重点任务0"}))
    assert rows[0] == ("方案", "序号", "任务名称", "牵头单位", "配合单位", "完成时限")
    assert [row[2] for row in rows[1:]] == [f"重点任务0{i}" for i in range(1, 10)]
    liaison = _sheet(client_for("liaison_b").get(url, {"format": "xlsx"}))
    assert [row[2] for row in liaison[1:]] == ["住建任务"]


def test_the_plan_list_filters_and_exports_what_it_shows(client_for, tasks):
    office, url = client_for("office"), reverse("plans:list")
    assert _pager(office.get(url)) == "第 1/1 页 共 1 条"
    assert 'data-testid="empty">没有符合筛选条件的方案。</p>' in office.get(url, {"q": "没有这个方案"}).content.decode()
    assert len(_sheet(office.get(url, {"format": "xlsx"}))) == 2
    assert len(_sheet(office.get(url, {"format": "xlsx", "q": "没有这个方案"}))) == 1


# --- the global search --------------------------------------------------------------------------


def test_search_finds_a_task_by_a_word_of_its_title(client_for, cast, tasks):
    html = client_for("liaison_a").get(reverse("core:search"), {"q": "重点任务07"}).content.decode()
    assert re.findall(r'data-testid="search-hit"><a href="([^"]+)">([^<]+)</a>', html) == [
        (reverse("plans:task_detail", args=[tasks.tasks.get(title="重点任务07").pk]), "7. 重点任务07")]


def test_search_never_shows_another_units_work_item_to_a_liaison(client_for, cast, items):
    office = client_for("office").get(reverse("core:search"), {"q": "街道事项"}).content.decode()
    liaison = client_for("liaison_a").get(reverse("core:search"), {"q": "街道事项"}).content.decode()
    assert office.count('data-testid="search-hit"') == 3
    town_item = WorkItem.objects.get(title="街道事项0")
    assert reverse("progress:work_item_detail", args=[town_item.pk]) in office
    assert 'data-testid="search-hit"' not in liaison
    assert reverse("progress:work_item_detail", args=[town_item.pk]) not in liaison


def test_search_groups_come_from_their_apps_with_chinese_labels(client_for, cast, items, ledger):
    html = client_for("office").get(reverse("core:search"), {"q": "区经信局"}).content.decode()
    assert re.findall(r'<h2 class="h5">([^<]+) <span class="badge text-bg-secondary">(\d+)</span>', html) == [
        ("单位", "1")]
    groups = client_for("office").get(reverse("core:search"), {"q": "事项0"}).content.decode()
    assert re.findall(r'<h2 class="h5">([^<]+) <span', groups) == ["工作事项"]
    assert groups.count('data-testid="search-hit"') == 10  # ten of the group's 10 hits, then a link to the list


def test_search_by_pinyin_initials(client_for, cast, ledger):
    html = client_for("office").get(reverse("core:search"), {"q": "jdwt"}).content.decode()  # 街道问题
    assert re.findall(r'data-testid="search-hit"><a href="[^"]+">([^<]+)</a>', html) == ["街道问题1", "街道问题0"]


def test_an_empty_or_long_query_is_harmless(client_for, cast):
    office = client_for("office")
    assert office.get(reverse("core:search")).status_code == 200
    assert office.get(reverse("core:search"), {"q": "x" * 5000}).status_code == 200
