"""One error body `{code, message, fields}` for every API failure."""

from __future__ import annotations

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
