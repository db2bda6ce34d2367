"""URL kwargs for the permission matrix: the notification pages, `/api/v1/notifications/` and the
background jobs pages (a finished export of the office's: only the office may open it)."""

from __future__ import annotations


def _notice_of_liaison_a(cast) -> int:
    from qualitygov.core.notifications import notification_send

    notice = notification_send(recipient=cast.liaison_a, kind="test", subject="请于6月30日前报送", url="/",
                               dedup_key="matrix-sample", email=False)
    return notice.pk if notice is not None else _existing()


def _existing() -> int:
    from qualitygov.core.models import Notification

    return Notification.objects.get(dedup_key="matrix-sample").pk


def _personal(**extra):
    return lambda cast: {"pk": _notice_of_liaison_a(cast), "owner": "liaison_a", "personal": True, **extra}


def _office_export(cast) -> int:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from qualitygov.core.choices import JobKind, JobStatus
    from qualitygov.core.models import JobRun

    job = JobRun.objects.filter(label="matrix-sample").first()
    if job is None:
        from qualitygov.core.io import xlsx_bytes

        workbook = xlsx_bytes([("样例", ["标题"], [["样例"]])])
        name = default_storage.save("jobs/matrix-sample.xlsx", ContentFile(workbook))
        job = JobRun.objects.create(kind=JobKind.EXPORT, label="matrix-sample", func_path="builtins.dict",
                                    actor=cast.office, status=JobStatus.SUCCEEDED, result_file=name,
                                    result_name="样例.xlsx", progress_done=1, progress_total=1)
    return job.pk


def _office_job(**extra):
    return lambda cast: {"pk": _office_export(cast), "owner": "office", "personal": True, **extra}


SAMPLES = {
    "core:job_detail": _office_job(),
    "core:job_progress": _office_job(),
    "core:job_download": _office_job(),
    # Starting a job again happens only on a POST; a GET is refused with 405.
    "core:job_retry": _office_job(get_status=405),
    # Marking read happens only on a POST; a GET is refused with 405.
    "core:notification_read": _personal(get_status=405),
    "core:notification_read_all": lambda cast: {"get_status": 405},
    "api-notification-detail": _personal(),
    "api-notification-mark-read": _personal(get_status=405),
    # The calendar is the district's: only an office holding the whole district changes it (POST only).
    "core:calendar_day_save": lambda cast: {"get_status": 405, "district_wide": True},
    "core:calendar_day_delete": lambda cast: {"date": "2026-10-01", "get_status": 405, "district_wide": True},
}
