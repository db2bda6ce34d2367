"""One error body `{code, message, fields}` for every API failure."""

from __future__ import annotations

import json

import pytest

from qualitygov.core.models import AuditEvent

TOKEN = "/api/v1/auth/token/"


def test_malformed_json_is_400_malformed(client, cast):
    before = AuditEvent.objects.count()
    response = client.post(TOKEN, data='{"username": "office", ', content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "malformed", "message": "请求正文不是有效的 JSON。", "fields": {}}
    assert AuditEvent.objects.count() == before


def test_validation_is_400_invalid_with_fields(client, cast):
    response = client.post(TOKEN, data={"username": "office"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "提交的数据无效。", "fields": {"password": ["该字段是必填项。"]}}


def test_unknown_id_is_404_not_found(client_for, cast):
    response = client_for("office").get("/api/v1/org-units/987654/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到。", "fields": {}}


def test_non_numeric_id_is_404_not_found(client_for, cast):
    response = client_for("office").get("/api/v1/users/abc/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_unauthenticated_is_401_not_authenticated(client, cast):
    for url in ("/api/v1/org-units/", "/api/v1/me/", "/api/v1/users/", "/api/v1/audit-events/"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json() == {"code": "not_authenticated", "message": "身份认证信息未提供。", "fields": {}}


def test_bad_token_is_401_not_authenticated(client, cast):
    response = client.get("/api/v1/me/", headers={"Authorization": "Token 0123456789abcdef"})
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "认证令牌无效。", "fields": {}}


def test_unsupported_method_keeps_the_body(client_for, cast):
    response = client_for("office").post("/api/v1/org-units/", data={}, content_type="application/json")
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": "方法 “POST” 不被允许。", "fields": {}}


# --- bad input answers a 4xx with the API's body, never a 5xx or an HTML page --------------------------------

OUT_OF_RANGE = [
    ("/api/v1/org-units/?parent=9223372036854775808", "parent"),
    ("/api/v1/users/?unit=99999999999999999999", "unit"),
    ("/api/v1/audit-events/?unit=99999999999999999999", "unit"),
    ("/api/v1/observations/?updated_since=9999-12-31T23:59:59-01:00", "updated_since"),
    ("/api/v1/observations/?updated_since=0001-01-01T00:00:00%2B14:00", "updated_since"),
    ("/api/v1/audit-events/?since=9999-12-31T23:59:59-05:00", "since"),
    ("/api/v1/audit-events/?until=0001-01-01T00:00:00", "until"),
    ("/api/v1/progress-reports/?due_to=9999-12-31", "due_to"),
]


@pytest.mark.parametrize(("url", "field"), OUT_OF_RANGE)
def test_out_of_range_filters_are_400_invalid_naming_the_filter(client_for, cast, url, field):
    response = client_for("office").get(url)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["fields"])) == ("invalid", [field])


def test_dates_are_held_to_their_years(client_for, cast):
    response = client_for("office").get("/api/v1/progress-reports/?due_from=3000-01-01")
    assert response.json()["fields"] == {"due_from": ["请输入 1900-01-01 至 2999-12-31 之间的日期。"]}


@pytest.mark.parametrize("url", ["/api/v1/nope/", "/api/v1/plans/abc/tasks/", "/api/v1/org-units/1/x/"])
def test_unknown_api_paths_are_a_json_404(client_for, cast, url):
    response = client_for("office").get(url)
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"code": "not_found", "message": "未找到。", "fields": {}}


def test_unknown_pages_stay_html(client_for, cast):
    response = client_for("office").get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_deeply_nested_json_is_400_malformed(client, cast):
    before = AuditEvent.objects.count()
    response = client.post(TOKEN, data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "malformed", "message": "请求正文嵌套过深。", "fields": {}}
    assert AuditEvent.objects.count() == before


def test_json_over_the_size_limit_is_413_too_large(client, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(TOKEN, data=json.dumps({"username": "x" * 2048, "password": "y"}),
                           content_type="application/json")
    assert (response.status_code, response["Content-Type"]) == (413, "application/json")
    assert response.json() == {"code": "too_large", "message": "请求正文过大。", "fields": {}}
