"""`qualitygov plan import FILE [--yes] [--actor USER]`: parse, summarise in Chinese, ask, import.

Contract: `run_import` returns 0 when the plan was imported (or the revision had no changes),
1 when the operator declined (nothing written), 2 on bad input with one line on stderr (nothing
written). The file is parsed and summarised before anything is written; the import row and the
plan are then written together in one transaction.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import translation

from qualitygov.accounts.models import User
from qualitygov.core.errors import ServiceError
from qualitygov.plans.permissions import can_import_plans

from .review import ImportReview, plan_import_review
from .services import plan_import_confirm, plan_import_draft, plan_import_preview

EXIT_OK = 0
EXIT_DECLINED = 1
EXIT_BAD_INPUT = 2


def _read(path: str) -> bytes:
    if not os.path.isfile(path):
        raise ServiceError(f"文件不存在或不是普通文件：{path}")
    limit = settings.QUALITYGOV_MAX_UPLOAD_BYTES
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ServiceError(f"无法读取文件：{path}（{exc.strerror or exc}）") from None
    return data


def _actor(name: str | None) -> User | None:
    if not name:
        return None
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None or not can_import_plans(user):
        raise ServiceError(f"用户“{name}”不存在或无权导入方案")
    return user


def summary(review: ImportReview) -> str:
    """The plan as it will be imported, in Chinese: counts, units still to create, warnings, changes."""
    plan = review.plan
    counts = review.counts
    period = plan.get("period")
    lines = [
        f"标题：{plan.get('title') or '（未识别）'}",
        f"发文单位：{plan.get('issuer') or '（未识别）'}    文号：{plan.get('doc_number') or '（未识别）'}",
        f"实施期：{f'{period[0]}—{period[1]}年' if period else '（未注明）'}",
        f"章节 {counts['sections']} 个，任务组 {counts['groups']} 个，任务 {counts['tasks']} 项，"
        f"指标 {counts['indicators']} 个，责任单位 {counts['units']} 个",
    ]
    unresolved = review.unresolved
    if unresolved:
        lines.append(f"未匹配的责任单位 {len(unresolved)} 个（确认后将在区下新建）：")
        for res in unresolved:
            note = f"，与“{res.merged_with}”视为同一单位" if res.merged_with else ""
            lines.append(f"  - {res.name}（{res.kind_label}{note}）")
    else:
        lines.append("责任单位：全部匹配到已有单位")
    if review.warnings:
        lines.append(f"提示 {len(review.warnings)} 条：")
        lines.extend(f"  - {w}" for w in review.warnings)
    if review.diff is not None:
        c = review.diff.counts
        lines.append(f"这是已有方案“{review.revises.title}”（第 {review.revises.revision} 版）的修订：")
        if review.diff.empty:
            lines.append("  与已导入版本相同，没有变化")
        else:
            lines.append(f"  任务：新增 {c['tasks_added']}、删除 {c['tasks_removed']}、修改 {c['tasks_changed']}、"
                         f"不变 {c['tasks_unchanged']}")
            lines.append(f"  指标：新增 {c['indicators_added']}、删除 {c['indicators_removed']}、"
                         f"修改 {c['indicators_changed']}、不变 {c['indicators_unchanged']}")
            if review.diff.header:
                lines.append(f"  基本信息变化：{'、'.join(review.diff.header)}")
        if review.diff.kept:
            lines.append(f"  保留已审核的内容 {len(review.diff.kept)} 项：")
            lines.extend(f"    - {line}" for line in review.diff.kept_messages)
    return "\n".join(lines) + "\n"


def _ask(stdout: TextIO) -> bool:
    stdout.write("确认导入？[y/N] ")
    stdout.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in {"y", "yes", "是"}


def run_import(path: str, *, assume_yes: bool, actor_name: str | None, stdout: TextIO, stderr: TextIO) -> int:
    """Import the plan document at `path`; see the module docstring for exit codes."""
    with translation.override(settings.LANGUAGE_CODE):
        return _run_import(path, assume_yes=assume_yes, actor_name=actor_name, stdout=stdout, stderr=stderr)


def _run_import(path: str, *, assume_yes: bool, actor_name: str | None, stdout: TextIO, stderr: TextIO) -> int:
    try:
        actor = _actor(actor_name)
        data = _read(path)
        draft = plan_import_draft(filename=os.path.basename(path), data=data)
    except ServiceError as exc:
        stderr.write(f"错误：{exc.message}\n")
        return EXIT_BAD_INPUT
    stdout.write(summary(plan_import_review(draft)))
    if not assume_yes and not _ask(stdout):
        stdout.write("已取消，未写入任何数据。\n")
        return EXIT_DECLINED
    try:
        with transaction.atomic():
            plan_import = plan_import_preview(actor=actor, filename=os.path.basename(path), data=data)
            plan = plan_import_confirm(actor=actor, plan_import=plan_import)
    except ServiceError as exc:
        stderr.write(f"错误：{exc.message}（未写入任何数据）\n")
        return EXIT_BAD_INPUT
    plan_import.refresh_from_db()
    outcome = plan_import.outcome
    if outcome.get("created"):
        stdout.write(f"已导入方案“{plan.title}”（编号 {plan.pk}）。\n")
    elif outcome.get("revised"):
        stdout.write(f"已更新方案“{plan.title}”为第 {plan.revision} 版。\n")
    else:
        stdout.write(f"方案“{plan.title}”没有变化，未作修改。\n")
    for warning in outcome.get("warnings", []):
        stdout.write(f"提示：{warning}\n")
    return EXIT_OK
