"""The plan import's apply step as a background job (后台导入): confirmed from the review page, written
by the worker with its progress on the jobs page and a link to the plan; a refusal fails it at once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from qualitygov.core.choices import JobKind, JobStatus
from qualitygov.core.models import AuditEvent, JobRun
from qualitygov.planimport.choices import ImportStatus
from qualitygov.planimport.models import PlanImport
from qualitygov.plans.demo import SEED
from qualitygov.plans.models import Plan

from .test_import_services import add_demo_departments
from .test_import_views import form_data, upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_imports_a_plan_in_the_background(client_for, cast):
    add_demo_departments(cast)
    office = client_for("office")
    upload(office)
    plan_import = PlanImport.objects.get()
    review = office.get(reverse("planimport:import_review", args=[plan_import.pk]))
    assert 'data-testid="confirm-import-background"' in review.content.decode()
    data = {**form_data(review.context["form"]), "background": "1"}

    response = office.post(reverse("planimport:import_confirm", args=[plan_import.pk]), data)
    job = JobRun.objects.get()
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (job.kind, job.actor, job.kwargs, job.status) == (JobKind.IMPORT, cast.office,
                                                             {"import_id": plan_import.pk}, JobStatus.QUEUED)
    assert job.label == f"方案导入：{SEED.name}"
    assert Plan.objects.count() == 0  # nothing written until the worker runs it
    # Asked twice (a double click): the second run finds the import confirmed and fails without retrying.
    office.post(reverse("planimport:import_confirm", args=[plan_import.pk]), data)
    second = JobRun.objects.exclude(pk=job.pk).get()

    out = io.StringIO()
    call_command("worker", "--burst", stdout=out)
    assert "Tasks run: 2." in out.getvalue()
    plan = Plan.objects.get()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.percent) == (JobStatus.SUCCEEDED, 1, 100)
    assert job.result == {"url": reverse("plans:plan_detail", args=[plan.pk]), "plan": plan.pk, "revision": 1,
                          "created": True, "revised": False}
    assert PlanImport.objects.get().status == ImportStatus.CONFIRMED
    page = office.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("plans:plan_detail", args=[plan.pk])}" data-testid="job-result-link"' in page
    second.refresh_from_db()
    assert (second.status, second.attempts, second.error) == (JobStatus.FAILED, 1, "本次导入的状态已是“已确认”。")
    assert list(AuditEvent.objects.filter(object_type="core.jobrun", object_id=str(second.pk))
                .values_list("action", flat=True).order_by("seq")) == ["job.enqueue", "job.fail"]


def test_a_liaison_cannot_import_in_the_background(client_for, cast):
    add_demo_departments(cast)
    upload(client_for("office"))
    plan_import = PlanImport.objects.get()
    before = AuditEvent.objects.count()
    response = client_for("liaison_a").post(reverse("planimport:import_confirm", args=[plan_import.pk]),
                                            {"background": "1"})
    assert response.status_code == 404
    assert (JobRun.objects.count(), AuditEvent.objects.count()) == (0, before)
