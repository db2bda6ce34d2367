"""URL kwargs for the permission matrix: the leading group's pages.

The group's records are district-wide: every signed-in user reads them; only an office holding the
whole district writes (`district_wide`), so an office admin granted on one department gets 404.
"""

from __future__ import annotations

import datetime as dt


def _meeting(cast) -> int:
    from qualitygov.leadership.models import Meeting
    from qualitygov.leadership.services import meeting_save

    meeting = Meeting.objects.filter(title="矩阵样例会议").first()
    return (meeting or meeting_save(actor=cast.office, title="矩阵样例会议", held_on=dt.date(2026, 4, 20))).pk


def _member(cast) -> int:
    from qualitygov.leadership.models import GroupMember
    from qualitygov.leadership.services import group_member_save

    member = GroupMember.objects.filter(name="矩阵样例成员").first()
    return (member or group_member_save(actor=cast.office, name="矩阵样例成员", unit=cast.dept_a)).pk


def _minutes(cast) -> dict:
    from qualitygov.core.models import Attachment
    from qualitygov.core.uploads import CheckedFile
    from qualitygov.leadership.models import Meeting
    from qualitygov.leadership.services import meeting_minutes_attach

    pk = _meeting(cast)
    found = Attachment.objects.filter(owner_type="leadership.meeting", owner_id=str(pk)).first()
    if found is None:
        data = b"%PDF-1.4\n%%EOF\n"
        import hashlib

        checked = CheckedFile(name="纪要.pdf", extension=".pdf", content_type="application/pdf", data=data,
                              sha256=hashlib.sha256(data).hexdigest())
        found = meeting_minutes_attach(actor=cast.office, meeting=Meeting.objects.get(pk=pk), checked=checked)
    return {"pk": pk, "file_pk": found.pk}


def _office(**extra):
    return lambda cast: {"district_wide": True, **extra}


SAMPLES = {
    "leadership:member_new": _office(),
    "leadership:meeting_new": _office(),
    "leadership:member_edit": lambda cast: {"pk": _member(cast), "district_wide": True},
    "leadership:meeting": lambda cast: {"pk": _meeting(cast)},
    "leadership:meeting_xlsx": lambda cast: {"pk": _meeting(cast)},
    "leadership:meeting_edit": lambda cast: {"pk": _meeting(cast), "district_wide": True},
    "leadership:meeting_attendance": lambda cast: {"pk": _meeting(cast), "district_wide": True},
    "leadership:decision_new": lambda cast: {"pk": _meeting(cast), "district_wide": True},
    "leadership:minutes_upload": lambda cast: {"pk": _meeting(cast), "district_wide": True, "get_status": 405},
    "leadership:minutes_download": _minutes,
}
