"""The open-data OpenAPI document: valid, public, every field described in Chinese; the project's own
schema does not change; the docs page and the data dictionary."""

from __future__ import annotations

import json
import re

import yaml
from django.core.management import call_command
from django.utils.html import escape
from drf_spectacular.validation import validate_schema

from qualitygov.opendata import datasets as ds

HAN = re.compile(r"[\u4e00-\u9fff]")
PATHS = {"/api/open/v1/", "/api/open/v1/indicators/", "/api/open/v1/indicators/{id}/",
         "/api/open/v1/indicators/{id}/values/", "/api/open/v1/indicator-values/", "/api/open/v1/targets/",
         "/api/open/v1/tasks/", "/api/open/v1/sampling-results/", "/api/open/v1/register-entries/",
         "/api/open/v1/datasets/", "/api/open/v1/datasets/{kind}/", "/api/open/v1/datasets/{kind}/{id}/"}


def _schema(client) -> dict:
    response = client.get("/api/open/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def test_the_document_is_valid_public_and_lists_every_endpoint_read_only(client, db):
    schema = _schema(client)
    validate_schema(schema)
    assert set(schema["paths"]) == PATHS
    assert schema["info"]["title"] == "质量强区开放数据接口"
    for path, operations in schema["paths"].items():
        assert set(operations) <= {"get", "parameters"}, path
        op = operations["get"]
        assert HAN.search(op["summary"]) and HAN.search(op["description"]), path
        assert "security" not in op or op["security"] in ([], [{}]), path
        assert {"200", "429"} <= set(op["responses"]), path
        assert op["responses"]["429"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}
    assert yaml.safe_load(client.get("/api/open/v1/schema/").content)["paths"].keys() == schema["paths"].keys()


def test_every_field_of_every_dataset_has_a_chinese_description(client, db):
    components = _schema(client)["components"]["schemas"]
    listed = {"OpenIndicators": ds.INDICATOR_FIELDS, "OpenIndicatorValues": ds.VALUE_FIELDS,
              "OpenTargets": ds.TARGET_FIELDS, "OpenTasks": ds.TASK_FIELDS,
              "OpenRegisterEntries": [*ds.ITEM_FIELDS, ds.ITEM_DATA]}
    for name, fields in listed.items():
        properties = components[name]["properties"]
        assert list(properties) == [f.name for f in fields], name
        for field in fields:
            assert HAN.search(properties[field.name]["description"]), (name, field.name)
    page = components["OpenIndicatorsPage"]["properties"]
    assert list(page) == ["count", "page", "pages", "next", "previous", "results"]
    assert page["next"]["description"] == "下一页的完整地址；没有下一页时为 null"
    filters = {p["name"]: p for p in _schema(client)["paths"]["/api/open/v1/indicator-values/"]["get"]["parameters"]}
    assert {"period", "town", "category", "updated_since", "page", "page_size", "format"} <= set(filters)
    assert filters["period"]["description"].startswith("按期间筛选")


def test_the_project_schema_leaves_the_open_api_out(tmp_path):
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn", "--lang", "en")
    schema = yaml.safe_load(out.read_text())
    assert not [path for path in schema["paths"] if path.startswith("/api/open/")]
    assert not [name for name in schema["components"]["schemas"] if name.startswith("Open")]


def test_docs_page_and_dictionary_are_public_and_chinese(client, db):
    docs = client.get("/api/open/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "开放数据接口" in html and 'data-schema-url="/api/open/v1/schema/"' in html
    page = client.get("/api/open/v1/dictionary/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>开放数据字典</title>" in html
    for dataset in ds.DATASETS:
        assert f"/api/open/v1/{dataset.name}/" in html
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in html and escape(field.description) in html
    assert "只可能在末尾增加字段" in html
