"""The OpenAPI document stays in sync with the API, and the docs page needs no other host."""

from __future__ import annotations

import re

import yaml
from django.contrib.admindocs.views import simplify_regex
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver


def _routes(patterns, prefix: str = "") -> list[str]:
    out = []
    for pattern in patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            out += _routes(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern):
            out.append(text)
    return out


def _normalise(route: str) -> str:
    """`^api/v1/org-units/(?P<pk>[^/.]+)/$` and `/api/v1/org-units/{id}/` → `/api/v1/org-units/{}/`."""
    path = simplify_regex(route.replace("^", "").replace("$", ""))
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_schema_generates_without_warnings_and_covers_every_v1_route(tmp_path):
    out = tmp_path / "openapi.yaml"
    # --fail-on-warn turns every generator warning (an unresolvable field, a guessed type) into a failure.
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn", "--lang", "en")
    schema = yaml.safe_load(out.read_text())
    documented = {_normalise(path) for path in schema["paths"]}
    routes = {_normalise(r) for r in _routes(get_resolver().url_patterns) if r.startswith("api/v1/")}
    assert routes, "no /api/v1/ routes found"
    assert routes - documented == set()
    error = {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "fields", "message"]
    user_detail = schema["paths"]["/api/v1/users/{id}/"]["get"]["responses"]
    assert {code: user_detail[code]["content"]["application/json"]["schema"] for code in ("401", "404")} == {
        "401": error, "404": error}
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert sorted(token) == ["201", "400", "429"]
    assert token["400"]["content"]["application/json"]["schema"] == error
    assert {"/api/v1/org-units/", "/api/v1/org-units/{}/", "/api/v1/users/", "/api/v1/users/{}/", "/api/v1/me/",
            "/api/v1/auth/token/", "/api/v1/audit-events/", "/api/v1/audit-events/{}/"} <= documented


def test_schema_is_served_to_signed_in_users_and_tokens(client_for, cast):
    response = client_for("liaison_a").get("/api/schema/")
    assert response.status_code == 200
    assert "/api/v1/org-units/" in yaml.safe_load(response.content)["paths"]


def test_schema_refuses_anonymous(client, cast):
    response = client.get("/api/schema/")
    assert response.status_code == 401
    assert yaml.safe_load(response.content)["code"] == "not_authenticated"


def test_docs_page_loads_only_local_assets(client_for, cast):
    response = client_for("liaison_a").get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']([^\"']+)", html, flags=re.I)
    assert sources, html
    assert [s for s in sources if re.match(r"(?:https?:)?//", s)] == []
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in sources
    assert "fonts.googleapis" not in html and "cdn." not in html
    # Started by a static file (no inline script under the Content-Security-Policy).
    assert '<div id="redoc-container" data-schema-url="/api/schema/"></div>' in html
    assert "/static/core/api-docs.js" in sources


def test_docs_page_sends_anonymous_to_sign_in(client, cast):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/docs/"


def test_schema_title_and_description_follow_the_language(client_for, cast):
    client = client_for("liaison_a")
    chinese = yaml.safe_load(client.get("/api/schema/").content)["info"]
    english = yaml.safe_load(client.get("/api/schema/?lang=en").content)["info"]
    assert (chinese["title"], chinese["description"]) == (
        "质量强区数字治理平台接口", "质量强区数字治理平台的 REST 接口。每个列表只返回调用者有权查看的单位和记录。")
    assert english["title"] == "QualityGov platform API"


def test_docs_page_is_chinese_and_leads_back_to_the_platform(client_for, cast):
    html = client_for("liaison_a").get("/api/docs/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert '<a href="/" data-testid="back-to-app">返回平台</a>' in html
    assert '<a href="/help/#api" data-testid="help-link">帮助</a>' in html
    assert re.findall(r"(?:https?:)?//[\w.-]+", html) == []  # no address of another host anywhere in the page
