"""URL kwargs for the permission matrix: the annual work plan's pages.

Work plans are district records: every signed-in user reads them; only an office holding the whole
district writes (`district_wide`), so an office admin granted on one department gets 404.
"""

from __future__ import annotations

TEXT = "矩阵样例{year}年工作要点\n一、样例任务组\n1. 样例要点（牵头单位：区经信局；配合单位：区住建局；完成时限：{year}年6月底前）\n"


def _plan(cast):
    from qualitygov.plans.models import Plan
    from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory

    plan = Plan.objects.filter(title="矩阵样例工作要点方案").first()
    if plan is None:
        plan = plan_factory(title="矩阵样例工作要点方案")
        group = group_factory(plan=plan, number="一", title="样例任务组")
        task_factory(plan=plan, group=group, title="样例任务", lead=[cast.dept_a])
    return plan


def _import(cast, year: int):
    from qualitygov.workplans.models import WorkPlanImport
    from qualitygov.workplans.services import work_plan_import_preview

    from .factories import checked

    found = WorkPlanImport.objects.filter(year=year, plan__title="矩阵样例工作要点方案").first()
    return found or work_plan_import_preview(actor=cast.office, plan=_plan(cast), year=year,
                                             checked=checked("样例.txt", TEXT.format(year=year).encode()))


def _work_plan(cast, year: int, *, published: bool):
    from qualitygov.workplans.models import WorkPlan
    from qualitygov.workplans.services import work_plan_import_confirm, work_plan_publish

    found = WorkPlan.objects.filter(year=year, plan__title="矩阵样例工作要点方案").first()
    if found is None:
        found = work_plan_import_confirm(actor=cast.office, imp=_import(cast, year))
        if published:
            found = work_plan_publish(actor=cast.office, work_plan=found)
    return found


def _office(**extra):
    return lambda cast: {"district_wide": True, **extra}


SAMPLES = {
    "workplans:import_upload": _office(),
    "workplans:import_review": lambda cast: {"pk": _import(cast, 2040).pk, "district_wide": True},
    "workplans:import_cancel": lambda cast: {"pk": _import(cast, 2040).pk, "district_wide": True, "get_status": 405},
    "workplans:detail": lambda cast: {"pk": _work_plan(cast, 2041, published=True).pk},
    "workplans:docx": lambda cast: {"pk": _work_plan(cast, 2041, published=True).pk},
    "workplans:xlsx": lambda cast: {"pk": _work_plan(cast, 2041, published=True).pk},
    "workplans:publish": lambda cast: {"pk": _work_plan(cast, 2042, published=False).pk, "district_wide": True,
                                       "get_status": 405},
    "workplans:roll_over": lambda cast: {"pk": _work_plan(cast, 2041, published=True).pk, "district_wide": True},
    "workplans:key_point_edit": lambda cast: {
        "pk": _work_plan(cast, 2042, published=False).key_points.get().pk, "district_wide": True},
}
