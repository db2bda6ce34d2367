"""In-app notices and their e-mail, sent at most once per `dedup_key`.

Scheduled jobs (reminders, overdue notices, escalation) call `notification_send` with a key that
names the reason ("indicator-due:<period>:<unit>:<user>:before-3d"); running the job twice sends
nothing twice because the key is unique.

Side effects wait for the commit: the e-mail is queued with `transaction.on_commit`, so a change
that rolls back sends nothing, and a mail server that fails never rolls back the change. A failed
e-mail is logged, counted on the notice (`email_attempts`, `email_error`) and tried again by
`notification_email_retry` (`qualitygov notifications retry`, run daily) up to
`MAX_EMAIL_ATTEMPTS` times. A user who switched e-mail off (`NotificationPreference.email`)
gets the in-app notice only.

A notice given a `unit_ref` is also posted to that unit's enabled group robots (`UnitRobot`,
DingTalk or WeCom, see `core.channels`) after the commit; each post is a `NotificationDelivery`
recording its status, attempts and last error, retried alongside the e-mails. A robot gets one
post per event for its unit: the caller passes `unit_key`, the event's key without the recipient,
and only the first notice of that event creates the robot's delivery (unique robot + unit_key).
A unit's robots therefore hear of an event only when at least one of its users is notified.

Reading a notice and marking it read only touch the recipient's own rows; marking read writes no
audit event (it changes nothing anyone else sees).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import channels
from .audit import audit_record
from .errors import NotFoundError, ServiceError
from .events import NOTIFICATION_PREFERENCE_SET, UNIT_ROBOT_CREATE, UNIT_ROBOT_TEST, UNIT_ROBOT_UPDATE
from .models import Notification, NotificationDelivery, NotificationPreference, UnitRobot

log = logging.getLogger(__name__)

#: A notice's e-mail is tried at most this many times (the first try and the retries).
MAX_EMAIL_ATTEMPTS = 5
#: The retry leaves alone notices younger than this whose first try has not run yet (their
#: transaction's `on_commit` is about to send them).
RETRY_GRACE = dt.timedelta(minutes=10)


def notification_send(
    *, recipient, kind: str, subject: str, body: str = "", url: str = "", dedup_key: str, email: bool = True,
    unit_ref: int | None = None, unit_key: str = "",
) -> Notification | None:
    """Create the notice; None when one with `dedup_key` exists already.

    When `email` is set, the recipient has an address and has not switched e-mail off (for all
    notices or for this `kind`), the e-mail goes out after the caller's transaction commits (at once
    outside a transaction). With `unit_ref`, the unit's enabled group robots get the notice after the
    commit too, once per `unit_key` (default: `dedup_key`) whoever the recipient.
    """
    if Notification.objects.filter(dedup_key=dedup_key).exists():
        return None
    wants_email = bool(email and recipient.email) and notification_email_wanted(user=recipient, kind=kind)
    try:
        with transaction.atomic():
            notice = Notification.objects.create(
                recipient=recipient, kind=kind[:40], subject=subject[:200], body=body, url=url[:300],
                dedup_key=dedup_key[:200], email_pending=wants_email, unit_ref=unit_ref,
            )
            deliveries = _robot_deliveries(notice, unit_ref, (unit_key or dedup_key)[:200]) \
                if unit_ref is not None else []
    except IntegrityError:  # a concurrent run sent it first
        return None
    if wants_email:
        transaction.on_commit(functools.partial(notification_email, pk=notice.pk))
    for delivery in deliveries:
        transaction.on_commit(functools.partial(notification_robot_post, pk=delivery.pk))
    return notice


def _robot_deliveries(notice: Notification, unit_ref: int, unit_key: str) -> list[NotificationDelivery]:
    """A delivery of `notice` to each enabled robot of the unit that has none for `unit_key` yet."""
    out = []
    robots = UnitRobot.objects.filter(unit_ref=unit_ref, enabled=True).exclude(deliveries__unit_key=unit_key)
    for robot in robots.order_by("pk"):
        try:
            with transaction.atomic():
                out.append(NotificationDelivery.objects.create(notification=notice, robot=robot, unit_key=unit_key))
        except IntegrityError:  # a concurrent sender recorded this unit event first
            continue
    return out


def notification_email_wanted(*, user, kind: str = "") -> bool:
    """False when `user` switched e-mail off, or off for `kind`; in-app notices are always kept."""
    pref = NotificationPreference.objects.filter(user=user).first()
    return pref is None or (pref.email and kind not in (pref.email_off_kinds or []))


def notification_preference_get(*, user) -> NotificationPreference:
    """`user`'s settings; the defaults (every e-mail on), unsaved, when they never changed them."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


