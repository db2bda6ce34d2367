"""The `qualitygov entities` commands.

Contract: `run_check` reads the file without touching the database and prints (with `--json`) exactly
`{"rows": n, "valid": n, "invalid": [{"line": n, "code": "...", "reason": "..."}]}`; it returns 0 when
every code is valid, 1 when some are not, 2 on a file it cannot read (one Chinese line on stderr).
`run_import` returns 0 when imported (or, with `--dry-run`, when the file has no bad row), 1 when the
file has bad rows (nothing written), 2 on a file it cannot read.
"""

from __future__ import annotations

import json
import os
from typing import TextIO

from django.conf import settings

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    pass


def _read(path: str) -> bytes:
    if not os.path.isfile(path):
        raise BadInput(f"文件不存在或不是普通文件：{path}")
    limit = getattr(settings, "QUALITYGOV_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise BadInput(f"无法读取文件：{path}（{exc.strerror or exc}）") from None
    if len(data) > limit:
        raise BadInput(f"文件超过 {limit // (1024 * 1024)} MB 的上限：{path}")
    if not data:
        raise BadInput(f"文件为空：{path}")
    return data


def _dump(payload: dict, stdout: TextIO) -> None:
    stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


def run_check(path: str, *, as_json: bool, stdout: TextIO, stderr: TextIO) -> int:
    from .importer import TableError, check_codes

    try:
        result = check_codes(os.path.basename(path), _read(path))
    except (BadInput, TableError) as exc:
        stderr.write(f"{getattr(exc, 'message', exc)}\n")
        return EXIT_BAD_INPUT
    if as_json:
        _dump(result, stdout)
    else:
        stdout.write(f"共 {result['rows']} 行，有效 {result['valid']} 行，无效 {len(result['invalid'])} 行\n")
        for row in result["invalid"]:
            stdout.write(f"  第{row['line']}行 {row['code']}：{row['reason']}\n")
    return EXIT_OK if not result["invalid"] else EXIT_INVALID


def run_import(path: str, *, dry_run: bool, as_json: bool, actor_name: str | None, stdout: TextIO,
               stderr: TextIO) -> int:
    import hashlib

    from qualitygov.accounts.models import User
    from qualitygov.core.errors import ServiceError
    from qualitygov.core.uploads import CheckedFile

    from .services import ImportRefused, entity_import_plan, entity_import_run, may_write

    try:
        data = _read(path)
        actor = None
        if actor_name:
            actor = User.objects.filter(username=actor_name, is_active=True).first()
            if actor is None or not may_write(actor):
                raise BadInput(f"用户“{actor_name}”不存在或无权导入市场主体")
        name = os.path.basename(path)
        if dry_run:
            plan = entity_import_plan(name=name, data=data)
        else:
            ext = os.path.splitext(name)[1].lower()
            checked = CheckedFile(name=name, data=data, extension=ext, content_type="application/octet-stream",
                                  sha256=hashlib.sha256(data).hexdigest())
            try:
                _imp, plan = entity_import_run(actor=actor, checked=checked)
            except ImportRefused as exc:
                plan = exc.plan
    except BadInput as exc:
        stderr.write(f"{exc}\n")
        return EXIT_BAD_INPUT
    except ServiceError as exc:
        stderr.write(f"{exc.message}\n")
        return EXIT_BAD_INPUT
    imported = not dry_run and not plan.error_count
    if as_json:
        _dump({**plan.as_json(), "dry_run": dry_run, "imported": imported}, stdout)
    else:
        c = plan.counts
        verb = "试导入（未写入）" if dry_run else ("已导入" if imported else "未导入（文件有错误，未写入任何数据）")
        stdout.write(f"{name}：{verb}。共 {c['rows']} 行：新增 {c['new']}，变更 {c['changed']}，"
                     f"未变 {c['unchanged']}，错误 {c['errors']}\n")
        for error in plan.errors:
            stdout.write(f"  {error}\n")
        if plan.error_count > len(plan.errors):
            stdout.write(f"  ……另有 {plan.error_count - len(plan.errors)} 处错误未列出\n")
    return EXIT_INVALID if plan.error_count else EXIT_OK
