"""The audit trail: one hash-chained event per change, written in the change's own transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import JobKind, JobStatus
from .scoping import Scope, ScopedQuerySet, manages_district


class AuditEventQuerySet(ScopedQuerySet):
    """Events scope by `unit_ref`; events tied to no unit (sign-in lockouts, system work) are in no
    unit's scope, so only a scope covering `everything` includes them."""

    scope_lookup = "unit_ref"

    def scope_filter(self, scope: Scope) -> models.Q:
        return models.Q(unit_ref__in=sorted(scope.unit_ids))


class AuditEvent(models.Model):
    """Who changed what, when, from which values to which, in which request.

    `hash` covers every field below and `prev_hash`, so editing, deleting or reordering a stored
    event breaks the chain; `mac` keys the hash, so a rewrite that recomputes the chain is still
    detected by whoever holds the key. `unit_ref` and `object_id` are plain values, not foreign keys: the
    record keeps saying what happened even after units are merged or objects deleted.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("actor"),
    )
    actor_repr = models.CharField(_("actor name"), max_length=150, blank=True)
    unit_ref = models.BigIntegerField(_("unit id"), null=True, blank=True, db_index=True)
    unit_repr = models.CharField(_("unit"), max_length=120, blank=True)
    object_type = models.CharField(_("object type"), max_length=80, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    #: HMAC-SHA256 of `hash` under the audit key (kept outside the database), and which key; both
    #: blank for events written while no key was configured (ADR 0010).
    mac = models.CharField(max_length=64, blank=True, default="")
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["at", "unit_ref"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's head: the last sequence number and hash. Its row lock serialises writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class Notification(models.Model):
    """An in-app notice to one user (reminders, overdue and escalation notices, returns).

    Its e-mail goes out after the creating transaction commits: `email_pending` until it is sent,
    `email_attempts` and `email_error` record failed tries (see `core.notifications`).
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedup_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read = models.BooleanField(_("read"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    email_pending = models.BooleanField(_("e-mail pending"), default=False)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.CharField(_("last e-mail error"), max_length=300, blank=True)
    unit_ref = models.BigIntegerField(_("unit id"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read", "-created_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """One user's choice of channels: in-app notices always; e-mail unless switched off, and not for
    the notice kinds listed in `email_off_kinds`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference", verbose_name=_("user"))
    email = models.BooleanField(_("send e-mail"), default=True)
    email_off_kinds = models.JSONField(_("no e-mail for these kinds"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}:{'email' if self.email else 'in-app'}"


class UnitRobot(models.Model):
    """A unit's group robot (DingTalk or WeCom) that receives the unit's notices after commit.

    `unit_ref` is the unit's id as a plain value (core knows no unit model); `secret` signs
    DingTalk posts (WeCom carries its key in the URL)."""

    DINGTALK = "dingtalk"
    WECOM = "wecom"
    KIND_CHOICES = [(DINGTALK, _("DingTalk group robot")), (WECOM, _("WeCom group robot"))]

    unit_ref = models.BigIntegerField(_("unit id"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    webhook_url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["unit_ref", "pk"]
        verbose_name = _("unit group robot")
        verbose_name_plural = _("unit group robots")

    def __str__(self) -> str:
        return f"{self.kind}:{self.unit_ref}"


class NotificationDelivery(models.Model):
    """One notice posted to one group robot: pending until sent, `attempts` and `last_error`
    record failed tries (retried by `qualitygov notifications retry`)."""

    PENDING, SENT = "pending", "sent"
    STATUS_CHOICES = [(PENDING, _("pending")), (SENT, _("sent"))]

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name=_("notification"))
    robot = models.ForeignKey(UnitRobot, on_delete=models.CASCADE, related_name="deliveries",
                              verbose_name=_("robot"))
    #: The unit-level key of the event: a robot gets one post per event for its unit, however many
    #: of the unit's users are notified of it (null on deliveries made before the key existed).
    #: Null, not "", so that the unique constraint leaves those older rows alone.
    unit_key = models.CharField(_("unit event key"), max_length=200, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "robot"], name="core_delivery_once"),
                       models.UniqueConstraint(fields=["robot", "unit_key"], name="core_delivery_once_per_unit_event")]
        verbose_name = _("robot delivery")
        verbose_name_plural = _("robot deliveries")

    def __str__(self) -> str:
        return f"{self.notification_id}->{self.robot_id}:{self.status}"


class Attachment(models.Model):
    """An uploaded evidence file (佐证材料), checked for size and real type before it is stored.

    Owned by whatever refers to it (a report, an observation, a finding) through `owner_type` and
    `owner_id`; `unit_ref` scopes it like its owner.
    """

    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    owner_type = models.CharField(max_length=80, db_index=True)
    owner_id = models.CharField(max_length=64, db_index=True)
    unit_ref = models.BigIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class VersionedRuleSet(models.Model):
    """Rules the law or the office may change (thresholds, deadlines, ratios), kept as versioned data.

    The set in force on a date is the one with the latest `effective_from` on or before it; old
    sets stay, so a past status can be explained with the rules of its day. `params` is the JSON
    of the concrete rules, documented on each subclass.
    """

    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"), db_index=True)
    legal_basis = models.CharField(_("basis"), max_length=300, blank=True)
    params = models.JSONField(_("parameters"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from})"

    @classmethod
    def in_force(cls, on):
        """The rule set in force on date `on`, or None before the first one."""
        return cls.objects.filter(effective_from__lte=on).order_by("-effective_from", "-pk").first()


class CalendarDay(models.Model):
    """An exception to "Monday to Friday are working days": a public holiday or a make-up working day.

    Rows come from the State Council's yearly notice (shipped under `core/data/holidays/`, loaded by
    a migration) or from the office; `core.workdays` counts working days on them.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
class JobRunQuerySet(ScopedQuerySet):
    """Jobs are the requester's own: the office (a district-wide manager) sees every job, anyone
    else only the jobs they started; a job nobody started (a daily job) is the office's."""

    def visible_to(self, user, action: str = "view") -> ScopedQuerySet:
        if manages_district(user):
            return self
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(actor=user)


class JobRun(models.Model):
    """One background job: what runs (`func_path` with `kwargs`), for whom, how far it got, how it ended.

    The worker calls `func_path(job, **kwargs)` (see `core.worker`); `attempts` counts the tries,
    `run_after` is when the next one is due (the queue lag of `/healthz` is measured from it);
    `error` keeps the last failure. An export's file is `result_file` under MEDIA_ROOT, offered
    for download as `result_name`.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices, default=JobKind.OTHER)
    label = models.CharField(_("job"), max_length=200)
    func_path = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED,
                              db_index=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=3)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    result_file = models.CharField(max_length=255, blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    run_after = models.DateTimeField(_("due at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "run_after"])]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int:
        """Progress in whole percent: 100 once succeeded, else done/total (0 while the total is unknown)."""
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
