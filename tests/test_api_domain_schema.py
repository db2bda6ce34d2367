"""The OpenAPI document lists the domain's endpoints (accounts, plans, indicators, progress) with Chinese summaries
and tags."""

from __future__ import annotations

import yaml
from django.core.management import call_command

PLANS = {"/api/v1/plans/", "/api/v1/plans/{id}/", "/api/v1/tasks/", "/api/v1/tasks/{id}/",
         "/api/v1/responsibilities/", "/api/v1/responsibilities/{id}/"}
INDICATORS = {"/api/v1/indicators/", "/api/v1/indicators/{id}/", "/api/v1/targets/", "/api/v1/targets/{id}/",
              "/api/v1/observations/", "/api/v1/observations/{id}/", "/api/v1/observations/draft/",
              "/api/v1/observations/{id}/submit/", "/api/v1/indicator-statuses/",
              "/api/v1/indicator-statuses/{id}/"}
PROGRESS = {"/api/v1/work-items/", "/api/v1/work-items/{id}/", "/api/v1/reporting-cycles/",
            "/api/v1/reporting-cycles/{id}/", "/api/v1/progress-reports/", "/api/v1/progress-reports/{id}/",
            "/api/v1/progress-reports/{id}/draft/", "/api/v1/progress-reports/{id}/submit/", "/api/v1/findings/",
            "/api/v1/findings/{id}/"}
ACCOUNTS = {"/api/v1/org-units/", "/api/v1/org-units/{id}/", "/api/v1/users/", "/api/v1/users/{id}/", "/api/v1/me/",
            "/api/v1/auth/token/"}
TAGS = {**dict.fromkeys(ACCOUNTS, "组织机构"), **dict.fromkeys(PLANS, "实施方案"), **dict.fromkeys(INDICATORS, "指标监测"), **dict.fromkeys(PROGRESS, "工作推进")}


def _operations(schema: dict, paths) -> dict[tuple[str, str], dict]:
    return {(path, method): op for path in paths for method, op in schema["paths"][path].items()}


def test_the_schema_lists_the_domain_paths(tmp_path):
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn", "--lang", "en")
    schema = yaml.safe_load(out.read_text())
    assert PLANS | INDICATORS | PROGRESS <= set(schema["paths"])
    writes = {path for path in TAGS if path.endswith(("/draft/", "/submit/"))}
    for (path, method), op in _operations(schema, TAGS).items():
        assert op["summary"] and op["description"], path
        if path not in ACCOUNTS:
            assert method == ("post" if path in writes else "get"), path
            assert {"401", "404"} <= set(op["responses"]), path
    assert schema["paths"]["/api/v1/observations/draft/"]["post"]["summary"] == "Save an observation as a draft"
    assert sorted(schema["paths"]["/api/v1/observations/draft/"]["post"]["responses"]) == [
        "200", "201", "400", "401", "404", "409"]
    unit = next(p for p in schema["paths"]["/api/v1/tasks/"]["get"]["parameters"] if p["name"] == "unit")
    assert unit["schema"] == {"type": "integer"}


def test_the_served_schema_speaks_chinese(client_for, cast):
    schema = yaml.safe_load(client_for("liaison_a").get("/api/schema/").content)
    for (path, _method), op in _operations(schema, TAGS).items():
        assert op["tags"] == [TAGS[path]], path
    assert schema["paths"]["/api/v1/plans/"]["get"]["summary"] == "列出实施方案"
    assert schema["paths"]["/api/v1/auth/token/"]["post"]["summary"] == "获取 API 令牌"
    assert schema["paths"]["/api/v1/observations/{id}/submit/"]["post"]["summary"] == "提交指标数据审核"
    assert schema["paths"]["/api/v1/progress-reports/{id}/submit/"]["post"]["summary"] == "向质量强区办提交进展报告"
    assert schema["paths"]["/api/v1/work-items/"]["get"]["description"].startswith("调用者所在单位牵头或配合")


def test_every_operation_has_a_chinese_summary_description_and_tag(client_for, cast):
    """Not only the domain: the audit trail, notifications and accounts too (a new endpoint without docs fails)."""
    schema = yaml.safe_load(client_for("office").get("/api/schema/").content)
    undocumented = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            texts = [op.get("summary", ""), op.get("description", ""), *op.get("tags", [])]
            if not op.get("tags") or not all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in texts):
                undocumented.append(f"{method.upper()} {path}")
    assert undocumented == []
    assert schema["paths"]["/api/v1/notifications/"]["get"]["tags"] == ["通知"]
    assert schema["paths"]["/api/v1/audit-events/"]["get"]["summary"] == "列出审计事件"
