"""``qualitygov plan parse FILE [--json]`` without Django.

Contract: ``run_parse(path, as_json=..., stdout=..., stderr=...)`` returns 0 on success; on unreadable,
empty, binary or non-plan input it writes one Chinese line to ``stderr`` and returns 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from .errors import PlanImportError
from .parse import parse_plan
from .readers import read_plan_file

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def run_parse(path: str, *, as_json: bool, stdout: TextIO, stderr: TextIO) -> int:
    """Parse the plan at ``path`` and print it (JSON or a short Chinese summary)."""
    try:
        text = read_plan_file(path)
        plan = parse_plan(text)
    except PlanImportError as exc:
        stderr.write(f"错误：{exc.message}\n")
        return EXIT_BAD_INPUT
    except (MemoryError, RecursionError):
        stderr.write("错误：文件内容过于复杂，无法解析\n")
        return EXIT_BAD_INPUT
    except Exception as exc:  # a parser bug must still end in one line, not a traceback
        stderr.write(f"错误：解析失败（{type(exc).__name__}），请将文件提交给维护人员\n")
        return EXIT_BAD_INPUT
    if as_json:
        stdout.write(json.dumps(plan, ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(summarise(plan))
    return EXIT_OK


def summarise(plan: dict) -> str:
    """A short human summary of a parsed plan, in Chinese."""
    period = plan.get("period")
    goals = sum(1 for i in plan["indicators"] if i["scope"] == "goals")
    lines = [
        f"标题：{plan['title'] or '（未识别）'}",
        f"发文单位：{plan['issuer'] or '（未识别）'}",
        f"文号：{plan['doc_number'] or '（未识别）'}",
        f"成文日期：{plan['issued_on'] or '（未识别）'}",
        f"实施期：{f'{period[0]}—{period[1]}年' if period else '（未注明）'}",
        f"章节：{len(plan['sections'])} 个；任务：{len(plan['tasks'])} 项；"
        f"指标：{len(plan['indicators'])} 个（目标 {goals} 个，任务 {len(plan['indicators']) - goals} 个）；"
        f"责任单位：{len(plan['departments'])} 个",
    ]
    c = plan["cleanup"]
    lines.append(
        f"清理：删除垃圾行 {c['spam_lines_removed']} 行、网页杂项 {c['chrome_lines_removed']} 行、"
        f"拼音注音 {c['pinyin_annotations_removed']} 处，繁转简 {c['traditional_converted']} 字"
    )
    if plan["warnings"]:
        lines.append(f"需人工核对（{len(plan['warnings'])} 条）：")
        lines.extend(f"  - {w}" for w in plan["warnings"])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qualitygov plan parse", description="解析实施方案文件")
    parser.add_argument("file", help=".txt、.html、.docx 或 .pdf 文件")
    parser.add_argument("--json", action="store_true", help="输出符合 plan.schema.json 的 JSON")
    args = parser.parse_args(argv)
    return run_parse(args.file, as_json=args.json, stdout=sys.stdout, stderr=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
