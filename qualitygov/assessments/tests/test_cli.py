"""`qualitygov assessment score [--json] [--pdf OUT.pdf] SCHEME.json UNITS.json`: output, exit codes, one error line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from qualitygov import cli
from qualitygov.assessments.score_cli import run_score
from qualitygov.core.testing import pdf_fonts, pdf_text

from .shared import FIXTURES

SCHEME = str(FIXTURES / "example-scheme.json")
UNITS = str(FIXTURES / "example-units.json")


def _run(scheme: str, units: str, *, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_score(scheme, units, as_json=as_json, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_json_prints_the_result_document():
    code, out, err = _run(SCHEME, UNITS, as_json=True)
    assert (code, err) == (0, "")
    assert out == (FIXTURES / "example-expected.json").read_text(encoding="utf-8") + "\n"


def test_without_json_a_chinese_table_per_group():
    code, out, err = _run(str(FIXTURES / "members-scheme.json"), str(FIXTURES / "members-units.json"))
    assert (code, err) == (0, "")
    assert out == (
        "成员单位质量工作年度考核（评分细则 members-2026）\n"
        "\n"
        "组别：department（3 个单位）\n"
        "名次  单位           得分  适用满分  基础分  加分  总分  等次  否决  等次上限  整改\n"
        "   1  区市场监管局  93.00       100   93.00     0  93.0  优秀  —     —         —\n"
        "   1  区经信局      93.00       100   93.00     0  93.0  优秀  —     —         —\n"
        "   3  区住建局      70.00       100   70.00     0  70.0  合格  —     —         约谈，2027-02-15 前\n"
        "\n"
        "组别：town（2 个单位）\n"
        "名次  单位   得分  适用满分  基础分  加分  总分  等次  否决  等次上限  整改\n"
        "   1  甲镇  91.00       100   91.00     0  91.0  优秀  —     —         —\n"
        "   2  乙镇  77.50       100   77.50     0  77.5  合格  —     —         —\n"
    )


def test_bad_scheme_exits_2_with_one_line_naming_the_file_and_item(tmp_path):
    data = json.loads((FIXTURES / "example-scheme.json").read_text(encoding="utf-8"))
    data["sections"][0]["items"][1]["method"] = "weighted"
    bad = tmp_path / "scheme.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _run(str(bad), UNITS, as_json=True) == (2, "", (
        f"错误：{bad}：评分细则中节点“A2”的 method 取值“weighted”无效，应为 judged、binary、graded、per_missing、"
        "ratio、rate_bands、event_deductions、indicator_shortfall、share_indicators 之一\n"))


def test_units_missing_a_leaf_input_exits_2_naming_the_unit_and_leaf(tmp_path):
    data = json.loads((FIXTURES / "example-units.json").read_text(encoding="utf-8"))
    del data["units"][1]["inputs"]["D1"]
    bad = tmp_path / "units.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _run(SCHEME, str(bad)) == (2, "", f"错误：{bad}：单位“乙镇”：缺少评分项“D1”的考核数据\n")


@pytest.mark.parametrize(("content", "message"), [
    (None, "文件不存在"),
    (b"{\"scheme\": ", "不是有效的 JSON（第 1 行第 12 列）"),
    (b"\xff\xfe{}", "不是 UTF-8 编码的文本文件"),
    (b"[]", "考核数据应为对象"),
])
def test_unreadable_or_not_json_units(tmp_path, content, message):
    path = tmp_path / "units.json"
    if content is not None:
        path.write_bytes(content)
    assert _run(SCHEME, str(path)) == (2, "", f"错误：{path}：{message}\n")


def test_a_directory_is_not_a_file(tmp_path):
    assert _run(str(tmp_path), UNITS) == (2, "", f"错误：{tmp_path}：这是一个目录，不是文件\n")


def test_through_the_management_command(capsys):
    call_command("assessment", "score", "--json", SCHEME, UNITS)
    captured = capsys.readouterr()
    assert json.loads(captured.out) == json.loads((FIXTURES / "example-expected.json").read_text(encoding="utf-8"))
    assert captured.err == ""

    with pytest.raises(SystemExit) as exited:
        call_command("assessment", "score", SCHEME, SCHEME)
    captured = capsys.readouterr()
    assert exited.value.code == 2
    assert (captured.out, captured.err) == ("", f"错误：{SCHEME}：考核数据缺少必填项 scheme\n")


def test_qualitygov_help_lists_the_command(capsys):
    assert cli.main(["--help"]) == 0
    assert ("  assessment     annual assessment: `assessment score [--json] [--pdf OUT.pdf] SCHEME.json UNITS.json` "
            "(no database)"
            in capsys.readouterr().out)


MEMBERS = (str(FIXTURES / "members-scheme.json"), str(FIXTURES / "members-units.json"))


def test_pdf_writes_the_ranked_table_per_group_and_keeps_the_json(tmp_path):
    out = tmp_path / "考核结果.pdf"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_score(*MEMBERS, as_json=True, stdout=stdout, stderr=stderr, pdf_path=str(out))
    assert (code, stderr.getvalue()) == (0, "")
    assert json.loads(stdout.getvalue())["scheme"] == "members-2026"  # stdout is still the result document
    assert pdf_text(out.read_bytes()) == [
        "成员单位质量工作年度考核结果",
        "评分细则 members-2026",
        "组别：department（3 个单位）",
        "名次 单位 得分 适用满分 基础分 加分 总分 等次 否决 等次上限 整改",
        "1 区市场监管局 93.00 100 93.00 0 93.0 优秀 — — —",
        "1 区经信局 93.00 100 93.00 0 93.0 优秀 — — —",
        "3 区住建局 70.00 100 70.00 0 70.0 合格 — — 约谈，2027-02-15 前",
        "组别：town（2 个单位）",
        "名次 单位 得分 适用满分 基础分 加分 总分 等次 否决 等次上限 整改",
        "1 甲镇 91.00 100 91.00 0 91.0 优秀 — — —",
        "2 乙镇 77.50 100 77.50 0 77.5 合格 — — —",
        "— 1 —",
    ]
    assert "Noto-Serif-CJK-SC" in pdf_fonts(out.read_bytes())


def test_pdf_through_the_command(tmp_path, capsys):
    out = tmp_path / "result.pdf"
    call_command("assessment", "score", "--pdf", str(out), *MEMBERS)
    assert capsys.readouterr().out.startswith("成员单位质量工作年度考核（评分细则 members-2026）\n")
    assert pdf_text(out.read_bytes())[0] == "成员单位质量工作年度考核结果"


def test_pdf_that_cannot_be_written_exits_1_after_printing_the_result(tmp_path):
    target = tmp_path / "missing-folder" / "result.pdf"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_score(*MEMBERS, as_json=False, stdout=stdout, stderr=stderr, pdf_path=str(target))
    assert code == 1
    assert stdout.getvalue().startswith("成员单位质量工作年度考核（评分细则 members-2026）\n")
    assert stderr.getvalue().startswith(f"错误：{target}：")
    assert stderr.getvalue().count("\n") == 1
    assert not target.exists()


def test_bad_input_with_pdf_still_exits_2_and_writes_no_pdf(tmp_path):
    out = tmp_path / "result.pdf"
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_score(SCHEME, SCHEME, as_json=False, stdout=stdout, stderr=stderr, pdf_path=str(out)) == 2
    assert (stdout.getvalue(), out.exists()) == ("", False)
