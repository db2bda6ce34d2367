"""`qualitygov assessment collect`: the units file from the platform, scored by `assessment score`; bad input
exits 2 with one Chinese line and writes nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from qualitygov.assessments import services
from qualitygov.assessments.collect_cli import run_collect
from qualitygov.assessments.engine import validate_scheme, validate_units
from qualitygov.assessments.engine.io import load_json
from qualitygov.assessments.score_cli import run_score

from .collect_world import build_world
from .url_samples import DEMO

pytestmark = pytest.mark.django_db


def publish(cast, text: str | None = None):
    scheme = services.scheme_import(actor=cast.office, text=text or DEMO.read_text(encoding="utf-8"), year=2026)
    return services.scheme_publish(actor=cast.office, scheme=scheme)


def collect(out, **options) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    args = {"year": 2026, "key": "", "as_of": "2027-01-10", "bulletin_date": None, "explain": False, **options}
    code = run_collect(out=str(out), stdout=stdout, stderr=stderr, **args)
    return code, stdout.getvalue(), stderr.getvalue()


def test_collect_then_score_round_trip(cast, tmp_path, capsys):
    build_world(cast)
    publish(cast)
    units, scheme = tmp_path / "units.json", tmp_path / "scheme.json"
    call_command("assessment", "collect", "--year", "2026", "--as-of", "2027-01-10", "--out", str(units))
    assert capsys.readouterr().out == (
        f"普陀区质量强区工作成员单位年度考核评分细则（2026年，演示）（v1）：3 个单位的自动考核数据 → {units}"
        "；待人工填写的评分项：B2、D1、E1\n")
    call_command("assessment", "scheme", "export", "--year", "2026", "--out", str(scheme))
    capsys.readouterr()
    data = load_json(units)
    validate_units(validate_scheme(load_json(scheme)), data)
    assert [(u["unit"], u["group"]) for u in data["units"]] == [
        ("区经信局", "department"), ("区住建局", "department"), ("沈家门街道", "town")]
    out, err = io.StringIO(), io.StringIO()
    assert run_score(str(scheme), str(units), as_json=True, stdout=out, stderr=err) == 0
    result = json.loads(out.getvalue())
    assert [(u["unit"], u["base"], u["grade"], u["caps_applied"]) for u in result["units"]] == [
        ("区经信局", "63.13", "合格", ["G1"]), ("区住建局", "36.25", "不合格", []), ("沈家门街道", "91.11", "优秀", [])]


def test_explain_prints_every_figure_with_its_records(cast, tmp_path):
    world = build_world(cast)
    publish(cast)
    code, out, err = collect(tmp_path / "u.json", explain=True)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "区经信局\tB1\titem_late\t1\t未按期完成的工作事项：1，每项扣 2 分\t培育品牌企业（期限 2026-09-30，2026-10-15 完成）" in lines
    assert (f"区住建局\tC2\tfinding_overdue\t1\t逾期未整改销号的督查问题：1，每项扣 2 分\t"
            f"{world.findings['F3'].title}（整改期限 2026-05-31，2026-06-10 销号）") in lines


@pytest.mark.parametrize(("options", "message"), [
    ({}, "错误：2026 年没有已发布的考核评分细则\n"),
    ({"key": "other"}, "错误：2026 年没有已发布的考核评分细则“other”\n"),
    ({"as_of": "2027-13-01"}, "错误：--as-of“2027-13-01”不是 YYYY-MM-DD 格式的有效日期\n"),
    ({"bulletin_date": "明天"}, "错误：--bulletin-date“明天”不是 YYYY-MM-DD 格式的有效日期\n"),
    ({"year": 26}, "错误：年度“26”无效\n"),
])
def test_bad_input_exits_2_and_writes_nothing(cast, tmp_path, options, message):
    out = tmp_path / "units.json"
    assert collect(out, **options) == (2, "", message)
    assert not out.exists()


def test_a_stored_scheme_with_an_unknown_source_exits_2(cast, tmp_path):
    # Stored before import checked sources (import now refuses it: see the test below).
    from qualitygov.assessments.models import AssessmentScheme

    data = json.loads(DEMO.read_text(encoding="utf-8"))
    data["sections"][2]["items"][0]["source"] = "reports"
    stored = publish(cast)
    AssessmentScheme.objects.filter(pk=stored.pk).update(document=json.dumps(data, ensure_ascii=False))
    out = tmp_path / "units.json"
    assert collect(out) == (2, "", "错误：评分项“C1”的 source “reports”不适用于 rate_bands 方法"
                                   "（可用：report_on_time、indicator_on_time、manual）\n")
    assert not out.exists()


def test_several_published_schemes_need_scheme(cast, tmp_path):
    publish(cast)
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    data["id"] = "another"
    publish(cast, json.dumps(data, ensure_ascii=False))
    out = tmp_path / "units.json"
    assert collect(out)[0::2] == (2, "错误：2026 年有多个已发布的评分细则（another、putuo-member-units），请用 --scheme 指定\n")
    code, _out, err = collect(out, key="another")
    assert (code, err, load_json(out)["scheme"]) == (0, "", "another")


def test_importing_a_scheme_with_an_unknown_source_is_refused(cast):
    from qualitygov.assessments.models import AssessmentScheme
    from qualitygov.core.errors import ServiceError

    data = json.loads(DEMO.read_text(encoding="utf-8"))
    data["sections"][1]["items"][0]["source"] = {"events": {"item_late": "late_items"}}
    with pytest.raises(ServiceError) as exc:
        services.scheme_import(actor=cast.office, text=json.dumps(data, ensure_ascii=False), year=2026)
    assert exc.value.fields == {"document": [
        "评分项“B1”的 source 中事件“item_late”对应的“late_items”不是平台能统计的数据（可用：late_report、missing_report、"
        "work_item_late、work_item_red、escalation_reminder、escalation_level_1、escalation_level_2、"
        "escalation_level_3、finding_overdue、finding_reopened、meeting_absence）"]}
    assert not AssessmentScheme.objects.exists()
