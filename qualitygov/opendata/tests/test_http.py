"""The open-data API's HTTP behaviour on register entries of a test kind: CSV, paging, filters, ETag/304,
Last-Modified, rate limit, CORS, read-only, and the cache made stale by publication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.http import http_date

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.services import org_unit_create
from qualitygov.portal import services
from qualitygov.portal.kinds import KINDS
from qualitygov.portal.models import PublishedItem

from .world import TEST_KIND, register_test_kind

URL = "/api/open/v1/register-entries/"


@pytest.fixture
def entries(cast):
    """Three published entries (two towns, two categories, 2025 and 2026) and one withdrawn."""
    register_test_kind()
    made = {}
    for name in ("长寿质量奖甲", "桃花质量奖乙", "旧长寿提名丙", "撤回的质量奖"):
        unit = org_unit_create(actor=cast.office, name=name, kind=OrgUnitKind.OTHER, parent=cast.district)
        made[name] = services.item_publish(actor=cast.office, kind=TEST_KIND, obj=unit)
    services.item_withdraw(actor=cast.office, item=made["撤回的质量奖"], reason="获奖单位已注销")
    yield made
    KINDS.pop(TEST_KIND, None)


def _titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_list_answers_json_without_sign_in_with_the_published_entries_only(client, entries):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["count"] == 3
    assert [(r["title"], r["town"], r["category"], r["period"], r["version"]) for r in body["results"]] == [
        ("旧长寿提名丙", "长寿路街道", "质量提名", "2025年", 1),
        ("桃花质量奖乙", "桃花镇", "区长质量奖", "2026年", 1),
        ("长寿质量奖甲", "长寿路街道", "区长质量奖", "2026年", 1),
    ]
    first = body["results"][0]
    assert list(first) == ["id", "kind", "title", "period", "period_start", "period_end", "town", "category",
                           "version", "published_at", "updated_at", "url", "data"]
    # The masking policy ran before publication: the phone number in the snapshot is masked.
    assert first["data"] == {"holder": "旧长寿提名丙", "level": "区级", "contact_phone": "138****5678"}
    assert first["kind"] == TEST_KIND and first["period_start"] == "2025-01-01" and first["period_end"] == "2025-12-31"


def test_filters_by_town_category_and_period(client, entries):
    assert _titles(client.get(URL, {"town": "长寿路街道"})) == ["旧长寿提名丙", "长寿质量奖甲"]
    assert _titles(client.get(URL, {"category": "区长质量奖"})) == ["桃花质量奖乙", "长寿质量奖甲"]
    assert _titles(client.get(URL, {"period": "2025"})) == ["旧长寿提名丙"]
    assert _titles(client.get(URL, {"period": "2026-Q2"})) == ["桃花质量奖乙", "长寿质量奖甲"]
    assert _titles(client.get(URL, {"period": "2026-03-31"})) == ["桃花质量奖乙", "长寿质量奖甲"]
    assert _titles(client.get(URL, {"period": "2025年"})) == ["旧长寿提名丙"]
    assert _titles(client.get(URL, {"period": "2026", "town": "长寿路街道", "category": "区长质量奖"})) == [
        "长寿质量奖甲"]
    assert _titles(client.get(URL, {"kind": TEST_KIND, "town": "桃花镇"})) == ["桃花质量奖乙"]
    assert _titles(client.get(URL, {"kind": "nosuchkind"})) == []
    assert _titles(client.get(URL, {"town": "不存在的镇"})) == []


def test_a_bad_filter_answers_400_with_the_error_body(client, entries):
    response = client.get(URL, {"period": "2026-13"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["period"]
    assert body["fields"]["period"][0].startswith("不是有效的期间")
    assert response["Access-Control-Allow-Origin"] == "*"
    response = client.get(URL, {"updated_since": "昨天"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["updated_since"]


def test_paging_is_stable_with_links_in_body_and_headers(client, entries):
    pages = [client.get(URL, {"page_size": 2, "page": n}) for n in (1, 2)]
    first, second = (p.json() for p in pages)
    assert (first["count"], first["page"], first["pages"]) == (3, 1, 2)
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/open/v1/register-entries/?page=2&page_size=2"
    assert pages[0]["Link"] == '<http://testserver/api/open/v1/register-entries/?page=2&page_size=2>; rel="next"'
    assert pages[0]["X-Total-Count"] == "3"
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/open/v1/register-entries/?page_size=2"
    assert pages[1]["Link"] == '<http://testserver/api/open/v1/register-entries/?page_size=2>; rel="prev"'
    assert [r["title"] for r in first["results"] + second["results"]] == _titles(client.get(URL))
    # Asking again gives the same pages, in the same order.
    assert client.get(URL, {"page_size": 2, "page": 2}).json() == second
    missing = client.get(URL, {"page": 9})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get(URL, {"page_size": 5000}).json()["count"] == 3  # capped at the maximum, not refused


def test_csv_is_exact_utf8_with_bom_by_format_and_by_accept(client, entries):
    item = entries["长寿质量奖甲"]
    response = client.get(URL, {"format": "csv", "category": "区长质量奖", "town": "长寿路街道"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    published = timezone.localtime(item.first_published_at).isoformat()
    expected = (
        "\ufeffid,kind,title,period,period_start,period_end,town,category,version,published_at,updated_at,url,"
        "data.contact_phone,data.holder,data.level\r\n"
        f"{item.slug},testaward,长寿质量奖甲,2026年,2026-01-01,2026-12-31,长寿路街道,区长质量奖,1,{published},"
        f"{published},/public/p/{item.slug}/,138****5678,长寿质量奖甲,区级\r\n"
    )
    assert response.content.decode("utf-8") == expected
    assert response.content.startswith(b"\xef\xbb\xbf")
    by_accept = client.get(URL, {"category": "区长质量奖", "town": "长寿路街道"}, HTTP_ACCEPT="text/csv")
    assert by_accept["Content-Type"] == "text/csv; charset=utf-8" and by_accept.content == response.content
    unknown = client.get(URL, {"format": "xml"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_csv_cells_that_look_like_formulas_stay_text(client, cast):
    from qualitygov.opendata.renderers import csv_cell

    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "-12.5", "98.5", None, True, ["甲", "乙"])] == [
        "'=1+1", "'+1", "-1", "'@SUM(A1)", "-12.5", "98.5", "", "true", "甲；乙"]


def test_etag_answers_304_and_changes_with_the_content(client, cast, entries, django_capture_on_commit_callbacks):
    first = client.get(URL)
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    assert client.get(URL, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # CSV is another representation, with its own tag.
    assert client.get(URL, {"format": "csv"})["ETag"] != etag
    with django_capture_on_commit_callbacks(execute=True):
        services.item_withdraw(actor=cast.office, item=entries["桃花质量奖乙"], reason="更正")
    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert _titles(changed) == ["旧长寿提名丙", "长寿质量奖甲"]


def test_last_modified_is_the_latest_publication_or_withdrawal_and_answers_304(client, entries):
    latest = max(max(i.last_published_at for i in PublishedItem.objects.all()),
                 max(i.withdrawn_at for i in PublishedItem.objects.exclude(withdrawn_at=None)))
    response = client.get(URL)
    assert response["Last-Modified"] == http_date(latest.timestamp())
    later = http_date((latest + dt.timedelta(minutes=5)).timestamp())
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    earlier = http_date((latest - dt.timedelta(minutes=5)).timestamp())
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_head_answers_the_headers_without_a_body(client, entries):
    get = client.get(URL)
    head = client.head(URL)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Content-Length"] == str(len(get.content))


def test_rate_limit_answers_429_in_chinese_with_retry_after(client, entries, settings):
    settings.OPENDATA_RATE_LIMIT = 3
    settings.OPENDATA_RATE_WINDOW = 60
    answers = [client.get(URL) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    refused = client.get(URL)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body == {"code": "throttled", "fields": {},
                    "message": f"请求过于频繁：每个地址在每个时间窗内最多 3 次。请 {refused['Retry-After']} 秒后再试。"}
    assert refused["Access-Control-Allow-Origin"] == "*"
    # Another client address has its own allowance.
    assert client.get(URL, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_rate_limit_zero_is_off(client, entries, settings):
    settings.OPENDATA_RATE_LIMIT = 0
    response = client.get(URL)
    assert response.status_code == 200 and "X-RateLimit-Limit" not in response


def test_cors_on_the_open_api_only_and_preflight(client, entries, client_for):
    response = client.get(URL, HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(URL, HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    private = client_for("office").get("/api/v1/plans/", HTTP_ORIGIN="https://example.org")
    assert private.status_code == 200 and "Access-Control-Allow-Origin" not in private


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_and_change_nothing(client, entries, method):
    before = list(PublishedItem.objects.order_by("pk").values_list("pk", "state", "current_version"))
    response = getattr(client, method)(URL, {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert list(PublishedItem.objects.order_by("pk").values_list("pk", "state", "current_version")) == before


def test_cached_answer_is_served_until_a_publication_makes_it_stale(client, cast, entries,
                                                                   django_capture_on_commit_callbacks):
    assert client.get(URL).json()["count"] == 3
    # A change behind the services' back (no publication) is not seen: the answer comes from the cache.
    PublishedItem.objects.filter(pk=entries["长寿质量奖甲"].pk).update(title="改过的标题")
    assert "改过的标题" not in _titles(client.get(URL))
    unit = org_unit_create(actor=cast.office, name="新长寿质量奖丁", kind=OrgUnitKind.OTHER, parent=cast.district)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_publish(actor=cast.office, kind=TEST_KIND, obj=unit)
    titles = _titles(client.get(URL))
    assert titles == ["新长寿质量奖丁", "旧长寿提名丙", "桃花质量奖乙", "改过的标题"]


def test_unknown_item_and_withdrawn_item_answer_404(client, entries):
    gone = entries["撤回的质量奖"]
    response = client.get(f"/api/open/v1/datasets/{TEST_KIND}/{gone.slug}/")
    assert response.status_code == 404 and response.json() == {"code": "not_found", "message": "未找到。",
                                                                "fields": {}}
    live = entries["长寿质量奖甲"]
    detail = client.get(f"/api/open/v1/datasets/{TEST_KIND}/{live.slug}/").json()
    assert detail["title"] == "长寿质量奖甲"
    assert detail["history"] == [{"version": 1, "action": "publish", "at": detail["published_at"], "note": ""}]