@transaction.atomic
def notification_preference_set(*, user, email: bool, email_off_kinds: list[str] | None = None
                                ) -> NotificationPreference:
    """Record `user`'s own choice (the user is the actor): e-mail on or off, and the notice kinds to
    get no e-mail for (`None` keeps the stored list). Kinds no app registered are dropped. One audit
    event when something changed; nothing is written otherwise."""
    from .registry import notice_kinds

    pref = notification_preference_get(user=user)
    before = {"email": pref.email, "email_off_kinds": list(pref.email_off_kinds or [])}
    known = [kind for kind, _label in notice_kinds()]
    kinds = before["email_off_kinds"] if email_off_kinds is None else \
        [kind for kind in known if kind in set(email_off_kinds)]
    after = {"email": bool(email), "email_off_kinds": kinds}
    if after != before:
        pref.email, pref.email_off_kinds = after["email"], kinds
        pref.save()
        audit_record(actor=user, action=NOTIFICATION_PREFERENCE_SET, obj=pref,
                     changes={key: [before[key], after[key]] for key in after if before[key] != after[key]})
    return pref


@transaction.atomic
def unit_robot_save(*, actor, unit, kind: str, webhook_url: str, secret: str = "", enabled: bool = True,
                    robot: UnitRobot | None = None) -> UnitRobot:
    """Add a group robot to `unit` (any object with a `pk`), or change `robot`; one audit event.

    The caller decides who may (core knows no roles). ServiceError for an unknown kind or a URL that
    is not http(s), and nothing changes. The audit event names the URL's host only: the URL and the
    secret are credentials.
    """
    if kind not in dict(UnitRobot.KIND_CHOICES):
        raise ServiceError(_("Unknown robot kind."), fields={"kind": [_("Unknown robot kind.")]})
    try:
        host = channels.check_url(webhook_url).hostname or ""
    except channels.ChannelError:
        message = _("Enter an http(s) webhook URL.")
        raise ServiceError(message, fields={"webhook_url": [message]}) from None
    created = robot is None
    robot = robot or UnitRobot(unit_ref=unit.pk)
    robot.kind, robot.webhook_url, robot.secret, robot.enabled = kind, webhook_url[:500], secret[:200], enabled
    robot.save()
    audit_record(actor=actor, action=UNIT_ROBOT_CREATE if created else UNIT_ROBOT_UPDATE, obj=robot, unit=unit,
                 changes={"kind": kind, "host": host, "signed": bool(secret), "enabled": enabled})
    return robot


def unit_robot_list(*, unit_refs) -> QuerySet[UnitRobot]:
    """The robots of the units `unit_refs` (ids the caller may manage; core knows no scopes)."""
    return UnitRobot.objects.filter(unit_ref__in=list(unit_refs)).order_by("unit_ref", "pk")


TEST_TEXT = "【测试】这是质量强区数字治理平台发送的测试消息：本群机器人已能收到本单位的通知。"


def unit_robot_test(*, actor, robot: UnitRobot, unit) -> str:
    """Post a test message to `robot` now (not queued); "" when it went out, else the error.

    The caller decides who may. One audit event either way, naming the outcome (never the URL).
    """
    try:
        channels.robot_send(kind=robot.kind, url=robot.webhook_url, secret=robot.secret, text=TEST_TEXT)
        error = ""
    except Exception as exc:  # the answer is shown to the user who asked for the test
        log.warning("test post to robot %s failed: %s", robot.pk, exc)
        error = f"{type(exc).__name__}: {exc}"[:300]
    with transaction.atomic():
        audit_record(actor=actor, action=UNIT_ROBOT_TEST, obj=robot, unit=unit,
                     changes={"delivered": not error, **({"error": error} if error else {})})
    return error


def _message_text(notice: Notification) -> str:
    return "\n\n".join(part for part in (notice.subject, notice.body, notice.url) if part)


