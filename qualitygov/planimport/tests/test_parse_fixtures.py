"""Key facts of real (and derived) plan copies in fixtures/: ``<name>.expected.json`` beside each file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from qualitygov.planimport.importer.parse import parse_plan
from qualitygov.planimport.importer.readers import read_plan_file

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = json.loads((Path(__file__).parents[1] / "importer" / "plan.schema.json").read_text(encoding="utf-8"))
EXPECTED = sorted(FIXTURES.glob("*.expected.json"))
SCALARS = ("title", "issuer", "doc_number", "issued_on", "period")
INDICATOR_KEYS = ("name", "comparator", "value", "unit", "year", "scope")


def _load(path: Path) -> tuple[dict, dict]:
    expected = json.loads(path.read_text(encoding="utf-8"))
    source = FIXTURES / expected.get("file", path.name.replace(".expected.json", ".txt"))
    return expected, parse_plan(read_plan_file(source))


@pytest.mark.parametrize("path", EXPECTED, ids=[p.name.removesuffix(".expected.json") for p in EXPECTED])
def test_fixture_facts(path: Path) -> None:
    expected, plan = _load(path)
    jsonschema.Draft202012Validator(SCHEMA).validate(plan)
    for key in SCALARS:
        if key in expected:
            assert plan[key] == expected[key], key
    got = [tuple(i[k] for k in INDICATOR_KEYS) for i in plan["indicators"]]
    for indicator in expected.get("indicators", []):
        assert tuple(indicator.get(k) for k in INDICATOR_KEYS) in got, indicator
        if "baseline_year" in indicator:  # schema 1.1: the year a change target is measured from
            key = tuple(indicator.get(k) for k in INDICATOR_KEYS)
            assert indicator["baseline_year"] in [i.get("baseline_year") for i in plan["indicators"]
                                                  if tuple(i[k] for k in INDICATOR_KEYS) == key], indicator
    if "indicators_count" in expected:
        assert len(plan["indicators"]) == expected["indicators_count"]
    if "section_count" in expected:
        assert len(plan["sections"]) == expected["section_count"]
    if "section_titles" in expected:
        assert [s["title"] for s in plan["sections"]] == expected["section_titles"]
    if "task_count" in expected:
        assert len(plan["tasks"]) == expected["task_count"]
    by_number = {t["number"]: t for t in plan["tasks"]}
    for task in expected.get("tasks", []):
        got_task = by_number.get(task["number"])
        assert got_task is not None, task["number"]
        assert {k: got_task[k] for k in task} == task
    for warning in expected.get("warnings_include", []):
        assert warning in plan["warnings"]
    if expected.get("partial") and not plan["tasks"]:
        assert any("任务" in w for w in plan["warnings"])
