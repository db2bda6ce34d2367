"""The task breakdown table built in the background (后台生成): queued from the plan page, run by the
worker (`qualitygov worker --burst`), the same workbook as the direct download, offered to the
requester and the office only."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.core.choices import JobKind, JobStatus
from qualitygov.core.models import AuditEvent, JobRun

from .factories import PLAN_TITLE, workspace_plan

# The worker closes stale connections as the cluster does: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def _sheet(content: bytes) -> dict:
    """What a reader sees of the workbook: every sheet's cells, merges, widths, panes and print setup."""
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: {"rows": list(ws.iter_rows(values_only=True)), "merged": [str(r) for r in ws.merged_cells.ranges],
                       "widths": {k: d.width for k, d in ws.column_dimensions.items()}, "panes": ws.freeze_panes,
                       "print_titles": ws.print_title_rows, "orientation": ws.page_setup.orientation}
            for ws in wb.worksheets}


@pytest.mark.parametrize("member", ["office", "liaison_b"])
def test_the_background_export_is_the_direct_export(cast, client_for, member):
    plan = workspace_plan(cast)
    client = client_for(member)
    direct = client.get(reverse("plans:export_xlsx", args=[plan.pk]))
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert f'action="{reverse("plans:export_xlsx_job", args=[plan.pk])}"' in page

    response = client.post(reverse("plans:export_xlsx_job", args=[plan.pk]))
    job = JobRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (job.kind, job.status, job.actor, job.kwargs) == (JobKind.EXPORT, JobStatus.QUEUED,
                                                             cast.members[member], {"plan_id": plan.pk})
    assert job.label == f"任务分解表：{plan.title}"
    waiting = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("core:job_progress", args=[job.pk])}"' in waiting  # polls while queued
    assert 'data-testid="job-download"' not in waiting
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404  # no file yet

    call_command("worker", "--burst", stdout=io.StringIO())
    job.refresh_from_db()
    rows = 4 if member == "office" else 2
    assert (job.status, job.progress_done, job.progress_total, job.percent) == (JobStatus.SUCCEEDED, rows, rows, 100)
    assert job.result == {"rows": rows, "size": len(job_file := b"".join(
        client.get(reverse("core:job_download", args=[job.pk])).streaming_content))}
    assert job.result_name == f"{PLAN_TITLE}任务分解表.xlsx"
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download["Content-Type"] == direct["Content-Type"]
    assert download["Content-Disposition"] == direct["Content-Disposition"]
    assert _sheet(job_file) == _sheet(direct.content)
    done = client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done and 'data-percent="100"' in done and 'data-testid="job-download"' in done


def test_another_liaison_cannot_fetch_the_file_and_nothing_changes(cast, client_for):
    plan = workspace_plan(cast)
    client_for("liaison_a").post(reverse("plans:export_xlsx_job", args=[plan.pk]))
    call_command("worker", "--burst", stdout=io.StringIO())
    job = JobRun.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    events = AuditEvent.objects.count()
    for member in ("liaison_b", "town_liaison"):
        assert client_for(member).get(reverse("core:job_download", args=[job.pk])).status_code == 404
        assert client_for(member).get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    assert client_for("office").get(reverse("core:job_download", args=[job.pk])).status_code == 200
    assert client_for("liaison_a").get(reverse("core:job_download", args=[job.pk])).status_code == 200
    assert AuditEvent.objects.count() == events
    assert JobRun.objects.get().result_file == job.result_file


def test_a_missing_plan_queues_nothing(cast, client_for):
    before = AuditEvent.objects.count()
    response = client_for("town_liaison").post(reverse("plans:export_xlsx_job", args=[999999]))
    assert response.status_code == 404
    assert JobRun.objects.count() == 0 and AuditEvent.objects.count() == before
