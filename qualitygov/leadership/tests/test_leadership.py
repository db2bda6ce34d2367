"""The leading group: members, a meeting with attendance and two decisions carried out as work items,
one overdue and escalated; the pages and who may change them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.leadership import selectors, services
from qualitygov.leadership.choices import Attendance, DecisionState, MeetingStatus, Post
from qualitygov.leadership.events import DECISION_CREATE, MEETING_ATTENDANCE
from qualitygov.leadership.models import Decision, GroupMember, Meeting, MeetingAttendance
from qualitygov.progress.escalation import escalation_run
from qualitygov.progress.models import EscalationEvent, ProgressReport, WorkItem
from qualitygov.progress.services import cycle_open, work_item_complete
from qualitygov.progress.tests.factories import make_cycle, make_task

HELD = dt.date(2026, 4, 20)


@pytest.fixture
def group(cast):
    office = cast.office
    leader = services.group_member_save(actor=office, name="周建国", position="区长", post=Post.LEADER,
                                        unit=cast.district, order=1)
    a = services.group_member_save(actor=office, name="张伟", position="局长", unit=cast.dept_a, order=2)
    b = services.group_member_save(actor=office, name="刘洋", position="局长", unit=cast.dept_b, order=3)
    meeting = services.meeting_save(actor=office, title="区质量强区工作领导小组2026年第一次全体会议", held_on=HELD,
                                    location="区行政中心", agenda="一、通报进展")
    return {"leader": leader, "a": a, "b": b, "meeting": meeting}


def _decide(cast, meeting, task, *, lead, deadline, text):
    return services.decision_create(actor=cast.office, meeting=meeting, task=task, lead_unit=lead,
                                    deadline=deadline, text=text)


def test_a_meeting_with_two_decisions_one_overdue_and_escalated(cast, group):
    task = make_task(cast)
    meeting = group["meeting"]
    late = _decide(cast, meeting, task, lead=cast.dept_a, deadline=dt.date(2026, 5, 20),
                   text="在规上工业企业全面推行首席质量官制度")
    on_time = _decide(cast, meeting, task, lead=cast.dept_b, deadline=dt.date(2026, 9, 30),
                      text="建成质量基础设施一站式服务站")
    assert [(d.number, d.work_item.lead_unit, d.work_item.deadline, d.work_item.start_date)
            for d in (late, on_time)] == [(1, cast.dept_a, dt.date(2026, 5, 20), HELD),
                                          (2, cast.dept_b, dt.date(2026, 9, 30), HELD)]
    assert late.work_item.description == (
        "区质量强区工作领导小组2026年第一次全体会议（2026-04-20）议定事项第1项：在规上工业企业全面推行首席质量官制度")
    # Tracked like work items: the May cycle asks both lead units for a report ...
    cycle = make_cycle(cast, task.plan, month=5)
    cycle_open(actor=cast.office, cycle=cycle)
    assert sorted(ProgressReport.objects.filter(cycle=cycle).values_list("work_item__decision__number", flat=True)) == [1, 2]
    work_item_complete(actor=cast.office, work_item=on_time.work_item, on=dt.date(2026, 5, 24))
    # ... and the one that neither reports nor finishes is chased up to red and 督办.
    escalation_run(today=dt.date(2026, 6, 1))
    levels = sorted(EscalationEvent.objects.filter(report__work_item=late.work_item).values_list("level", flat=True))
    assert levels == ["red", "supervised", "yellow"]
    assert EscalationEvent.objects.filter(report__work_item=on_time.work_item).count() == 0
    today = dt.date(2026, 6, 1)
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert [selectors.decision_state(d, today=today) for d in (late, on_time)] == [DecisionState.OVERDUE,
                                                                                  DecisionState.DONE]
    assert selectors.open_decisions_by_unit(on=today) == {cast.dept_a.pk: {"open": 0, "overdue": 1}}
    services.meeting_attendance_record(actor=cast.office, meeting=meeting, rows=[
        (group["leader"], Attendance.PRESENT, "", ""), (group["a"], Attendance.ABSENT, "出差", ""),
        (group["b"], Attendance.PRESENT, "", "")])
    [listed] = selectors.meetings()
    assert (listed.decision_count, listed.absent_count) == (2, 1)


def test_attendance_counts_absences_and_needs_reasons(cast, group):
    meeting = group["meeting"]
    rows = [(group["leader"], Attendance.PRESENT, "", ""), (group["a"], Attendance.SUBSTITUTE, "外出招商", "副局长 吴刚"),
            (group["b"], Attendance.ABSENT, "参加市级会议", "")]
    services.meeting_attendance_record(actor=cast.office, meeting=meeting, rows=rows)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert list(MeetingAttendance.objects.order_by("member__order").values_list("status", "reason", "substitute")) == [
        ("present", "", ""), ("substitute", "外出招商", "副局长 吴刚"), ("absent", "参加市级会议", "")]
    event = AuditEvent.objects.filter(action=MEETING_ATTENDANCE).get()
    assert event.changes == {"present": 1, "substitute": 1, "absent": ["刘洋"]}
    assert selectors.absences_by_unit(year=2026) == {cast.dept_b.pk: 1}
    assert selectors.absences_by_unit(year=2025) == {}
    # An absence without a reason refuses the whole record; the earlier one stays.
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        services.meeting_attendance_record(actor=cast.office, meeting=meeting, rows=[
            (group["leader"], Attendance.ABSENT, " ", ""), (group["a"], Attendance.PRESENT, "", "")])
    assert refused.value.fields == {f"{group['leader'].pk}-reason": ["请填写周建国缺席的原因。"]}
    with pytest.raises(ServiceError) as refused:
        services.meeting_attendance_record(actor=cast.office, meeting=meeting, rows=[
            (group["a"], Attendance.SUBSTITUTE, "外出", "")])
    assert refused.value.fields == {f"{group['a'].pk}-substitute": ["请填写代张伟出席的人员。"]}
    assert MeetingAttendance.objects.count() == 3
    assert AuditEvent.objects.count() == before


def test_a_decision_needs_text_and_a_deadline_after_the_meeting(cast, group):
    task = make_task(cast)
    counts = (Decision.objects.count(), WorkItem.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError) as refused:
        _decide(cast, group["meeting"], task, lead=cast.dept_a, deadline=dt.date(2026, 4, 19), text="某事")
    assert refused.value.fields == {"deadline": ["完成时限不能早于会议日期（2026-04-20）。"]}
    with pytest.raises(ServiceError) as refused:
        _decide(cast, group["meeting"], task, lead=cast.dept_a, deadline=dt.date(2026, 6, 1), text="  ")
    assert refused.value.fields == {"text": ["请填写议定事项内容。"]}
    assert (Decision.objects.count(), WorkItem.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.parametrize("member", ["leader", "liaison_a", "town_liaison"])
def test_only_the_district_office_writes(cast, group, member):
    actor = cast.members[member]
    task = make_task(cast)
    counts = (GroupMember.objects.count(), Meeting.objects.count(), Decision.objects.count(),
              MeetingAttendance.objects.count(), AuditEvent.objects.count())
    with pytest.raises(NotFoundError):
        services.group_member_save(actor=actor, name="某人", unit=cast.dept_a)
    with pytest.raises(NotFoundError):
        services.meeting_save(actor=actor, title="会议", held_on=HELD)
    with pytest.raises(NotFoundError):
        services.meeting_attendance_record(actor=actor, meeting=group["meeting"], rows=[])
    with pytest.raises(NotFoundError):
        services.decision_create(actor=actor, meeting=group["meeting"], task=task, lead_unit=cast.dept_a,
                                 deadline=dt.date(2026, 6, 1), text="某事")
    meeting = group["meeting"]
    client = _client(cast, member)
    for url, data in [(reverse("leadership:member_new"), {"name": "某人", "post": "member", "unit": cast.dept_a.pk,
                                                          "order": 0}),
                      (reverse("leadership:meeting_new"), {"title": "会议", "held_on": "2026-05-01"}),
                      (reverse("leadership:meeting_attendance", args=[meeting.pk]), {}),
                      (reverse("leadership:decision_new", args=[meeting.pk]), {"text": "某事"}),
                      (reverse("leadership:minutes_upload", args=[meeting.pk]), {})]:
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert counts == (GroupMember.objects.count(), Meeting.objects.count(), Decision.objects.count(),
                      MeetingAttendance.objects.count(), AuditEvent.objects.count())


def _client(cast, member):
    from django.test import Client

    client = Client()
    client.force_login(cast.members[member])
    return client


def test_the_pages_show_the_group_the_meeting_and_its_decisions(cast, group, client_for):
    task = make_task(cast)
    decision = _decide(cast, group["meeting"], task, lead=cast.dept_a, deadline=dt.date(2026, 5, 20),
                       text="在规上工业企业全面推行首席质量官制度")
    liaison = client_for("liaison_a")
    html = liaison.get(reverse("leadership:group")).content.decode()
    assert html.count('data-testid="member"') == 3
    assert "组长" in html and "周建国" in html and 'data-testid="meeting-new"' not in html
    page = liaison.get(reverse("leadership:meeting", args=[group["meeting"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="decision" data-state="overdue"' in html
    assert reverse("progress:work_item_detail", args=[decision.work_item.pk]) in html
    assert 'data-testid="attendance-empty"' in html and 'data-testid="decision-new"' not in html
    workbook = load_workbook(filename=_bytes(liaison.get(reverse("leadership:meeting_xlsx", args=[group["meeting"].pk]))))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("序号", "议定事项", "服务的方案任务", "牵头单位", "配合单位", "完成时限", "状态", "进度（%）")
    assert rows[1][:7] == (1, "在规上工业企业全面推行首席质量官制度", f"{task.number} {task.title}", "区经信局", None,
                           "2026-05-20", "逾期")


def _bytes(response):
    import io

    return io.BytesIO(response.content)


def test_the_office_records_a_meeting_attendance_a_decision_and_minutes_through_the_pages(cast, group, client_for):
    office = client_for("office")
    task = make_task(cast)
    response = office.post(reverse("leadership:meeting_new"), {"title": "专题会议", "held_on": "2026-06-10",
                                                                "location": "", "agenda": ""})
    meeting = Meeting.objects.get(title="专题会议")
    assert response.status_code == 302 and response["Location"] == reverse("leadership:meeting", args=[meeting.pk])
    members = [group["leader"], group["a"], group["b"]]
    data = {f"{m.pk}-status": "present" for m in members}
    data.update({f"{group['b'].pk}-status": "absent", f"{group['b'].pk}-reason": ""})
    response = office.post(reverse("leadership:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "请填写刘洋缺席的原因。" in response.content.decode()
    assert MeetingAttendance.objects.filter(meeting=meeting).count() == 0
    data[f"{group['b'].pk}-reason"] = "病假"
    assert office.post(reverse("leadership:meeting_attendance", args=[meeting.pk]), data).status_code == 302
    assert MeetingAttendance.objects.filter(meeting=meeting, status="absent").get().reason == "病假"
    response = office.post(reverse("leadership:decision_new", args=[meeting.pk]), {
        "text": "制定质量强区年度考核细则", "task": task.pk, "lead_unit": cast.dept_b.pk, "co_units": [cast.dept_a.pk],
        "deadline": "2026-08-31"})
    assert response.status_code == 302
    decision = Decision.objects.get(meeting=meeting)
    assert (decision.work_item.lead_unit, [c.unit for c in decision.work_item.co_units.all()]) == (cast.dept_b, [cast.dept_a])
    assert AuditEvent.objects.filter(action=DECISION_CREATE, object_id=str(decision.pk)).count() == 1
    pdf = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    assert office.post(reverse("leadership:minutes_upload", args=[meeting.pk]), {"file": pdf}).status_code == 302
    [minutes] = selectors.meeting_minutes(meeting)
    download = client_for("liaison_b").get(reverse("leadership:minutes_download", args=[meeting.pk, minutes.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    # A file of another meeting is not found through this one.
    assert client_for("office").get(reverse("leadership:minutes_download",
                                            args=[group["meeting"].pk, minutes.pk])).status_code == 404
    # A disguised file is refused and nothing is stored.
    fake = SimpleUploadedFile("纪要.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    office.post(reverse("leadership:minutes_upload", args=[meeting.pk]), {"file": fake})
    assert len(selectors.meeting_minutes(meeting)) == 1


def test_a_stale_member_edit_is_refused(cast, group):
    member = group["a"]
    services.group_member_save(actor=cast.office, member=member, name="张伟", unit=cast.dept_a, position="局长",
                               version=member.version)
    with pytest.raises(ServiceError) as refused:
        services.group_member_save(actor=cast.office, member=member, name="张伟伟", unit=cast.dept_a,
                                   version=member.version)
    assert refused.value.code == "stale"
    member.refresh_from_db()
    assert member.name == "张伟"
