"""The public site: nothing unpublished is reachable from any public page, download or the feed; every
figure shown is one of the published set; withdrawal removes an item everywhere and keeps its history;
revisions are shown on the figure they changed."""

from __future__ import annotations

import io
import json
import re
from collections import deque
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.test import Client
from openpyxl import load_workbook

from qualitygov.portal import services
from qualitygov.portal.models import PublishedItem, PublishedVersion

from .world import SECRET_STRINGS, UNTIL, build_world

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|src)="(?:https?://testserver)?(/public/[^"#?]*)')
FEED_LINK = re.compile(r'<(?:link|id)[^>]*?(?:href="|>)(?:https?://testserver|tag:testserver,[^:]*:)?(/public/[^"<#?]*)')
DECIMAL = re.compile(r"(?<![\d.:])\d+\.\d+(?![\d.])")


def _text(response) -> str:
    """What a visitor gets: the page or feed, or the cells of a downloaded workbook."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        wb = load_workbook(io.BytesIO(response.content))
        return "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    # The XML declaration's version="1.0" is not a figure.
    return re.sub(r"^<\?xml[^>]*\?>", "", response.content.decode("utf-8"))


def walk(client: Client) -> dict[str, str]:
    """Every /public/ URL reachable from the home page and the feed, with its text (downloads included)."""
    seen: dict[str, str] = {}
    queue = deque(["/public/", "/public/feed.atom"])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = _text(response)
        if url.endswith((".csv", ".xlsx", ".json")):
            continue
        for link in LINK.findall(seen[url]) + FEED_LINK.findall(seen[url]):
            if link.startswith("/public/") and not link.startswith("/public/static"):
                queue.append(link)
    return seen


def published_numbers() -> set[Decimal]:
    """Every decimal number in a published version of an item that is published now."""
    out: set[Decimal] = set()
    for payload in PublishedVersion.objects.filter(item__state="published").values_list("payload", flat=True):
        for token in re.findall(r"\d+(?:\.\d+)?", json.dumps(payload)):
            out.add(Decimal(token).normalize())
    return out


def test_walk_every_public_url_shows_only_the_published_set(cast):
    world = build_world(cast)
    published_text = json.dumps(list(PublishedVersion.objects.values_list("payload", flat=True)), ensure_ascii=False)
    for secret in SECRET_STRINGS:  # the world is what it claims: the secrets are not published
        assert secret not in published_text, secret
    pages = walk(Client())
    # Every page, list, version page, download and the feed were reached.
    item = world.items["p1"]
    for url in ["/public/", "/public/changes/", "/public/feed.atom", "/public/k/indicator/", "/public/k/taskgroup/",
                "/public/k/bulletin/", f"/public/p/{item.slug}/", f"/public/p/{item.slug}/v1/",
                f"/public/p/{item.slug}/data.csv", f"/public/p/{item.slug}/data.xlsx",
                f"/public/p/{item.slug}/data.json", f"/public/p/{world.items['group'].slug}/",
                f"/public/p/{world.items['bulletin'].slug}/", f"/public/p/{world.items['plan'].slug}/"]:
        assert url in pages, url
    numbers = published_numbers()
    for url, text in pages.items():
        for secret in SECRET_STRINGS:
            assert secret not in text, (url, secret)
        # 97.75 was approved but lies after the published cut-off.
        assert "97.75" not in text, url
        for token in DECIMAL.findall(text):
            assert Decimal(token).normalize() in numbers, (url, token)
    # The indicator's table states exactly the published values.
    page = pages[f"/public/p/{item.slug}/"]
    table = page[page.index('data-testid="values-table"'):page.index("</table>", page.index('data-testid="values-table"'))]
    assert re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]+)</td>', table) == [("2026-Q1", "95.5"),
                                                                                   ("2026-Q2", "96.25")]


def test_unpublished_addresses_answer_404(cast):
    world = build_world(cast)
    client = Client()
    s9 = PublishedItem(kind="indicator")
    assert s9.pk is None
    for url in [f"/public/p/indicator-{world.s9.code.lower()}/", f"/public/p/tasks-{world.group_secret.pk}/",
                "/public/p/bulletin-2026-04/", "/public/k/assessment/", "/public/k/nothing/",
                f"/public/p/{world.items['p1'].slug}/v9/", f"/public/p/{world.items['p1'].slug}/data.exe"]:
        assert client.get(url).status_code == 404, url


def test_withdrawal_removes_the_item_everywhere_and_keeps_its_history(cast, django_capture_on_commit_callbacks):
    world = build_world(cast)
    # The public-page cache is invalidated after the commit, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_withdraw(actor=cast.office, item=world.items["p1"], reason="口径调整")
    pages = walk(Client())
    for url, text in pages.items():
        assert item.slug not in url
        assert "产品质量监督抽查合格率" not in text, url
        assert "96.25" not in text, url
    client = Client()
    for url in [f"/public/p/{item.slug}/", f"/public/p/{item.slug}/v1/", f"/public/p/{item.slug}/data.csv",
                f"/public/p/{item.slug}/data.json", "/public/k/indicator/"]:
        assert client.get(url).status_code == 404, url
    assert list(item.versions.values_list("version", "action")) == [(2, "withdraw"), (1, "publish")]
    # The office still reads its history.
    office = Client()
    office.force_login(cast.office)
    page = office.get(f"/disclosure/items/{item.pk}/").content.decode()
    assert "口径调整" in page and "已撤回" in page


def test_a_revision_is_shown_on_the_figure_it_changed(cast):
    from qualitygov.indicators.models import Observation
    from qualitygov.indicators.services.observations import change_request_create, change_request_decide

    world = build_world(cast)
    obs = Observation.objects.get(indicator=world.p1, period__label="2026-Q2")
    request = change_request_create(actor=cast.liaison_a, observation=obs, new_value="96.5", reason="复核更正")
    change_request_decide(actor=cast.office, change_request=request, approve=True, note="同意")
    item = services.item_republish(actor=cast.office, item=world.items["p1"], options={"until": UNTIL.isoformat()},
                                   note="第二季度数据更正")
    assert item.current_version == 2
    page = Client().get(f"/public/p/{item.slug}/").content.decode()
    revised = item.last_published_at.astimezone().strftime("%Y-%m-%d")
    assert f"{revised}修订，原值为 96.25" in page or f"revised on {revised}, previous value 96.25" in page
    assert page.count('data-testid="revision"') == 1
    # The first version stays readable at its own address, without the later revision.
    old = Client().get(f"/public/p/{item.slug}/v1/").content.decode()
    assert 'data-testid="old-version"' in old and "96.25" in old and 'data-testid="revision"' not in old
    feed = Client().get("/public/feed.atom").content.decode()
    assert "修订：P1 产品质量监督抽查合格率" in feed


def test_downloads_hold_the_published_values(cast):
    world = build_world(cast)
    slug = world.items["p1"].slug
    client = Client()
    csv_text = client.get(f"/public/p/{slug}/data.csv").content.decode("utf-8-sig").splitlines()
    assert csv_text[0].split(",")[:6] == ["指标编码", "指标名称", "统计期", "起始日", "截止日", "数值"]
    assert [line.split(",")[5] for line in csv_text[1:]] == ["95.5", "96.25"]
    data = json.loads(client.get(f"/public/p/{slug}/data.json").content)
    assert (data["id"], data["version"], [v["value"] for v in data["data"]["values"]]) == (slug, 1, ["95.5", "96.25"])
    wb = load_workbook(io.BytesIO(client.get(f"/public/p/{slug}/data.xlsx").content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert [r[5] for r in rows[1:]] == ["95.5", "96.25"]


def test_pages_carry_open_graph_a_no_js_table_and_the_feed_is_atom(cast):
    world = build_world(cast)
    client = Client()
    page = client.get(f"/public/p/{world.items['p1'].slug}/").content.decode()
    assert '<meta property="og:title" content="P1 产品质量监督抽查合格率">' in page
    assert 'property="og:url"' in page and 'property="og:description"' in page
    assert 'data-testid="values-table"' in page  # the chart's figures without JavaScript
    assert "舟山市普陀区" in page and world.plan.title in page
    home = client.get("/public/").content.decode()
    assert world.plan.title in home and "推动产业质量升级" in home
    feed = client.get("/public/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 4


def test_the_sign_in_page_links_to_the_public_site_and_home_still_asks_to_sign_in(cast):
    client = Client()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/public/"' in login
