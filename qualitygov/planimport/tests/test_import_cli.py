"""`qualitygov plan import FILE [--yes] [--actor USER]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from qualitygov.planimport.cli import run_import
from qualitygov.planimport.models import PlanImport
from qualitygov.plans.demo import SEED
from qualitygov.plans.models import Plan

from .test_import_services import add_demo_departments, revised_seed_text, row_counts


@pytest.fixture
def demo_org(cast):
    """The cast plus the demo district's departments."""
    return add_demo_departments(cast)


def run(path, *, yes: bool, actor: str | None = None, answer: str = "", monkeypatch=None) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    code = run_import(str(path), assume_yes=yes, actor_name=actor, stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_import_with_yes(demo_org):
    code, out, err = run(SEED, yes=True, actor="office")
    plan = Plan.objects.get()
    assert (code, err) == (0, "")
    assert "章节 3 个，任务组 6 个，任务 20 项，指标 18 个，责任单位 25 个" in out
    assert "责任单位：全部匹配到已有单位" in out
    assert out.endswith(f"已导入方案“{plan.title}”（编号 {plan.pk}）。\n")
    assert PlanImport.objects.get().created_by == demo_org.office


def test_answering_no_writes_nothing(demo_org, monkeypatch):
    before = row_counts()
    code, out, err = run(SEED, yes=False, answer="n\n", monkeypatch=monkeypatch)
    assert (code, err) == (1, "")
    assert "确认导入？[y/N] " in out and out.endswith("已取消，未写入任何数据。\n")
    assert row_counts() == before


def test_answering_yes_imports(demo_org, monkeypatch):
    code, _out, _ = run(SEED, yes=False, answer="y\n", monkeypatch=monkeypatch)
    assert code == 0
    assert Plan.objects.get().tasks.count() == 20


def test_unresolved_units_are_listed(cast):
    code, out, _ = run(SEED, yes=True)
    assert code == 0
    assert "未匹配的责任单位 22 个（确认后将在区下新建）：" in out
    assert "  - 区资规分局（区直部门，与“区资源规划分局”视为同一单位）" in out


def test_revision_is_summarised_and_applied(demo_org, tmp_path):
    run(SEED, yes=True)
    revised = tmp_path / "plan-v2.txt"
    revised.write_text(revised_seed_text(), encoding="utf-8")
    code, out, _ = run(revised, yes=True)
    assert code == 0
    assert "  任务：新增 0、删除 1、修改 14、不变 5" in out
    assert "  指标：新增 1、删除 0、修改 0、不变 18" in out
    assert Plan.objects.get().revision == 2
    code, out, _ = run(revised, yes=True)
    assert out.endswith("没有变化，未作修改。\n")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.txt", None, "错误：文件不存在或不是普通文件："),
    ("plan.docx", b"MZ\x90\x00" + b"\x00" * 64, "错误：文件名为 .docx，但内容不是 Word 文档。\n"),
    ("empty.txt", b"", "错误：文件为空。\n"),
    ("news.txt", "本报讯 今天天气晴。\n".encode() * 20, "错误：不是实施方案类文件：未找到方案标题及“一、二、三”章节结构\n"),
])
def test_bad_input_exits_2_with_one_line(cast, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = row_counts()
    code, out, err = run(path, yes=True)
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1
    assert row_counts() == before


def test_unknown_or_unauthorised_actor_is_refused(cast):
    before = row_counts()
    assert run(SEED, yes=True, actor="nobody")[2] == "错误：用户“nobody”不存在或无权导入方案\n"
    assert run(SEED, yes=True, actor="liaison_a")[0] == 2
    assert row_counts() == before


def test_management_command(demo_org):
    call_command("plan", "import", str(SEED), "--yes")
    assert Plan.objects.count() == 1


def test_reimporting_the_reviewed_seed_lists_the_kept_name(demo_org):
    from qualitygov.planimport.demo import load as load_seed

    load_seed()
    code, out, _err = run(SEED, yes=True)
    assert code == 0
    assert "  与已导入版本相同，没有变化\n  保留已审核的内容 1 项：\n    - 指标 I13：新文件中的名称“地表水省控…到或优于Ⅲ类水质比例”不如已审核的“地表水省控断面达到或优于Ⅲ类水质比例”，保留已审核的名称。\n" in out
    assert Plan.objects.get().indicators.get(code="I13").name == "地表水省控断面达到或优于Ⅲ类水质比例"
