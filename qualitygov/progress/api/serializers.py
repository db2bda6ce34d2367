"""Serializers of the progress API: ids plus readable names, choice codes plus their labels."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import Light
from ..models import Finding, ProgressReport, ReportingCycle, WorkItem, WorkItemUnit
from ..selectors import report_content_readable


def _person(user) -> str | None:
    return str(user) if user is not None else None


class CoUnitSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = WorkItemUnit
        fields = ["unit", "unit_name"]
        read_only_fields = fields


class WorkItemSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)
    task_number = serializers.CharField(source="task.number", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    co_units = CoUnitSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    light = serializers.SerializerMethodField(help_text="the stored light; grey before the first computation")
    light_label = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = ["id", "plan", "task", "task_number", "task_title", "lead_unit", "lead_unit_name", "co_units",
                  "title", "description", "start_date", "deadline", "status", "status_label", "progress_pct",
                  "progress_on", "completed_on", "light", "light_label", "order", "created_at", "updated_at", "version"]
        read_only_fields = fields

    def _light(self, item: WorkItem) -> str:
        try:
            return item.light.light
        except WorkItem.light.RelatedObjectDoesNotExist:
            return Light.GREY

    @extend_schema_field(serializers.ChoiceField(choices=Light.choices))
    def get_light(self, item: WorkItem) -> str:
        return self._light(item)

    def get_light_label(self, item: WorkItem) -> str:
        return str(Light(self._light(item)).label)


class ReportingCycleSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)

    class Meta:
        model = ReportingCycle
        fields = ["id", "plan", "plan_title", "label", "frequency", "frequency_label", "period_start", "period_end",
                  "due_date", "opened_at"]
        read_only_fields = fields


#: The lead unit's texts: a co unit reads them only once the report has been filed.
REPORT_CONTENT = ("progress_pct", "done_text", "problems", "next_steps", "return_reason")


class ProgressReportSerializer(serializers.ModelSerializer):
    cycle_label = serializers.CharField(source="cycle.label", read_only=True)
    plan = serializers.IntegerField(source="cycle.plan_id", read_only=True)
    work_item_title = serializers.CharField(source="work_item.title", read_only=True)
    task = serializers.IntegerField(source="work_item.task_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    submitted_by_name = serializers.SerializerMethodField()
    content_readable = serializers.SerializerMethodField(
        help_text="false for a co unit while the lead unit has not filed: the texts are then null")

    class Meta:
        model = ProgressReport
        fields = ["id", "cycle", "cycle_label", "plan", "work_item", "work_item_title", "task", "unit", "unit_name",
                  "status", "status_label", "due_date", *REPORT_CONTENT, "submitted_at", "submitted_by",
                  "submitted_by_name", "submitted_late", "decided_at", "updated_at", "content_readable", "version"]
        read_only_fields = fields
        extra_kwargs = {name: {"allow_null": True} for name in REPORT_CONTENT}

    def _readable(self, report: ProgressReport) -> bool:
        return report_content_readable(user=self.context["request"].user, report=report)

    def get_submitted_by_name(self, report: ProgressReport) -> str | None:
        return _person(report.submitted_by)

    def get_content_readable(self, report: ProgressReport) -> bool:
        return self._readable(report)

    def to_representation(self, report: ProgressReport) -> dict:
        data = super().to_representation(report)
        if not data["content_readable"]:
            data.update(dict.fromkeys(REPORT_CONTENT))
        return data


class FindingSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    task_number = serializers.CharField(source="task.number", read_only=True, default=None, allow_null=True)
    work_item_title = serializers.CharField(source="work_item.title", read_only=True, default=None,
                                            allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    raised_by_name = serializers.SerializerMethodField()
    verified_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "source", "source_label", "title", "description", "unit", "unit_name", "task", "task_number",
                  "work_item", "work_item_title", "found_on", "deadline", "rectification_plan",
                  "rectification_result", "status", "status_label", "verification_note", "raised_by",
                  "raised_by_name", "submitted_at", "verified_by", "verified_by_name", "closed_at", "reopened_count",
                  "created_at", "updated_at", "version"]
        read_only_fields = fields

    def get_raised_by_name(self, finding: Finding) -> str | None:
        return _person(finding.raised_by)

    def get_verified_by_name(self, finding: Finding) -> str | None:
        return _person(finding.verified_by)


class ReportWriteSerializer(serializers.Serializer):
    """The lead unit's consolidated report; fields left out keep their saved value."""

    progress_pct = serializers.CharField(max_length=20, required=False, allow_null=True, allow_blank=True,
                                         help_text="progress in %, 0–100")
    done_text = serializers.CharField(max_length=20000, required=False, allow_null=True, allow_blank=True,
                                      trim_whitespace=False, help_text="work done (required to submit)")
    problems = serializers.CharField(max_length=20000, required=False, allow_null=True, allow_blank=True,
                                     trim_whitespace=False)
    next_steps = serializers.CharField(max_length=20000, required=False, allow_null=True, allow_blank=True,
                                       trim_whitespace=False)
    version = serializers.IntegerField(min_value=0, required=False, allow_null=True,
                                       help_text="the report's version the edit is based on (or send If-Match); "
                                                 "a stale one answers 409")
