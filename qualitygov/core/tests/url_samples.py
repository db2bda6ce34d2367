"""URL kwargs for the permission matrix: the notification pages and `/api/v1/notifications/`."""

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


SAMPLES = {
    # Marking read happens only on a POST; a GET is refused with 405.
    "core:notification_read": _personal(get_status=405),
    "core:notification_read_all": lambda cast: {"get_status": 405},
    "api-notification-detail": _personal(),
    "api-notification-mark-read": _personal(get_status=405),
    # The calendar is the district's: only an office holding the whole district changes it (POST only).
    "core:calendar_day_save": lambda cast: {"get_status": 405, "district_wide": True},
    "core:calendar_day_delete": lambda cast: {"date": "2026-10-01", "get_status": 405, "district_wide": True},
}
