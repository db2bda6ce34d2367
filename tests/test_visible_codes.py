"""No raw code in what a person sees: every page of the permission-matrix walk, as every member allowed to
open it, and every .xlsx those pages link to.

Each GET page of `config.urls` (the routes and samples of tests/test_permission_matrix.py) is rendered
in Chinese, the default language, as each cast member the page's rule lets in. Its visible text (see
tests/visible_text.py) must hold no snake_case name (`overdue_long`) and no dotted name
(`accounts.user`, `indicator.status_change`): every code a person sees has a Chinese label. An .xlsx
the route answers with, and every .xlsx export a page links to, is checked over its cell text.

The allowlist is small and fixed: e-mail addresses, URLs and file names (`visible_text.codes_in`),
the cast's user names (names people sign in with, e.g. `liaison_a`, shown as the person), and text
marked `translate="no"` or in `<code>` (shown verbatim on purpose: a command, stored JSON).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from qualitygov.accounts.testing import Cast, build_cast

from .test_permission_matrix import MEMBERS, ROUTES, _route_id, client_as, may_use, owner_of, prepare
from .visible_text import codes_in, page_texts, workbook_texts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LINK = re.compile(r'href="([^"]+?(?:\.xlsx|/export/?|/export\.xlsx)(?:\?[^"]*)?)"')
#: A list's own export (core.lists): the page itself with ?format=xlsx, linked relative to the page.
LIST_EXPORT_LINK = re.compile(r'href="(\?[^"]*\bformat=xlsx[^"]*)"')
PAGE_ROUTES = [route for route in ROUTES if not route.is_api and route.accepts("get")]


@pytest.fixture
def cast(db) -> Cast:
    return build_cast(scoped_office=True)


def _usernames(cast: Cast) -> set[str]:
    return {user.username for user in cast.members.values() if user is not None}


def _body(response) -> bytes:
    # A stored file (a background job's workbook) comes as a FileResponse, which streams.
    return b"".join(response.streaming_content) if response.streaming else response.content


def _codes_of(response, allowed: set[str]) -> list[str]:
    content_type = response.get("Content-Type", "")
    if content_type.startswith(XLSX):
        return [code for text in workbook_texts(_body(response)) for code in codes_in(text, allowed)]
    if content_type.startswith("text/html"):
        html = response.content.decode()
        return [code for text in page_texts(html) for code in codes_in(text, allowed)]
    return []


def _export_links(response, url: str = "") -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    html = response.content.decode()
    links = {link for link in EXPORT_LINK.findall(html) if link.startswith("/")}
    if url:
        links |= {url.split("?")[0] + link for link in LIST_EXPORT_LINK.findall(html)}
    return sorted(link.replace("&amp;", "&") for link in links)


def test_the_check_finds_codes_and_spares_names_and_files():
    html = ('<html><head><title>督办 · overdue_long</title><script>var a_b = 1;</script></head><body>'
            '<p>规则：far_behind；对象 accounts.user #1；字段 as_of</p><code>qualitygov audit_verify</code>'
            '<pre translate="no">{"return_reason": ""}</pre><a href="/x_y/" title="a_b">导出 计划.xlsx</a>'
            '<p>联系 office_admin@example.gov.cn，见 https://example.com/a_b；用户 liaison_a</p></body></html>')
    found = [code for text in page_texts(html) for code in codes_in(text, {"liaison_a"})]
    assert found == ["far_behind", "accounts.user", "as_of", "overdue_long"]


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=_route_id)
def test_no_raw_code_on_the_page_or_its_exports(route, cast, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    case = prepare(route, cast)
    owner_unit, owner_action, owner_user = owner_of(case, cast)
    allowed = _usernames(cast)
    problems = []
    for member in MEMBERS:
        if not may_use(case.rule, cast.members[member], owner_unit, owner_action, owner_user):
            continue
        client: Client = client_as(cast, member)
        response = client.get(case.url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200:
            continue  # what each member gets is the permission matrix's business
        if codes := _codes_of(response, allowed):
            problems.append(f"{member}: GET {case.url}: {sorted(set(codes))}")
        for link in _export_links(response, case.url):
            export = client.get(link, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if export.status_code == 200 and (codes := _codes_of(export, allowed)):
                problems.append(f"{member}: GET {link} (linked from {case.url}): {sorted(set(codes))}")
    assert problems == [], f"raw codes in visible text of {route.name}:\n" + "\n".join(problems)


def test_the_supervised_list_and_its_export_name_the_reason(cast, client_for):
    """The 督办 list said `overdue_long`; it says 严重逾期, on the page and in its .xlsx."""
    import datetime as dt

    from django.urls import reverse

    from qualitygov.progress.escalation import escalation_run
    from qualitygov.progress.tests.factories import make_setup

    make_setup(cast, co=[])
    escalation_run(today=dt.date(2026, 6, 1))  # 7 days past the 25 May due date: red and 督办
    client = client_for("office")
    page = client.get(reverse("progress:supervised_list"))
    rows = re.findall(r"<td>([^<]*)</td>\s*</tr>", page.content.decode())
    assert rows == ["严重逾期"]
    export = client.get(reverse("progress:supervised_xlsx"))
    assert workbook_texts(export.content)[-1] == "严重逾期"
    assert _codes_of(page, set()) == [] and _codes_of(export, set()) == []


def test_audit_change_lines_of_imports_demo_loads_and_escalation_runs_are_labelled(db):
    """Keys that are not model fields read in Chinese (the audit page and its export showed `task_groups`)."""
    from django.utils import translation

    from qualitygov.core.events import change_lines

    with translation.override("zh-hans"):
        confirm = [str(line) for line in change_lines(
            {"outcome": {"created": True, "counts": {"sections": 3, "task_groups": 6}, "new_units": []}},
            "planimport.planimport")]
        demo = [str(line) for line in change_lines(
            {"as_of": "2026-12-03", "observations": 164, "seed": 7, "special": ["I14 2026-H1：草稿"]}, "plans.plan")]
        run = [str(line) for line in change_lines({"reminder": 0, "red": 2, "supervised": 2}, "progress.escalationevent")]
    assert confirm == ["结果: 新建方案: 是; 数量: 章节: 3; 任务组: 6; 新建单位: —"]
    assert demo == ["截至: 2026-12-03", "指标数据: 164", "随机种子: 7", "特殊情况: I14 2026-H1：草稿"]
    assert run == ["红色提醒: 2", "到期提醒: 0", "督办: 2"]
