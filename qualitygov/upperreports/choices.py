"""Period kinds, report states and submission channels of reports to the level above, and the columns a
template may ask for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF_YEAR = "half_year", _("Half-yearly")
    YEAR = "year", _("Yearly")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    SUBMITTED = "submitted", _("Submitted")


#: Named transitions of a report: name → (from states, to state). Generating again is allowed only in draft;
#: a reviewed report is frozen (it may go back to draft before it is sent); a submitted one never changes.
REPORT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "review": (frozenset({ReportStatus.DRAFT}), ReportStatus.REVIEWED),
    "reopen": (frozenset({ReportStatus.REVIEWED}), ReportStatus.DRAFT),
    "submit": (frozenset({ReportStatus.REVIEWED}), ReportStatus.SUBMITTED),
}


class Channel(models.TextChoices):
    ZHENGDING = "zhengding", _("Zhejiang government DingTalk (浙政钉)")
    EMAIL = "email", _("Email")
    PAPER = "paper", _("Paper document")
    UPPER_SYSTEM = "upper_system", _("The upper level's system")
    OTHER = "other", _("Other")


class FigureColumn(models.TextChoices):
    """A column of the indicator table; its Chinese heading is fixed (it is the city's form)."""

    NAME = "name", _("Indicator name")
    UNIT = "unit", _("Unit (column)")
    BASELINE = "baseline", _("Baseline (column)")
    TARGET = "target", _("Target for the year")
    VALUE = "value", _("Value this period")
    DATA_PERIOD = "data_period", _("Period of the value")
    YOY = "yoy", _("Year on year")
    LIGHT = "light", _("Status (light)")
    UNITS = "units", _("Responsible units")
    SOURCE = "source", _("Data source")
    REMARKS = "remarks", _("Remarks")


#: The heading each column carries in the exported table (fixed Chinese: the city's form).
COLUMN_HEADINGS: dict[str, str] = {
    FigureColumn.NAME: "指标名称", FigureColumn.UNIT: "单位", FigureColumn.BASELINE: "基线值",
    FigureColumn.TARGET: "年度目标", FigureColumn.VALUE: "本期值", FigureColumn.DATA_PERIOD: "数据期",
    FigureColumn.YOY: "同比", FigureColumn.LIGHT: "完成情况", FigureColumn.UNITS: "责任单位",
    FigureColumn.SOURCE: "数据来源", FigureColumn.REMARKS: "备注",
}

DEFAULT_COLUMNS = [FigureColumn.NAME, FigureColumn.UNIT, FigureColumn.BASELINE, FigureColumn.TARGET,
                   FigureColumn.VALUE, FigureColumn.YOY, FigureColumn.LIGHT, FigureColumn.UNITS,
                   FigureColumn.SOURCE, FigureColumn.REMARKS]

#: How a missing figure is written in the table.
MISSING = "未报"
