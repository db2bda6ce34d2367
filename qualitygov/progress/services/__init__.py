"""Writes to task progress: work items, cycles, reports and parts, evidence, extensions, findings, lights.

Every function checks that `actor` may act (actor None is the system: the CLI, jobs, the demo
loader), changes state through the named transitions in choices.py, and writes its audit event in
the same transaction. A unit that may not see an object gets NotFoundError, as for a missing one.

Who may do what (actions from accounts.choices.ROLE_ACTIONS, at the unit concerned):
  manage   the office: sets up work items and cycles, approves proposed items
  change   the unit's liaison: proposes items, files parts (co unit) and reports (lead unit),
           returns or accepts parts (lead unit), requests extensions, rectifies findings
  review   the office (and reviewers): approves or returns reports, raises and verifies findings
  approve  the office and leaders: decide extension requests
"""

from __future__ import annotations

from .findings import (  # noqa: F401
    finding_create,
    finding_plan,
    finding_reject,
    finding_reopen,
    finding_submit,
    finding_verify,
)
from .lighting import (  # noqa: F401
    light_rule_set_create,
    lights_recompute,
    lights_refresh,
)
from .reports import (  # noqa: F401
    evidence_attach,
    extension_approve,
    extension_reject,
    extension_request_create,
    report_approve,
    report_part_accept,
    report_part_return,
    report_part_save,
    report_part_submit,
    report_return,
    report_save,
    report_submit,
)
from .work_items import (  # noqa: F401
    cycle_create,
    cycle_label,
    cycle_open,
    cycles_open_due,
    cycles_schedule,
    milestone_complete,
    work_item_approve,
    work_item_cancel,
    work_item_complete,
    work_item_create,
    work_item_propose,
    work_item_reject,
    work_item_reopen,
    work_item_update,
    work_items_create_for_towns,
)
