"""Serializers of the indicators API: ids plus readable names, choice codes plus their labels."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qualitygov.core.api.filters import MAX_ID

from ..choices import Light
from ..models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorStatus,
    IndicatorTarget,
    Observation,
    ReportingPeriod,
)
from ..selectors import RULE_LABELS, indicator_status


def _person(user) -> str | None:
    return str(user) if user is not None else None


class IndicatorUnitSerializer(serializers.ModelSerializer):
    """A unit that reports the indicator (lead) or contributes to it (co)."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = IndicatorResponsibility
        fields = ["unit", "unit_name", "role", "role_label"]
        read_only_fields = fields


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "label", "start", "end", "due_date", "grace_days", "deadline"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    task_number = serializers.CharField(source="task.number", read_only=True, default=None, allow_null=True)
    unit_of_measure = serializers.CharField(source="unit", read_only=True)
    comparator_label = serializers.CharField(source="get_comparator_display", read_only=True)
    nature_label = serializers.CharField(source="get_nature_display", read_only=True)
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)
    aggregation_label = serializers.CharField(source="get_aggregation_display", read_only=True)
    data_source_label = serializers.CharField(source="get_data_source_display", read_only=True)
    origin_label = serializers.CharField(source="get_origin_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    responsibilities = IndicatorUnitSerializer(many=True, read_only=True)
    light = serializers.SerializerMethodField(help_text="the stored light; grey before the first refresh")
    light_label = serializers.SerializerMethodField()
    # `source` already names the plan's source clause, so where the values come from is `value_source`.
    value_source = serializers.ChoiceField(choices=[("typed", "typed"), ("computed", "computed")], read_only=True,
                                           help_text="typed: entered by the responsible unit; computed: from the "
                                                     "formula (or a registered function)")

    class Meta:
        model = Indicator
        fields = ["id", "plan", "plan_title", "task", "task_number", "code", "name", "unit_of_measure",
                  "comparator", "comparator_label", "target_value", "target_year", "nature", "nature_label", "scope",
                  "scope_label", "source", "baseline_year", "baseline_value", "frequency", "frequency_label",
                  "aggregation", "aggregation_label", "data_source", "data_source_label", "by_town", "physical_max",
                  "due_days", "grace_days", "order", "origin", "origin_label", "state", "state_label",
                  "retired_on", "retired_reason", "responsibilities", "light", "light_label", "value_source",
                  "formula", "reference_formula"]
        read_only_fields = fields

    def _light(self, indicator: Indicator) -> str:
        status = indicator_status(indicator)
        return status.light if status is not None else Light.GREY

    @extend_schema_field(serializers.ChoiceField(choices=Light.choices))
    def get_light(self, indicator: Indicator) -> str:
        return self._light(indicator)

    def get_light_label(self, indicator: Indicator) -> str:
        return str(Light(self._light(indicator)).label)


class IndicatorDetailSerializer(IndicatorSerializer):
    periods = PeriodSerializer(many=True, read_only=True, help_text="reporting periods generated so far, in order")

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "periods"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)

    class Meta:
        model = IndicatorTarget
        fields = ["id", "indicator", "indicator_code", "indicator_name", "year", "value"]
        read_only_fields = fields


class ObservationSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    period_start = serializers.DateField(source="period.start", read_only=True)
    period_end = serializers.DateField(source="period.end", read_only=True)
    due_date = serializers.DateField(source="period.due_date", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    town_name = serializers.CharField(source="town.name", read_only=True, default=None, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    submitted_by_name = serializers.SerializerMethodField()
    approved_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Observation
        fields = ["id", "indicator", "indicator_code", "indicator_name", "period", "period_label", "period_start",
                  "period_end", "due_date", "unit", "unit_name", "town", "town_name", "value", "comment", "status",
                  "status_label", "return_reason", "first_submitted_value", "submitted_by", "submitted_by_name",
                  "submitted_at", "first_submitted_at", "approved_by", "approved_by_name", "approved_at",
                  "updated_at", "version", "provenance"]
        read_only_fields = fields

    def get_submitted_by_name(self, observation: Observation) -> str | None:
        return _person(observation.submitted_by)

    def get_approved_by_name(self, observation: Observation) -> str | None:
        return _person(observation.approved_by)


class IndicatorStatusSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    light_label = serializers.CharField(source="get_light_display", read_only=True)
    rule_label = serializers.SerializerMethodField(help_text="what the rule that fired means")
    forecast_status_label = serializers.CharField(source="get_forecast_status_display", read_only=True)

    class Meta:
        model = IndicatorStatus
        fields = ["id", "indicator", "indicator_code", "indicator_name", "as_of", "light", "light_label",
                  "latest_value", "latest_period", "expected_value", "gap", "rule", "rule_label", "forecast_value",
                  "forecast_status", "forecast_status_label", "computed_at"]
        read_only_fields = fields

    def get_rule_label(self, status: IndicatorStatus) -> str:
        return str(RULE_LABELS.get(status.rule, status.rule))


class IndicatorStatusDetailSerializer(IndicatorStatusSerializer):
    inputs = serializers.JSONField(read_only=True, help_text="every input the light and forecast came from")

    class Meta(IndicatorStatusSerializer.Meta):
        fields = [*IndicatorStatusSerializer.Meta.fields, "inputs"]
        read_only_fields = fields


class ObservationDraftSerializer(serializers.Serializer):
    """A unit's value for one period, saved as a draft (created, or a draft/returned one changed)."""

    period = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="reporting period id")
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="the reporting unit's id")
    town = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None,
                                    help_text="the town's id, for an indicator broken down by town")
    value = serializers.CharField(max_length=40, help_text="a number with at most 4 decimal places")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                    help_text="needed when the value changes a lot from the previous period")
    version = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None,
                                       help_text="the value's version the edit is based on (0: none yet; or send "
                                                 "If-Match); a stale one answers 409")


class IndicatorUnitInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="the responsible unit's id")
    role = serializers.ChoiceField(choices=[("lead", "lead"), ("co", "co")], default="lead")


class IndicatorCreateSerializer(serializers.Serializer):
    """A new indicator the plan text does not state (自设指标); the service checks what the fields mean."""

    plan = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="the plan it belongs to")
    code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                 help_text="empty: the next free Z01, Z02…")
    name = serializers.CharField(max_length=200)
    unit_of_measure = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    comparator = serializers.CharField(max_length=16)
    target_value = serializers.CharField(max_length=40, required=False, allow_null=True, default=None,
                                         help_text="the final target; empty: the last year's target")
    target_year = serializers.IntegerField(min_value=1990, max_value=2100, required=False, allow_null=True,
                                           default=None)
    nature = serializers.CharField(max_length=10, required=False, default="expected")
    baseline_year = serializers.IntegerField(min_value=1990, max_value=2100, required=False, allow_null=True,
                                             default=None)
    baseline_value = serializers.CharField(max_length=40, required=False, allow_null=True, default=None)
    frequency = serializers.CharField(max_length=12, required=False, default="yearly")
    aggregation = serializers.CharField(max_length=10, required=False, default="latest")
    data_source = serializers.CharField(max_length=10, required=False, default="entered")
    computed_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    formula = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                    help_text="for data_source=computed: measure keys with + - * / and parentheses, "
                                              "a category in square brackets, e.g. feeds.sampling.pass_rate[食品]")
    reference_formula = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                              help_text="a figure shown for reference only, never stored")
    due_days = serializers.IntegerField(min_value=0, max_value=250, required=False, default=15,
                                        help_text="working days after the period ends until due")
    grace_days = serializers.IntegerField(min_value=0, max_value=250, required=False, default=5,
                                          help_text="working days after the due date still on time")
    plausible_min = serializers.CharField(max_length=40, required=False, allow_null=True, default=None)
    plausible_max = serializers.CharField(max_length=40, required=False, allow_null=True, default=None)
    change_limit_pct = serializers.CharField(max_length=40, required=False, allow_null=True, default=None)
    targets = serializers.DictField(child=serializers.CharField(max_length=40), required=False, default=dict,
                                    help_text="year → target, e.g. {\"2026\": \"90\"}")
    units = IndicatorUnitInputSerializer(many=True, required=False, default=list)
    decision = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class IndicatorStateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    version = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None,
                                       help_text="the indicator's version (or send If-Match); a stale one answers 409")