def notification_robot_post(*, pk: int) -> bool:
    """Post delivery `pk` to its robot if still pending; True when it went out.

    Never raises: a failure is logged and recorded on the delivery for the retry.
    """
    delivery = NotificationDelivery.objects.select_related("notification", "robot").filter(
        pk=pk, status=NotificationDelivery.PENDING).first()
    if delivery is None:
        return False
    robot = delivery.robot
    try:
        channels.robot_send(kind=robot.kind, url=robot.webhook_url, secret=robot.secret,
                            text=_message_text(delivery.notification))
    except Exception as exc:  # the notice stands; the robot may be unreachable
        log.exception("robot post %s for notification %s failed", pk, delivery.notification_id)
        NotificationDelivery.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:300])
        return False
    NotificationDelivery.objects.filter(pk=pk).update(
        status=NotificationDelivery.SENT, attempts=F("attempts") + 1, last_error="", sent_at=timezone.now())
    return True


def notification_robot_retry(*, max_attempts: int = MAX_EMAIL_ATTEMPTS, now: dt.datetime | None = None) -> dict:
    """Like `notification_email_retry`, for pending robot deliveries. Returns `{"sent": n, "failed": m}`."""
    now = now or timezone.now()
    pending = NotificationDelivery.objects.filter(
        status=NotificationDelivery.PENDING, attempts__lt=max_attempts, robot__enabled=True,
    ).exclude(attempts=0, created_at__gt=now - RETRY_GRACE)
    counts = {"sent": 0, "failed": 0}
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        counts["sent" if notification_robot_post(pk=pk) else "failed"] += 1
    return counts


def notification_email(*, pk: int) -> bool:
    """Send the e-mail of notice `pk` if it is still pending; True when it went out.

    Never raises: a failure is logged and recorded on the notice for `notification_email_retry`.
    """
    notice = Notification.objects.select_related("recipient").filter(pk=pk, email_pending=True).first()
    if notice is None:
        return False
    if not notice.recipient.email:
        Notification.objects.filter(pk=pk).update(email_pending=False)
        return False
    try:
        send_mail(notice.subject, f"{notice.body}\n\n{notice.url}".strip(), None, [notice.recipient.email],
                  fail_silently=False)
    except Exception as exc:  # the in-app notice stands; the mail server may be down
        log.exception("e-mail for notification %s failed", pk)
        Notification.objects.filter(pk=pk).update(
            email_attempts=F("email_attempts") + 1, email_error=f"{type(exc).__name__}: {exc}"[:300])
        return False
    Notification.objects.filter(pk=pk).update(
        emailed=True, email_pending=False, email_attempts=F("email_attempts") + 1, email_error="")
    return True


def notification_email_retry(*, max_attempts: int = MAX_EMAIL_ATTEMPTS, now: dt.datetime | None = None) -> dict:
    """Try again every pending e-mail that failed before (fewer than `max_attempts` tries), and any
    whose first try never ran (older than `RETRY_GRACE`). Returns `{"sent": n, "failed": m}`."""
    now = now or timezone.now()
    pending = Notification.objects.filter(email_pending=True, email_attempts__lt=max_attempts).exclude(
        email_attempts=0, created_at__gt=now - RETRY_GRACE)
    counts = {"sent": 0, "failed": 0}
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        counts["sent" if notification_email(pk=pk) else "failed"] += 1
    return counts


# Reading one's own notices.


def notification_list_own(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """`user`'s own notices, unread first, newest first within each; `unread=True` only the unread."""
    qs = Notification.objects.filter(recipient=user) if getattr(user, "is_authenticated", False) else \
        Notification.objects.none()
    if unread is not None:
        qs = qs.filter(read=not unread)
    return qs.order_by("read", "-created_at", "-pk")


def notification_get_own(*, user, pk: int) -> Notification:
    """`user`'s notice `pk`; NotFoundError for another user's (missing and forbidden look alike)."""
    notice = notification_list_own(user=user).filter(pk=pk).first()
    if notice is None:
        raise NotFoundError("not found")
    return notice


def notification_unread_count(*, user) -> int:
    return notification_list_own(user=user, unread=True).count()


@transaction.atomic
def notification_mark_read(*, recipient, pk: int) -> Notification:
    """Mark `recipient`'s notice `pk` read (again is harmless); NotFoundError for anyone else's."""
    notice = notification_get_own(user=recipient, pk=pk)
    if not notice.read:
        notice.read, notice.read_at = True, timezone.now()
        notice.save(update_fields=["read", "read_at"])
    return notice


@transaction.atomic
def notification_mark_all_read(*, recipient) -> int:
    """Mark every unread notice of `recipient` read; returns how many were unread."""
    return notification_list_own(user=recipient, unread=True).update(read=True, read_at=timezone.now())
