"""In-app notices and e-mail, sent at most once per `dedup_key`.

Scheduled jobs (reminders, overdue notices, escalation) call `notification_send` with a key that
names the reason ("indicator-due:<period>:<unit>:<user>:before-3d"); running the job twice sends
nothing twice because the key is unique.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from .models import Notification

log = logging.getLogger(__name__)


def notification_send(
    *, recipient, kind: str, subject: str, body: str = "", url: str = "", dedup_key: str, email: bool = True
) -> Notification | None:
    """Create the notice (and e-mail it when the user has an address); None when already sent."""
    if Notification.objects.filter(dedup_key=dedup_key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notification.objects.create(
                recipient=recipient, kind=kind[:40], subject=subject[:200], body=body, url=url[:300],
                dedup_key=dedup_key[:200],
            )
    except IntegrityError:  # a concurrent run sent it first
        return None
    if email and recipient.email:
        try:
            send_mail(subject, f"{body}\n\n{url}".strip(), None, [recipient.email], fail_silently=False)
            Notification.objects.filter(pk=notice.pk).update(emailed=True)
            notice.emailed = True
        except Exception:  # the in-app notice stands; the mail server may be down
            log.exception("e-mail for notification %s failed", notice.pk)
    return notice


def notification_mark_read(*, recipient, pk: int) -> None:
    Notification.objects.filter(recipient=recipient, pk=pk).update(read=True)
