"""`qualitygov feeds import SOURCE FILE [--dry-run] [--json] [--actor USER]`: check, then import a feed file.

Exit 0 when the file reads (and, without --dry-run, was imported or was identical to an imported one);
2 when it has errors (nothing imported) or cannot be imported; the JSON summary lists
`errors: [{row, column, message}]`, the counts per figure and what changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Data feeds: check and import an upper system's export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="check a file and import it (all or nothing)")
        imp.add_argument("source", help="c12315, inspections, sampling, credit, air or water")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="only show what would change")
        imp.add_argument("--json", action="store_true", dest="as_json")
        imp.add_argument("--actor", default=None, help="user name recorded as the importer (default: system)")

    def handle(self, *args, action: str, **options):
        code = run_import(options["source"], options["file"], dry=options["dry_run"], as_json=options["as_json"],
                          actor_name=options["actor"], stdout=self.stdout)
        if code:
            sys.exit(code)


def run_import(key: str, path: str, *, dry: bool, as_json: bool, actor_name: str | None, stdout) -> int:
    from qualitygov.accounts.models import User
    from qualitygov.core.errors import ServiceError
    from qualitygov.feeds.mappings import SOURCE_KEYS
    from qualitygov.feeds.services import dry_run, feed_import, source_get

    if key not in SOURCE_KEYS:
        raise CommandError(f"unknown source {key!r} (one of: {', '.join(SOURCE_KEYS)})")
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"no such file: {path}")
    actor = None
    if actor_name:
        actor = User.objects.filter(username=actor_name).first()
        if actor is None:
            raise CommandError(f"no such user: {actor_name}")
    data = file.read_bytes()
    source = source_get(key)
    run = dry_run(source=source, name=file.name, data=data)
    summary = run.summary()
    summary["dry_run"] = dry
    summary["imported"] = False
    code = 0 if run.ok else 2
    if run.ok and not dry:
        if run.identical is not None:
            summary["message"] = "与已导入的文件完全相同，未作任何更改"
        else:
            try:
                result = feed_import(actor=actor, source=source, name=file.name, data=data)
            except ServiceError as exc:
                summary["message"] = str(exc.message)
                code = 2
            else:
                summary.update(imported=True, file_id=result.file.pk, measure_keys=result.keys,
                               superseded=result.superseded)
    if as_json:
        stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        return code
    totals = summary["totals"]
    stdout.write(f"{file.name}: {summary['rows']} 行，月份 {'、'.join(summary['months']) or '—'}")
    for error in run.read.errors:
        stdout.write(f"  错误 {error}")
    if run.read.error_count > len(run.read.errors):
        stdout.write(f"  …… 共{run.read.error_count}处错误")
    if run.ok:
        stdout.write(f"  新增{totals['new']}，变更{totals['changed']}，不变{totals['unchanged']}，删除{totals['removed']}")
    if summary.get("message"):
        stdout.write(f"  {summary['message']}")
    if dry:
        stdout.write("  （试导入，未写入数据库）")
    elif summary["imported"]:
        stdout.write(f"  已导入（文件编号{summary['file_id']}）")
    return code
