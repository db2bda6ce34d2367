"""``run_parse`` and ``python -m qualitygov.planimport.importer.cli``: output, exit codes and bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from qualitygov.planimport.importer import readers
from qualitygov.planimport.importer.cli import run_parse
from qualitygov.plans.demo import SEED as SEED_FILE

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
SEED = SEED_FILE
SCHEMA = json.loads((HERE.parent / "importer" / "plan.schema.json").read_text(encoding="utf-8"))
TITLE = "普陀区深入贯彻落实《质量强国建设纲要》加快建设质量强区的实施方案（2023—2027年）"


def _run(path: Path, *, as_json: bool = True) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_parse(str(path), as_json=as_json, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_seed_json() -> None:
    code, out, err = _run(SEED)
    assert (code, err) == (0, "")
    plan = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(plan)
    assert plan["title"] == TITLE
    assert len(plan["tasks"]) == 20
    assert "  \"title\": \"普陀区" in out  # indent=2, ensure_ascii=False


def test_seed_summary() -> None:
    code, out, _ = _run(SEED, as_json=False)
    assert code == 0
    assert out.splitlines()[0] == f"标题：{TITLE}"
    assert "任务：20 项；指标：18 个（目标 14 个，任务 4 个）" in out


def test_gb18030_and_html_and_docx(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    gbk = tmp_path / "plan.txt"
    gbk.write_bytes(text.encode("gb18030"))
    html = tmp_path / "plan.html"
    body = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    html.write_text(f"<html><head><meta charset='utf-8'><title>站点</title><script>var a=1;</script></head><body>{body}</body></html>", encoding="utf-8")
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    path_docx = tmp_path / "plan.docx"
    document.save(path_docx)
    for path in (gbk, html, path_docx):
        code, out, err = _run(path)
        assert (code, err) == (0, ""), path
        plan = json.loads(out)
        assert plan["title"] == TITLE
        assert len(plan["tasks"]) == 20


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "错误：文件为空\n"),
        ("blank.txt", b"  \n\n ", "错误：文件为空\n"),
        ("binary.bin", bytes(range(256)) * 20, "错误：文件是二进制数据，不是文本文档\n"),
        ("doc.pdf", b"%PDF-1.7 ...", "错误：无法读取 PDF 文件：PdfStreamError\n"),
        ("bad.docx", b"PK\x03\x04 broken", "错误：无法读取 Word 文档（.docx）：BadZipFile\n"),
        ("news.txt", "某区召开质量工作会议\n会议强调，要提高认识。".encode(), "错误：不是实施方案类文件：未找到方案标题及“一、二、三”章节结构\n"),
    ],
)
def test_bad_input(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = _run(path)
    assert (code, out, err) == (2, "", message)


def test_missing_file(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path / "nope.txt")
    assert code == 2 and err.startswith("错误：文件不存在：")


def test_docx_without_document_part(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    code, _, err = _run(path)
    assert code == 2 and err.startswith("错误：无法读取 Word 文档")


def test_too_large_is_rejected_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper

    def fail(*args, **kwargs):
        raise AssertionError("the file must not be read")

    monkeypatch.setattr(readers, "read_plan_bytes", fail)
    code, _, err = _run(path)
    assert (code, err) == (2, "错误：文件过大：50 MB，超过 20 MB 上限\n")


def test_subprocess_entry_point(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qualitygov.planimport.importer.cli", str(SEED), "--json"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["doc_number"] == "普质强区发〔2023〕1号"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "qualitygov.planimport.importer.cli", str(empty), "--json"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "错误：文件为空\n")
