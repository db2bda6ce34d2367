"""Background jobs of the plan workspace: the task breakdown table built by the worker (后台生成).

The job reads as the user who asked (`job.actor`), through the same selectors as the page, so the
workbook holds exactly the tasks that user may see, as the direct download does.
"""

from __future__ import annotations

from qualitygov.core.jobs import JobFile

from . import io as plan_io
from . import selectors


def breakdown_export(job, *, plan_id: int) -> JobFile:
    """The plan's breakdown table (.xlsx) for `job.actor`, reporting a step per task row."""
    plan = selectors.plan_get_visible(user=job.actor, pk=plan_id)
    tasks = list(selectors.task_list_visible(user=job.actor, plan=plan))
    job.progress(0, len(tasks))
    content = plan_io.breakdown_xlsx(plan, tasks, progress=job.progress)
    return JobFile(plan_io.breakdown_filename(plan, "xlsx"), content, {"rows": len(tasks)})
