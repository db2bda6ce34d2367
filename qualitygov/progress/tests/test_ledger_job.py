"""The rectification ledger (整改台账) built in the background with the page's filters: the worker's
workbook is the direct export's, for the requester's scope, and only they and the office fetch it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualitygov.core.choices import JobKind, JobStatus
from qualitygov.core.models import AuditEvent, JobRun
from qualitygov.progress.services import finding_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def findings(cast):
    today = timezone.localdate()
    return [
        finding_create(actor=cast.office, source="office_supervision", title="台账资料不全", unit=cast.dept_a,
                       found_on=today - dt.timedelta(days=40), deadline=today - dt.timedelta(days=10)),
        finding_create(actor=cast.office, source="leader", title="工地扬尘管控不到位", unit=cast.dept_b,
                       found_on=today, deadline=today + dt.timedelta(days=30)),
        finding_create(actor=cast.office, source="public_tip", title="=农贸市场计量器具未检定", unit=cast.town,
                       found_on=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=10)),
    ]


def _cells(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.mark.parametrize(("member", "query", "titles"), [
    ("office", {}, ["工地扬尘管控不到位", "=农贸市场计量器具未检定", "台账资料不全"]),
    ("office", {"overdue": "on"}, ["台账资料不全"]),
    ("liaison_a", {}, ["台账资料不全"]),
])
def test_the_background_ledger_is_the_direct_export(cast, client_for, findings, member, query, titles):
    client = client_for(member)
    direct = client.get(reverse("progress:finding_list_xlsx"), query)
    assert 'data-testid="ledger-export-job"' in client.get(reverse("progress:finding_list"), query).content.decode()
    url = reverse("progress:finding_list_xlsx_job") + ("?overdue=on" if query else "")
    response = client.post(url)
    job = JobRun.objects.get()
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (job.kind, job.actor, job.label) == (JobKind.EXPORT, cast.members[member], "整改台账")
    assert job.kwargs == {"query": {"overdue": ["on"]} if query else {}}
    call_command("worker", "--burst", stdout=io.StringIO())
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == (
        JobStatus.SUCCEEDED, len(titles), len(titles), 100)
    assert job.result_name == f"整改台账{timezone.localdate():%Y%m%d}.xlsx"
    download = client.get(reverse("core:job_download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert download["Content-Disposition"] == direct["Content-Disposition"]
    assert _cells(content) == _cells(direct.content)
    assert [row[1] for row in _cells(content)[1:]] == titles


def test_only_the_requester_and_the_office_fetch_the_ledger(cast, client_for, findings):
    client_for("liaison_a").post(reverse("progress:finding_list_xlsx_job"))
    call_command("worker", "--burst", stdout=io.StringIO())
    job = JobRun.objects.get()
    events = AuditEvent.objects.count()
    assert client_for("liaison_b").get(reverse("core:job_download", args=[job.pk])).status_code == 404
    assert client_for("liaison_b").post(reverse("core:job_retry", args=[job.pk])).status_code == 404
    assert AuditEvent.objects.count() == events
    assert client_for("office").get(reverse("core:job_download", args=[job.pk])).status_code == 200
