"""The data-entry workbook: a pre-filled template of a user's indicators for a period, and reading it back.

The template carries a hidden sheet "_qualitygov" (a marker, the template version and the period)
and a hidden key column; a workbook without them is refused as foreign. Reading is a dry run: it
returns every row as new / changed / unchanged / error ("第3行 D列：…") and writes nothing. Reading
uses openpyxl's read-only mode and a fixed number of bulk queries, whatever the number of rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import ServiceError
from qualitygov.core.io import CJK_FONT, text_cell
from qualitygov.core.uploads import check_upload
from qualitygov.utilities.numbers import decimal_text

from .choices import DataSource, ObservationStatus
from .models import Indicator, IndicatorResponsibility, Observation, ReportingPeriod
from .selectors import change_factor, is_big_change, towns
from .services import check_limits, check_plausible
from .status import is_big_relative_change

TEMPLATE_VERSION = "1"
MARKER_SHEET = "_qualitygov"
MARKER = "qualitygov-indicator-template"
DATA_SHEET = "填报"
#: Above this size an upload is refused before it is opened.
MAX_BYTES_DEFAULT = 5 * 1024 * 1024
MAX_ROWS = 20_000

HEADER = ["指标编号", "指标名称", "填报期", "填报值", "计量单位", "说明", "报送单位", "镇街", "当前状态", "已报值",
          "_key"]
WIDTHS = [10, 40, 16, 14, 10, 30, 20, 14, 10, 12, 4]
COL = {name: index for index, name in enumerate(HEADER)}
LETTER = {name: chr(ord("A") + index) for index, name in enumerate(HEADER)}
EDITABLE = {"填报值", "说明"}
KEY_RE = re.compile(r"^(\d+)-(\d+)-(\d*)$")

PERIOD_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?$")


def max_bytes() -> int:
    return getattr(settings, "QUALITYGOV_INDICATOR_UPLOAD_MAX_BYTES", MAX_BYTES_DEFAULT)


# The period a template covers

@dataclass(frozen=True)
class Window:
    key: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        year, _sep, part = self.key.partition("-")
        if not part:
            return f"{year}年"
        if part.startswith("Q"):
            return f"{year}年第{part[1]}季度"
        if part.startswith("H"):
            return f"{year}年{'上' if part == 'H1' else '下'}半年"
        return f"{year}年{int(part)}月"


def parse_window(key: str) -> Window:
    """"2025" (a year), "2025-Q2", "2025-H1" or "2025-06"; ServiceError for anything else."""
    match = PERIOD_RE.match((key or "").strip())
    if not match:
        raise ServiceError(_("Choose a period such as 2025, 2025-Q2, 2025-H1 or 2025-06."), code="bad_period",
                           fields={"period": [_("Not a period.")]})
    year, part = int(match.group(1)), match.group(2)
    if not part:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif part.startswith("Q"):
        q = int(part[1])
        start, end = dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)
    elif part.startswith("H"):
        start, end = (dt.date(year, 1, 1), dt.date(year, 6, 30)) if part == "H1" else (dt.date(year, 7, 1),
                                                                                          dt.date(year, 12, 31))
    else:
        month = int(part)
        if not 1 <= month <= 12:
            raise ServiceError(_("Choose a period such as 2025, 2025-Q2, 2025-H1 or 2025-06."), code="bad_period",
                               fields={"period": [_("Not a period.")]})
        start, end = dt.date(year, month, 1), _month_end(year, month)
    return Window(match.group(0), start, end)


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def window_choices(today: dt.date) -> list[tuple[str, str]]:
    """Choices for the template form: this and the three previous years, their quarters and halves, recent
    months (late values and corrections of earlier years are still entered)."""
    out = []
    for year in range(today.year, today.year - 4, -1):
        for key in [str(year)] + [f"{year}-H{h}" for h in (1, 2)] + [f"{year}-Q{q}" for q in (1, 2, 3, 4)]:
            out.append((key, parse_window(key).label))
    for back in range(12):
        month = (today.month - back - 1) % 12 + 1
        year = today.year - (1 if today.month - back <= 0 else 0)
        key = f"{year}-{month:02d}"
        out.append((key, parse_window(key).label))
    return out


# Building the template

@dataclass
class TemplateRow:
    indicator: Indicator
    period: ReportingPeriod
    unit: OrgUnit
    town: OrgUnit | None
    observation: Observation | None

    @property
    def key(self) -> str:
        return f"{self.period.pk}-{self.unit.pk}-{self.town.pk if self.town else ''}"


def entry_indicators(*, user) -> list[Indicator]:
    """Indicators the user enters values for: visible for "change", entered (not computed)."""
    return list(Indicator.objects.visible_to(user, Action.CHANGE).active().filter(data_source=DataSource.ENTERED)
                .order_by("plan_id", "order", "pk"))


def _entry_units(user) -> QuerySet[OrgUnit]:
    """The units `user` enters values for, as a subquery."""
    return OrgUnit.objects.visible_to(user, Action.CHANGE).values("pk")


def template_rows(*, user, window: Window) -> list[TemplateRow]:
    """One row per (indicator, period ending in the window, responsible unit in the user's scope[, town])."""
    indicators = entry_indicators(user=user)
    by_id = {i.pk: i for i in indicators}
    units_by_indicator: dict[int, list[OrgUnit]] = {}
    for resp in (IndicatorResponsibility.objects.filter(indicator_id__in=by_id, unit__in=_entry_units(user))
                 .select_related("unit").order_by("unit__sort_order", "unit__path")):
        units_by_indicator.setdefault(resp.indicator_id, []).append(resp.unit)
    periods = list(ReportingPeriod.objects.filter(indicator_id__in=by_id, end__gte=window.start, end__lte=window.end)
                   .order_by("start", "pk"))
    existing = {(o.period_id, o.unit_id, o.town_id): o
                for o in Observation.objects.visible_to(user, Action.CHANGE).filter(period__in=[p.pk for p in periods])}
    town_list = towns() if any(i.by_town for i in indicators) else []
    order = {pk: n for n, pk in enumerate(by_id)}
    rows = []
    for period in sorted(periods, key=lambda p: (order[p.indicator_id], p.start)):
        indicator = by_id[period.indicator_id]
        for unit in units_by_indicator.get(indicator.pk, []):
            for town in (town_list if indicator.by_town else [None]):
                found = existing.get((period.pk, unit.pk, town.pk if town else None))
                rows.append(TemplateRow(indicator, period, unit, town, found))
    return rows


def template_bytes(*, user, window: Window) -> bytes:
    """The pre-filled workbook: the data sheet (values and comments editable) and the hidden marker sheet."""
    rows = template_rows(user=user, window=window)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    ws.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.column_dimensions[LETTER["_key"]].hidden = True
    bold, body = Font(name=CJK_FONT, bold=True), Font(name=CJK_FONT)
    head_fill, edit_fill = PatternFill("solid", fgColor="DDEBF7"), PatternFill("solid", fgColor="FFF2CC")
    header = []
    for name in HEADER:
        cell = text_cell(ws, name)
        cell.font, cell.fill = bold, (edit_fill if name in EDITABLE else head_fill)
        header.append(cell)
    ws.append(header)
    for row in rows:
        obs = row.observation
        values = [
            row.indicator.code, row.indicator.name, row.period.label,
            float(obs.value) if obs is not None and obs.value is not None else None,
            row.indicator.unit, obs.comment if obs is not None else "", row.unit.label,
            row.town.label if row.town else "",
            str(ObservationStatus(obs.status).label) if obs is not None else str(_("Not entered")),
            decimal_text(obs.value) if obs is not None else "", row.key,
        ]
        out = []
        for name, value in zip(HEADER, values, strict=True):
            cell = text_cell(ws, value)
            cell.font = body
            if name in EDITABLE:
                cell.fill = edit_fill
                cell.protection = Protection(locked=False)
            out.append(cell)
        ws.append(out)
    marker = wb.create_sheet(MARKER_SHEET)
    marker.sheet_state = "hidden"
    for name, value in (("marker", MARKER), ("version", TEMPLATE_VERSION), ("period", window.key),
                        ("generated_at", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
                        ("user", user.get_username())):
        marker.append([text_cell(marker, name), text_cell(marker, value)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_filename(window: Window) -> str:
    return f"指标填报模板{window.label}.xlsx"


# Reading an upload (dry run)

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
KIND_LABELS = {NEW: gettext_lazy("New"), CHANGED: gettext_lazy("Changed"),
               UNCHANGED: gettext_lazy("Unchanged"), ERROR: gettext_lazy("Error")}


@dataclass
class PreviewRow:
    row: int
    kind: str
    code: str = ""
    name: str = ""
    period: str = ""
    unit: str = ""
    town: str = ""
    old: str = ""
    new: str = ""
    comment: str = ""
    errors: list[str] = field(default_factory=list)
    change: tuple | None = None  # (period_id, unit_id, town_id, value as text, comment) when it will be written

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class Preview:
    window: Window
    rows: list[PreviewRow]

    def of(self, kind: str) -> list[PreviewRow]:
        return [r for r in self.rows if r.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        counts = {NEW: 0, CHANGED: 0, UNCHANGED: 0, ERROR: 0}
        for row in self.rows:
            counts[row.kind] += 1
        return counts

    @property
    def errors(self) -> list[str]:
        return [e for r in self.rows for e in r.errors]

    def listed(self, limit: int = 500) -> list[PreviewRow]:
        """The rows a page lists: every error row and the other rows, each up to `limit`, in sheet order."""
        errors = [r for r in self.rows if r.kind == ERROR][:limit]
        others = [r for r in self.rows if r.kind != ERROR][:limit]
        return sorted(errors + others, key=lambda r: r.row)

    @property
    def changes(self) -> list[tuple]:
        return [r.change for r in self.rows if r.change is not None]


def _cell_error(row: int, column: str, message: str) -> str:
    return _("Row %(row)s, column %(col)s: %(message)s") % {"row": row, "col": LETTER[column], "message": message}


def _foreign() -> ServiceError:
    return ServiceError(_("This workbook is not an indicator template downloaded from this platform. Download "
                          "the template again and fill in that file."), code="foreign",
                        fields={"file": [_("Not our template.")]})


def _open(uploaded):
    """Check size and type, then open read-only; ServiceError with a clear message for anything unreadable."""
    checked = check_upload(uploaded, allowed=(".xlsx",), max_bytes=max_bytes(),
                           too_large_hint=_(" Split the workbook into smaller files."))
    try:
        wb = load_workbook(io.BytesIO(checked.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as exc:
        raise ServiceError(_("The file could not be read as an Excel workbook (.xlsx). Save it again in Excel "
                             "and upload it once more."), code="unreadable",
                           fields={"file": [_("Unreadable workbook.")]}) from exc
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise ServiceError(_("The file could not be read as an Excel workbook (.xlsx). Save it again in Excel "
                             "and upload it once more."), code="unreadable",
                           fields={"file": [_("Unreadable workbook.")]}) from exc
    return wb


def _marker(wb) -> dict[str, str]:
    if MARKER_SHEET not in wb.sheetnames or DATA_SHEET not in wb.sheetnames:
        raise _foreign()
    values = {}
    for row in wb[MARKER_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
        if row and row[0] is not None:
            values[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if values.get("marker") != MARKER:
        raise _foreign()
    if values.get("version") != TEMPLATE_VERSION:
        raise ServiceError(_("This template is from an older version of the platform. Download the template "
                             "again."), code="old_template", fields={"file": [_("Old template.")]})
    return values


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_number(value) -> Decimal:
    """A cell's number; ValueError with the reason when it is not one."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if text.endswith("%"):
        text = text[:-1].strip()
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    return number


def read_upload(*, user, uploaded, as_of: dt.date | None = None) -> Preview:
    """Validate an uploaded template against the database without writing anything.

    Raises ServiceError for a file that is not our template (oversized, not a zip, a zip that is not
    a workbook, no marker sheet, a changed header, too many rows); otherwise every data row comes
    back classified, errors carrying their row and column.
    """
    as_of = as_of or timezone.localdate()
    wb = _open(uploaded)
    try:
        marker = _marker(wb)
        window = parse_window(marker.get("period", ""))
        ws = wb[DATA_SHEET]
        rows_iter = ws.iter_rows(max_col=len(HEADER), values_only=True)
        header = [_text(v) for v in (next(rows_iter, None) or [])]
        if header[:len(HEADER)] != HEADER:
            raise _foreign()
        raw: list[tuple[int, tuple]] = []
        for number, values in enumerate(rows_iter, start=2):
            if values is None or all(v is None or _text(v) == "" for v in values):
                continue
            raw.append((number, tuple(values) + (None,) * (len(HEADER) - len(values))))
            if len(raw) > MAX_ROWS:
                raise ServiceError(_("The workbook has more than %(n)s rows; split it into smaller files.")
                                   % {"n": MAX_ROWS}, code="too_many_rows", fields={"file": [_("Too many rows.")]})
    finally:
        wb.close()
    return _validate(user=user, window=window, raw=raw, as_of=as_of)


def _before(points: list[tuple[dt.date, Decimal]], start: dt.date) -> Decimal | None:
    """The value of the latest point strictly before `start`."""
    index = bisect.bisect_left(points, start, key=lambda point: point[0])
    return points[index - 1][1] if index else None


def _validate(*, user, window: Window, raw: list[tuple[int, tuple]], as_of: dt.date) -> Preview:
    keys: dict[int, tuple[int, int, int | None]] = {}
    out: dict[int, PreviewRow] = {}
    for number, values in raw:
        key = _text(values[COL["_key"]])
        match = KEY_RE.match(key)
        if not match:
            out[number] = PreviewRow(number, ERROR, code=_text(values[COL["指标编号"]]), errors=[_cell_error(
                number, "_key", _("this row was not produced by the template (rows cannot be added; download a "
                                  "template that contains them)."))])
            continue
        keys[number] = (int(match.group(1)), int(match.group(2)), int(match.group(3)) if match.group(3) else None)

    # Bulk lookups: a fixed number of queries whatever the number of rows.
    visible = set(Indicator.objects.visible_to(user, Action.CHANGE).active().filter(data_source=DataSource.ENTERED)
                  .values_list("pk", flat=True))
    period_ids = {k[0] for k in keys.values()}
    periods = {p.pk: p for p in ReportingPeriod.objects.filter(pk__in=period_ids, indicator_id__in=visible)
               .select_related("indicator")}
    indicator_ids = {p.indicator_id for p in periods.values()}
    responsible = set(IndicatorResponsibility.objects.filter(indicator_id__in=indicator_ids)
                      .values_list("indicator_id", "unit_id"))
    # Units outside the user's "change" scope are not found: their rows are refused below.
    units = OrgUnit.objects.visible_to(user, Action.CHANGE).in_bulk(list({k[1] for k in keys.values()}))
    town_units = {t.pk: t for t in towns()}
    observations = Observation.objects.visible_to(user, Action.CHANGE)
    existing = {(o.period_id, o.unit_id, o.town_id): o for o in observations.filter(period_id__in=list(periods))}
    # Stored values by series (indicator, unit, town) and period start, for the size-of-change check:
    # a value is compared with the latest earlier one, the upload's own values winning over stored ones.
    series: dict[tuple, dict[dt.date, Decimal]] = defaultdict(dict)
    row_units = {k[1] for k in keys.values()}
    for indicator_id, unit_id, town_id, start, value in observations.filter(
            indicator_id__in=indicator_ids, unit_id__in=row_units, value__isnull=False).values_list(
            "indicator_id", "unit_id", "town_id", "period__start", "value"):
        series[(indicator_id, unit_id, town_id)][start] = value
    for number, values in raw:
        period = periods.get(keys[number][0]) if number in keys else None
        if period is None:
            continue
        try:
            value = _parse_number(values[COL["填报值"]]) if _text(values[COL["填报值"]]) else None
        except ValueError:
            value = None
        if value is not None:
            series[(period.indicator_id, keys[number][1], keys[number][2])][period.start] = value
    ordered = {k: sorted(v.items()) for k, v in series.items()}
    factor = change_factor(as_of)

    seen: dict[tuple, int] = {}
    for number, values in raw:
        if number in out:
            continue
        period_id, unit_id, town_id = keys[number]
        period = periods.get(period_id)
        unit = units.get(unit_id)
        row = PreviewRow(number, ERROR, code=_text(values[COL["指标编号"]]),
                         name=_text(values[COL["指标名称"]]), period=_text(values[COL["填报期"]]),
                         unit=_text(values[COL["报送单位"]]), town=_text(values[COL["镇街"]]),
                         comment=_text(values[COL["说明"]]))
        out[number] = row
        if (period is None or unit is None
                or (period.indicator_id, unit_id) not in responsible
                or (town_id is not None and (town_id not in town_units or not period.indicator.by_town))
                or (town_id is None and period.indicator.by_town)):
            row.errors.append(_cell_error(number, "_key", _("this row is not one you may fill in (an indicator, "
                                                            "period or unit outside your responsibility).")))
            continue
        indicator = period.indicator
        row.code, row.name, row.period = indicator.code, indicator.name, period.label
        row.unit, row.town = unit.label, town_units[town_id].label if town_id else ""
        if _text(values[COL["指标编号"]]) != indicator.code:
            row.errors.append(_cell_error(number, "指标编号", _("the code “%(found)s” does not belong to this row "
                                                           "(expected %(code)s); do not sort or move single columns.")
                                          % {"found": _text(values[COL["指标编号"]]), "code": indicator.code}))
        if keys[number] in seen:
            row.errors.append(_cell_error(number, "_key", _("the same period and unit already appear in row %(n)s.")
                                          % {"n": seen[keys[number]]}))
        seen.setdefault(keys[number], number)
        observation = existing.get(keys[number])
        row.old = decimal_text(observation.value) if observation is not None else ""
        cell = values[COL["填报值"]]
        if cell is None or _text(cell) == "":
            row.kind = UNCHANGED if not row.errors else ERROR
            continue
        try:
            value = _parse_number(cell)
        except ValueError:
            row.errors.append(_cell_error(number, "填报值", _("“%(value)s” is not a number.") % {"value": _text(cell)}))
            continue
        if abs(value) >= Decimal("1e14") or -value.as_tuple().exponent > 4:
            row.errors.append(_cell_error(number, "填报值", _("“%(value)s” has too many digits (at most 4 decimal "
                                                           "places).") % {"value": _text(cell)}))
            continue
        row.new = decimal_text(value)
        try:
            check_limits(indicator, value)
            check_plausible(indicator, value)
        except ServiceError as exc:
            row.errors.append(_cell_error(number, "填报值", f"{row.new}：{exc.message}"))
        same = observation is not None and observation.value is not None and observation.value == value \
            and observation.comment == row.comment
        if not same and observation is not None and observation.status in (ObservationStatus.SUBMITTED,
                                                                            ObservationStatus.APPROVED):
            message = (_("the value is approved and locked; ask for a correction on the value's page instead.")
                       if observation.status == ObservationStatus.APPROVED
                       else _("the value has been submitted and is awaiting review; it cannot be changed now."))
            row.errors.append(_cell_error(number, "填报值", message))
        if row.errors:
            continue
        if same:
            row.kind = UNCHANGED
            continue
        prev_value = _before(ordered.get((indicator.pk, unit_id, town_id), []), period.start)
        if not row.comment and indicator.change_limit_pct is not None:
            if is_big_relative_change(prev_value, value, indicator.change_limit_pct):
                row.errors.append(_cell_error(number, "说明", _(
                    "the value changes from %(old)s to %(new)s, by more than %(pct)s%%; explain it in the comment.")
                    % {"old": decimal_text(prev_value), "new": row.new,
                       "pct": decimal_text(indicator.change_limit_pct)}))
                continue
        elif not row.comment and is_big_change(prev_value, value, factor):
            row.errors.append(_cell_error(number, "说明", _("the value changes from %(old)s to %(new)s, more than "
                                                         "%(factor)s times; explain it in the comment.")
                                          % {"old": decimal_text(prev_value), "new": row.new,
                                             "factor": decimal_text(factor)}))
            continue
        row.kind = NEW if observation is None or observation.value is None else CHANGED
        row.change = (period_id, unit_id, town_id, str(value), row.comment)
    return Preview(window=window, rows=[out[number] for number, _values in raw])


# Writing a confirmed upload

def apply_changes(*, actor, changes: Iterable[tuple], submit: bool = False) -> int:
    """Save every previewed change as a draft through `observation_save_draft` (and submit it when
    `submit`), all or nothing.

    The services check again what the preview checked; a refusal rolls back the whole upload.
    """
    from .services import observation_save_draft, observation_submit

    changes = list(changes)
    periods = ReportingPeriod.objects.select_related("indicator").in_bulk({c[0] for c in changes})
    units = OrgUnit.objects.visible_to(actor, Action.CHANGE).in_bulk({c[1] for c in changes})
    town_units = {t.pk: t for t in towns()} if any(c[2] for c in changes) else {}
    with transaction.atomic():
        for period_id, unit_id, town_id, value, comment in changes:
            period = periods.get(period_id)
            if period is None or unit_id not in units or (town_id and town_id not in town_units):
                raise ServiceError(_("The data changed since the preview; upload the workbook again."),
                                   code="stale")
            observation = observation_save_draft(actor=actor, period=period, unit=units[unit_id],
                                                 value=Decimal(value), comment=comment,
                                                 town=town_units[town_id] if town_id else None)
            if submit:
                observation_submit(actor=actor, observation=observation)
    return len(changes)
