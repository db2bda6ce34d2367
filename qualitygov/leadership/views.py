"""The leading group's pages: the group (members and meetings), a meeting (attendance, minutes,
decisions), and the office's forms. Reading is open to every signed-in user; writing to an office
holding the whole district (others get 404, as for a page that does not exist).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.selectors import org_unit_choices
from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.io import xlsx_response
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error
from qualitygov.plans import selectors as plan_selectors

from . import selectors, services
from .choices import Attendance, DecisionState
from .forms import AttendanceRowForm, DecisionForm, MeetingForm, MemberForm, MinutesForm
from .lists import MEETING_LIST

MINUTES_TYPES = (".pdf", ".docx", ".png", ".jpg", ".jpeg")


def _office_or_404(request) -> None:
    if not services.may_manage(request.user):
        raise Http404


def _meeting_or_404(pk: int):
    try:
        return selectors.meeting_get(pk=pk)
    except selectors.Meeting.DoesNotExist:
        raise Http404 from None


@access(LOGIN)
def group(request):
    """The group's members by post, and its meetings with their decisions' counts: filtered by year and
    status, sorted, paged; `?format=xlsx` exports the filtered meetings."""
    lst = list_page(request, selectors.meetings(), MEETING_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    members = list(selectors.members())
    return render(request, "leadership/group.html", {
        "members": [m for m in members if m.active], "retired": [m for m in members if not m.active],
        "lst": lst, "meetings": lst.rows, "may_manage": services.may_manage(request.user),
    })


def _member_form(request, member=None) -> MemberForm:
    initial = {}
    if member is not None:
        initial = {"name": member.name, "position": member.position, "post": member.post, "unit": member.unit_id,
                   "order": member.order, "active": member.active, "version": member.version}
    return MemberForm(request.POST or None, initial=initial, units=org_unit_choices())


@access(action_rule(Action.MANAGE))
def member_edit(request, pk: int | None = None):
    """Add a member (no `pk`) or change one (office only)."""
    _office_or_404(request)
    member = None
    if pk is not None:
        try:
            member = selectors.member_get(pk=pk)
        except selectors.GroupMember.DoesNotExist:
            raise Http404 from None
    form = _member_form(request, member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_member_save(actor=request.user, member=member, name=data["name"], unit=data["unit"],
                                       post=data["post"], position=data["position"], order=data["order"] or 0,
                                       active=data["active"], version=data.get("version"))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("leadership:group")
    title = _("Change member") if member else _("Add a member")
    return render(request, "leadership/form.html", {"form": form, "title": title,
                                                    "cancel_url": reverse("leadership:group")},
                  status=400 if form.errors else 200)


@access(action_rule(Action.MANAGE))
def meeting_edit(request, pk: int | None = None):
    """Record a meeting (no `pk`) or change one (office only)."""
    _office_or_404(request)
    meeting = _meeting_or_404(pk) if pk is not None else None
    initial = {"held_on": timezone.localdate()}
    if meeting is not None:
        initial = {"title": meeting.title, "held_on": meeting.held_on, "location": meeting.location,
                   "agenda": meeting.agenda, "version": meeting.version}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_save(actor=request.user, meeting=meeting, title=data["title"],
                                            held_on=data["held_on"], location=data["location"],
                                            agenda=data["agenda"], version=data.get("version"))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("leadership:meeting", pk=meeting.pk)
    back = reverse("leadership:meeting", args=[meeting.pk]) if meeting else reverse("leadership:group")
    return render(request, "leadership/form.html", {
        "form": form, "title": _("Change meeting") if meeting else _("Record a meeting"), "cancel_url": back,
    }, status=400 if form.errors else 200)


@access(LOGIN)
def meeting_detail(request, pk: int):
    """A meeting: agenda, minutes, attendance and decisions with their state."""
    meeting = _meeting_or_404(pk)
    today = timezone.localdate()
    decisions = [(d, selectors.decision_state(d, today=today)) for d in selectors.meeting_decisions(meeting)]
    may_manage = services.may_manage(request.user)
    return render(request, "leadership/meeting_detail.html", {
        "meeting": meeting, "attendance": selectors.meeting_attendance(meeting), "decisions": decisions,
        "minutes": selectors.meeting_minutes(meeting), "may_manage": may_manage, "states": DecisionState,
        "minutes_form": MinutesForm() if may_manage else None,
    })


@access(action_rule(Action.MANAGE))
def meeting_attendance(request, pk: int):
    """Record attendance: one row per member in office (office only); marks the meeting held."""
    _office_or_404(request)
    meeting = _meeting_or_404(pk)
    recorded = {row.member_id: row for row in selectors.meeting_attendance(meeting)}
    members = list(selectors.members(active_only=True))
    members += [row.member for row in recorded.values() if not row.member.active]
    rows = []
    for member in members:
        before = recorded.get(member.pk)
        initial = {"status": before.status if before else Attendance.PRESENT,
                   "reason": before.reason if before else "", "substitute": before.substitute if before else ""}
        rows.append((member, AttendanceRowForm(request.POST or None, prefix=str(member.pk), initial=initial)))
    error = ""
    if request.method == "POST":
        if all(form.is_valid() for _, form in rows):
            try:
                services.meeting_attendance_record(actor=request.user, meeting=meeting, rows=[
                    (member, form.cleaned_data["status"], form.cleaned_data["reason"],
                     form.cleaned_data["substitute"]) for member, form in rows])
            except ServiceError as exc:
                error = exc.message
                for key, problems in exc.fields.items():
                    member_id, _sep, field = key.partition("-")
                    for member, form in rows:
                        if str(member.pk) == member_id and field in form.fields:
                            form.add_error(field, problems[0])
            else:
                messages.success(request, _("Attendance recorded."))
                return redirect("leadership:meeting", pk=meeting.pk)
        else:
            error = _("Check the rows marked below.")
    return render(request, "leadership/attendance.html", {"meeting": meeting, "rows": rows, "error": error},
                  status=400 if error else 200)


@access(action_rule(Action.MANAGE))
def decision_new(request, pk: int):
    """Record a decision of the meeting and assign it as a work item (office only)."""
    _office_or_404(request)
    meeting = _meeting_or_404(pk)
    tasks = plan_selectors.task_list_visible(user=request.user).select_related(None).prefetch_related(None)
    form = DecisionForm(request.POST or None, tasks=tasks, units=org_unit_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_create(actor=request.user, meeting=meeting, text=data["text"], task=data["task"],
                                     lead_unit=data["lead_unit"], co_units=data["co_units"],
                                     deadline=data["deadline"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Decision recorded and assigned."))
            return redirect("leadership:meeting", pk=meeting.pk)
    return render(request, "leadership/form.html", {
        "form": form, "title": _("Add a decision"), "subtitle": meeting.title,
        "cancel_url": reverse("leadership:meeting", args=[meeting.pk]),
    }, status=400 if form.errors else 200)


@access(action_rule(Action.MANAGE))
def minutes_upload(request, pk: int):
    """Attach the minutes file (office only, POST)."""
    _office_or_404(request)
    meeting = _meeting_or_404(pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MinutesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"], allowed=MINUTES_TYPES)
            services.meeting_minutes_attach(actor=request.user, meeting=meeting, checked=checked)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Minutes attached."))
    else:
        messages.error(request, _("Choose the minutes file."))
    return redirect("leadership:meeting", pk=meeting.pk)


@access(LOGIN)
def minutes_download(request, pk: int, file_pk: int):
    meeting = _meeting_or_404(pk)
    try:
        attachment = selectors.minutes_get(meeting=meeting, pk=file_pk)
    except selectors.Attachment.DoesNotExist:
        raise Http404 from None
    return attachment_response(attachment)


@access(LOGIN)
def meeting_xlsx(request, pk: int):
    """The meeting's 议定事项 list as .xlsx (fixed Chinese headers: the office files it)."""
    meeting = _meeting_or_404(pk)
    today = timezone.localdate()
    header = ["序号", "议定事项", "服务的方案任务", "牵头单位", "配合单位", "完成时限", "状态", "进度（%）"]
    rows = []
    for decision in selectors.meeting_decisions(meeting):
        item = decision.work_item
        rows.append([decision.number, decision.text, f"{item.task.number} {item.task.title}", item.lead_unit.label,
                     "、".join(c.unit.label for c in item.co_units.all()), item.deadline.isoformat(),
                     str(DecisionState(selectors.decision_state(decision, today=today)).label),
                     "" if item.progress_pct is None else item.progress_pct])
    return xlsx_response(f"{meeting.title}议定事项.xlsx", [("议定事项", header, rows)],
                         widths={"议定事项": [6, 50, 30, 18, 30, 12, 10, 10]})
