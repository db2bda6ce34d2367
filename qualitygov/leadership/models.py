"""The leading group: its members (by unit and post), its meetings with attendance, and their decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.scoping import ScopedQuerySet
from qualitygov.core.versioning import VersionedModel
from qualitygov.plans.models import Task
from qualitygov.progress.models import WorkItem

from .choices import Attendance, MeetingStatus, Post


class MemberQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class GroupMember(VersionedModel):
    """A seat in the leading group: a person holding a post for a unit (区政府, 区市场监管局…).

    A member who leaves is retired (`active` false), not deleted: past attendance still names them.
    """

    name = models.CharField(_("member name"), max_length=60)
    position = models.CharField(_("position"), max_length=100, blank=True, help_text=_("e.g. 区长, 局长"))
    post = models.CharField(_("post"), max_length=12, choices=Post.choices, default=Post.MEMBER)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="group_members", verbose_name=_("unit"))
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in office"), default=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["-active", "order", "id"]
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"


class Meeting(VersionedModel):
    """A meeting of the leading group (全体会议 or 专题会议). District-wide: every signed-in user reads it."""

    title = models.CharField(_("meeting title"), max_length=200)
    held_on = models.DateField(_("date"), db_index=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title


class MeetingAttendance(models.Model):
    """Whether a member attended; an absence or a substitute carries its reason (the assessment counts them)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting"))
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="attendance",
                               verbose_name=_("member"))
    status = models.CharField(_("attendance"), max_length=12, choices=Attendance.choices, default=Attendance.PRESENT)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    substitute = models.CharField(_("substitute"), max_length=60, blank=True)

    class Meta:
        ordering = ["meeting_id", "member__order", "member_id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member}"


class Decision(models.Model):
    """议定事项: what a meeting decided, assigned to a lead unit with a deadline as a progress work item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting"))
    number = models.PositiveIntegerField(_("decision number"))
    text = models.TextField(_("decision"))
    work_item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="decision",
                                     verbose_name=_("work item"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique")]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.meeting} · {self.number}"

    @property
    def task(self) -> Task:
        return self.work_item.task
