"""Nothing unpublished leaks: every API page walked on a database where only some things are published,
every figure checked against the published set, withdrawn items gone; and the named datasets' content."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from qualitygov.portal.kinds import KINDS
from qualitygov.portal.models import PublishedItem

from .world import SECRET_STRINGS, TEST_KIND, build_world

ROOT = "/api/open/v1/"


@pytest.fixture
def world(cast):
    built = build_world(cast)
    yield built
    KINDS.pop(TEST_KIND, None)


def _walk_list(client, url: str, seen: dict[str, bytes]) -> list[dict]:
    """Every page of a list at one row a page (JSON, following `next`), and the CSV of each page."""
    rows, page = [], f"{url}?page_size=1"
    while page:
        response = client.get(page)
        assert response.status_code == 200, page
        seen[page] = response.content
        csv_page = client.get(page, HTTP_ACCEPT="text/csv")
        assert csv_page.status_code == 200, page
        seen[page + " (csv)"] = csv_page.content
        body = response.json()
        rows += body["results"]
        page = body["next"]
    return rows


def test_every_api_page_holds_only_published_figures(client, world):
    seen: dict[str, bytes] = {}
    root = client.get(ROOT).json()
    lists = {entry["name"]: entry["url"].replace("http://testserver", "") for entry in root["datasets"]}
    rows = {name: _walk_list(client, url, seen) for name, url in lists.items() if name != "datasets"}
    kinds = client.get(lists["datasets"]).json()
    seen[lists["datasets"]] = client.get(lists["datasets"]).content
    by_kind = {k["kind"]: _walk_list(client, k["url"].replace("http://testserver", ""), seen) for k in kinds}
    details = {}
    for kind, items in by_kind.items():
        for row in items:
            url = f"{ROOT}datasets/{kind}/{row['id']}/"
            response = client.get(url)
            assert response.status_code == 200, url
            seen[url], details[row["id"]] = response.content, response.json()
    for row in rows["indicators"]:
        for url in (f"{ROOT}indicators/{row['id']}/", f"{ROOT}indicators/{row['id']}/?format=csv",
                    f"{ROOT}indicators/{row['id']}/values/"):
            response = client.get(url)
            assert response.status_code == 200, url
            seen[url] = response.content

    # The published set, read straight from the portal's tables.
    live = list(PublishedItem.objects.filter(state="published"))
    indicators = [i for i in live if i.kind == "indicator"]
    assert {k["kind"]: k["count"] for k in kinds} == {"indicator": 1, "taskgroup": 1, TEST_KIND: 3}
    assert [r["id"] for r in rows["indicators"]] == [i.slug for i in indicators] == ["indicator-p1"]
    assert sorted((r["indicator"], r["period"], r["value"]) for r in rows["indicator-values"]) == sorted(
        (i.slug, v["period"], v["value"]) for i in indicators for v in i.payload["values"]) == [
        ("indicator-p1", "2026-Q1", "95.5"), ("indicator-p1", "2026-Q2", "96.25")]
    assert sorted((r["indicator"], r["year"], r["value"]) for r in rows["targets"]) == sorted(
        (i.slug, int(y), v) for i in indicators for y, v in i.payload["targets_by_year"].items()) == [
        ("indicator-p1", 2026, "97"), ("indicator-p1", 2027, "99")]
    assert [(r["group_title"], r["title"]) for r in rows["tasks"]] == [("推动产业质量升级", "提升制造业质量")]
    assert sorted(r["title"] for r in rows["register-entries"]) == sorted(
        i.title for i in live if i.kind == TEST_KIND) == ["旧长寿提名丙", "桃花质量奖乙", "长寿质量奖甲"]
    assert rows["sampling-results"] == []
    assert {slug: d["data"] for slug, d in details.items()} == {i.slug: i.payload for i in live}
    # The approved value after the cut-off was never published.
    assert all(b"97.75" not in body for body in seen.values())

    for url, body in seen.items():
        text = body.decode("utf-8")
        for secret in SECRET_STRINGS:
            assert secret not in text, f"{secret!r} leaked in {url}"


def test_withdrawn_and_unpublished_items_answer_404_everywhere(client, world):
    w7 = world.items["w7"]
    gone_entry = world.items["撤回的质量奖"]
    assert w7.state == "withdrawn" and w7.versions.count() == 2  # withdrawn, its history kept
    for url in (f"{ROOT}indicators/{w7.slug}/", f"{ROOT}indicators/{w7.slug}/values/",
                f"{ROOT}datasets/indicator/{w7.slug}/", f"{ROOT}datasets/{TEST_KIND}/{gone_entry.slug}/",
                f"{ROOT}indicators/indicator-zx9q/", f"{ROOT}datasets/indicator/indicator-zx9q/",
                # An item of another kind is not found under the wrong kind.
                f"{ROOT}datasets/taskgroup/{world.items['p1'].slug}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


def test_indicator_detail_holds_values_targets_path_and_history(client, world):
    item = world.items["p1"]
    body = client.get(f"{ROOT}indicators/{item.slug}/").json()
    assert (body["code"], body["name"], body["unit"], body["target_value"], body["target_year"]) == (
        "P1", "产品质量监督抽查合格率", "%", "99", 2027)
    assert (body["latest_period"], body["latest_value"]) == ("2026-Q2", "96.25")
    assert [(v["period"], v["value"]) for v in body["values"]] == [("2026-Q1", "95.5"), ("2026-Q2", "96.25")]
    assert [(t["year"], t["value"], t["final"]) for t in body["targets"]] == [(2026, "97", False), (2027, "99", True)]
    assert body["path"] == item.payload["path"] and body["path"][-1] == {"period": "2027-Q4", "date": "2027-12-31",
                                                                          "expected": "99"}
    assert body["history"] == [{"version": 1, "action": "publish", "at": body["published_at"], "note": ""}]


def test_indicator_values_filter_by_period_and_csv_is_exact(client, world):
    item = world.items["p1"]
    url = f"{ROOT}indicator-values/"
    assert [r["period"] for r in client.get(url, {"period": "2026-Q1"}).json()["results"]] == ["2026-Q1"]
    assert [r["period"] for r in client.get(url, {"period": "2026-05"}).json()["results"]] == ["2026-Q2"]
    assert [r["period"] for r in client.get(url, {"period": "2026"}).json()["results"]] == ["2026-Q1", "2026-Q2"]
    assert client.get(url, {"period": "2025"}).json()["count"] == 0
    assert client.get(url, {"town": "桃花镇"}).json()["count"] == 0  # district totals only
    assert client.get(url, {"category": "预期性"}).json()["count"] == 2
    assert [r["year"] for r in client.get(f"{ROOT}targets/", {"period": "2027"}).json()["results"]] == [2027]
    updated = timezone.localtime(item.last_published_at).isoformat()
    approved = timezone.localtime(item.last_published_at).date().isoformat()
    response = client.get(url, {"format": "csv", "period": "2026-Q2"})
    assert response.content.decode("utf-8") == (
        "\ufeffindicator,indicator_code,indicator_name,period,period_start,period_end,value,unit,approved_on,"
        "category,version,updated_at\r\n"
        f"indicator-p1,P1,产品质量监督抽查合格率,2026-Q2,2026-04-01,2026-06-30,96.25,%,{approved},预期性,1,"
        f"{updated}\r\n")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["indicator", "indicator_code", "indicator_name"] and len(table) == 2


def test_tasks_carry_their_published_light(client, world):
    rows = client.get(f"{ROOT}tasks/").json()["results"]
    group = world.items["group"].payload
    task = group["tasks"][0]
    assert rows == [{
        "group": world.items["group"].slug, "group_number": "一", "group_title": "推动产业质量升级", "number": task["number"],
        "title": "提升制造业质量", "lead_units": task["lead_units"], "co_units": task["co_units"],
        "time_limit": task["time_limit"], "light": task["light"],
        "light_label": {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "暂无数据"}[task["light"]],
        "progress_pct": task["progress_pct"], "work_items": 1, "as_of": group["as_of"][:10],
        "version": 1, "updated_at": timezone.localtime(world.items["group"].last_published_at).isoformat()}]
    assert client.get(f"{ROOT}tasks/", {"town": "桃花镇"}).json()["count"] == 0
    assert client.get(f"{ROOT}tasks/", {"town": task["lead_units"][0]}).json()["count"] == 1


def test_a_revision_shows_at_once_with_its_history(client, cast, world, django_capture_on_commit_callbacks):
    from qualitygov.portal import services

    url = f"{ROOT}indicators/{world.items['p1'].slug}/"
    assert client.get(url).json()["version"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.item_publish(actor=cast.office, kind="indicator", obj=world.p1, options={"until": "2026-09-30"},
                              note="补充第三季度数值")
    body = client.get(url).json()
    assert body["version"] == 2 and body["latest_value"] == "97.75"
    assert [(h["version"], h["action"], h["note"]) for h in body["history"]] == [
        (2, "revise", "补充第三季度数值"), (1, "publish", "")]
    assert [r["value"] for r in client.get(f"{ROOT}indicator-values/").json()["results"]] == ["95.5", "96.25", "97.75"]
