"""Date inputs carry ISO values (the only format a browser's date picker accepts)."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse

from qualitygov.progress.models import WorkItem

from .test_views import flow  # noqa: F401


class _Form(HTMLParser):
    """What a browser would post back from the first form with a csrf token: inputs, selects, textareas."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.dates: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.data.setdefault(name, []).append(a.get("value") or "")
            if a.get("type") == "date":
                self.dates[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data.setdefault(name, []).append(a.get("value") or "on")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.lstrip("\n") if not self.data[self._textarea][0] else data


def _parse(response) -> _Form:
    parser = _Form()
    parser.feed(response.content.decode())
    return parser


def test_the_work_item_edit_form_shows_iso_dates_and_saves_unchanged(client_for, flow):  # noqa: F811
    client = client_for("office")
    url = reverse("progress:work_item_edit", args=[flow.item.pk])
    form = _parse(client.get(url))
    assert form.dates == {"start_date": flow.item.start_date.isoformat(), "deadline": flow.item.deadline.isoformat()}
    before = WorkItem.objects.values("title", "start_date", "deadline").get(pk=flow.item.pk)

    response = client.post(url, form.data)

    assert response.status_code == 302
    assert response["Location"] == reverse("progress:work_item_detail", args=[flow.item.pk])
    assert WorkItem.objects.values("title", "start_date", "deadline").get(pk=flow.item.pk) == before


def test_the_finding_form_defaults_found_on_to_today_in_iso(client_for):
    from django.utils import timezone

    form = _parse(client_for("office").get(reverse("progress:finding_create")))
    assert form.dates == {"found_on": timezone.localdate().isoformat(), "deadline": ""}
