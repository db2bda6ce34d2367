"""`/api/v1/` views of indicators: definitions, interim targets, observations and stored lights, read through the
scoped selectors; a unit's values saved as drafts and submitted through the same services as the entry form."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from qualitygov.accounts.choices import Action
from qualitygov.core.access import LOGIN, action_rule
from qualitygov.core.api.base import ApiView, ScopedReadOnlyViewSet
from qualitygov.core.api.schema import ErrorSerializer, read_only_docs
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.scoping import manages_district
from qualitygov.core.versioning import request_version

from .. import selectors
from ..services import observation_save_draft, observation_submit
from .filters import IndicatorFilter, IndicatorStatusFilter, ObservationFilter, TargetFilter
from .serializers import (
    IndicatorCreateSerializer,
    IndicatorDetailSerializer,
    IndicatorSerializer,
    IndicatorStateSerializer,
    IndicatorStatusDetailSerializer,
    IndicatorStatusSerializer,
    ObservationDraftSerializer,
    ObservationSerializer,
    TargetSerializer,
)

TAG = pgettext_lazy("API tag", "Indicators")
CHANGE = action_rule(Action.CHANGE)
CONFLICT = OpenApiResponse(ErrorSerializer, description="conflict: the value is submitted or approved, or it changed "
                                                        "since `version` / If-Match (code stale)")


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List indicators"), retrieve_summary=gettext_lazy("Read an indicator"),
    description=gettext_lazy(
        "Indicators the caller's units report or contribute to, in plan order, with their responsible units and "
        "stored light; one indicator also lists its reporting periods. "
        "Filters: plan, task, unit, scope, data_source, frequency, light, q."),
)
class IndicatorViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    filterset_class = IndicatorFilter

    def get_serializer_class(self):
        return IndicatorDetailSerializer if self.action == "retrieve" else IndicatorSerializer

    def get_scoped_queryset(self, user):
        qs = (selectors.indicator_list_visible(user=user).select_related("plan", "task", "status")
              .defer("status__inputs").prefetch_related("responsibilities__unit")
              .order_by("plan_id", "order", "pk"))
        if self.action == "retrieve":
            qs = qs.prefetch_related("periods")
        return qs


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List interim targets"),
    retrieve_summary=gettext_lazy("Read an interim target"),
    description=gettext_lazy(
        "Interim targets by year of the indicators the caller may see (years without one follow the straight "
        "line from the baseline to the final target). Filters: plan, indicator, year."),
)
class TargetViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = TargetSerializer
    filterset_class = TargetFilter

    def get_scoped_queryset(self, user):
        return selectors.target_list_visible(user=user)


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List observations"), retrieve_summary=gettext_lazy("Read an observation"),
    description=gettext_lazy(
        "Values reported by the caller's units, one per indicator, period, unit (and town), in every workflow "
        "state. Filters: plan, indicator, period, unit, town, status, updated_since."),
)
class ObservationViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter

    def get_scoped_queryset(self, user):
        return selectors.observation_list_visible(user=user)


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List indicator lights"),
    retrieve_summary=gettext_lazy("Read an indicator light"),
    description=gettext_lazy(
        "The stored light and forecast of each indicator the caller may see, with the rule that fired; one light "
        "also gives every input it came from. Filters: plan, indicator, unit, light."),
)
class IndicatorStatusViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    filterset_class = IndicatorStatusFilter

    def get_serializer_class(self):
        return IndicatorStatusDetailSerializer if self.action == "retrieve" else IndicatorStatusSerializer

    def get_scoped_queryset(self, user):
        qs = selectors.indicator_status_list_visible(user=user)
        return qs if self.action == "retrieve" else qs.defer("inputs")


def _observation_body(user, pk: int) -> dict:
    return ObservationSerializer(selectors.observation_get_visible(user=user, pk=pk)).data


class ObservationDraftView(ApiView):
    """Save a unit's value for one period as a draft, as the entry form does."""

    access_rule = CHANGE

    @extend_schema(
        summary=gettext_lazy("Save an observation as a draft"),
        description=gettext_lazy(
            "Save the value of one reporting unit (and town) for one period as a draft: 201 when it is new, 200 "
            "when a draft or returned value changed. The unit must be one the caller enters data for and one "
            "that reports the indicator; otherwise 404. A submitted or approved value answers 409; a value that "
            "is not a number, out of range, or a big change without a comment answers 400 naming the field."),
        tags=[TAG], request=ObservationDraftSerializer,
        responses={200: ObservationSerializer, 201: ObservationSerializer, 409: CONFLICT},
    )
    def post(self, request):
        form = ObservationDraftSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        period, unit = selectors.period_get_for_entry(user=request.user, period_pk=data["period"],
                                                      unit_pk=data["unit"])
        town = None
        if data["town"] is not None:
            town = next((t for t in selectors.towns() if t.pk == data["town"]), None)
            if town is None:
                message = _("Choose a town, subdistrict or management committee.")
                raise ServiceError(message, fields={"town": [message]})
        existed = (selectors.observation_list_visible(user=request.user, action=Action.CHANGE)
                   .filter(period=period, unit=unit, town=town).exists())
        observation = observation_save_draft(actor=request.user, period=period, unit=unit, value=data["value"],
                                             comment=data["comment"], town=town,
                                             version=request_version(request, data.get("version")))
        return Response(_observation_body(request.user, observation.pk),
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
                        headers={"ETag": f'"{observation.version}"'})


class ObservationSubmitView(ApiView):
    """Submit a draft or returned value for review."""

    access_rule = CHANGE

    @extend_schema(
        summary=gettext_lazy("Submit an observation for review"),
        description=gettext_lazy(
            "Send a draft or returned value of one of the caller's units to review; the value as first "
            "submitted is kept. A value already submitted or approved answers 409; another unit's value 404."),
        tags=[TAG], request=None, responses={200: ObservationSerializer, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        # No body is needed; one that is sent must be a JSON object (a malformed one answers 400).
        serializers.Serializer(data=request.data).is_valid(raise_exception=True)
        observation = selectors.observation_get_visible(user=request.user, pk=pk, action=Action.CHANGE)
        observation = observation_submit(actor=request.user, observation=observation,
                                         version=request_version(request))
        return Response(_observation_body(request.user, observation.pk), headers={"ETag": f'"{observation.version}"'})


MANAGE = action_rule(Action.MANAGE)


def _indicator_body(user, pk: int) -> dict:
    return IndicatorDetailSerializer(selectors.indicator_get_visible(user=user, pk=pk)).data


class IndicatorCreateView(ApiView):
    """Create an indicator the plan text does not state (自设指标), as the office's form does."""

    access_rule = MANAGE

    @extend_schema(
        summary=gettext_lazy("Create an indicator set by the office"),
        description=gettext_lazy(
            "An indicator the plan text does not state, with its targets by year and responsible units; its "
            "reporting periods up to today are generated. Only the district-wide office (otherwise 404). A "
            "duplicate code or name in the plan, or a lowest plausible value above the highest, answers 400 "
            "naming the field."),
        tags=[TAG], request=IndicatorCreateSerializer, responses={201: IndicatorDetailSerializer},
    )
    def post(self, request):
        from qualitygov.accounts.models import OrgUnit
        from qualitygov.plans.models import Plan

        from ..services import indicator_create

        form = IndicatorCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        if not manages_district(request.user):
            raise NotFoundError("not found")
        plan = Plan.objects.visible_to(request.user).filter(pk=data.pop("plan")).first()
        if plan is None:
            raise NotFoundError("not found")
        wanted = data.pop("units")
        found = (OrgUnit.objects.visible_to(request.user, Action.MANAGE).filter(is_active=True)
                 .in_bulk([u["unit"] for u in wanted]))
        if len(found) != len({u["unit"] for u in wanted}):
            message = _("Choose active units.")
            raise ServiceError(message, fields={"units": [message]})
        units = [(found[u["unit"]], u["role"]) for u in wanted]
        data["unit"] = data.pop("unit_of_measure")
        targets = {}
        for year, value in data.pop("targets").items():
            if not str(year).isdigit():
                message = _("A target's year must come after the baseline year.")
                raise ServiceError(message, fields={f"targets.{year}": [message]})
            targets[int(year)] = value
        indicator = indicator_create(actor=request.user, plan=plan, targets=targets, units=units,
                                     name=data.pop("name"), comparator=data.pop("comparator"),
                                     target_value=data.pop("target_value"), decision=data.pop("decision"),
                                     **{k: v for k, v in data.items() if v not in (None, "")})
        return Response(_indicator_body(request.user, indicator.pk), status=status.HTTP_201_CREATED,
                        headers={"ETag": f'"{indicator.version}"'})


class _IndicatorStateView(ApiView):
    access_rule = MANAGE
    action_name = ""

    def post(self, request, pk: int):
        from .. import services

        # The object first: an unknown or foreign indicator answers 404 whatever the body says.
        indicator = selectors.indicator_get_visible(user=request.user, pk=pk, action=Action.MANAGE)
        form = IndicatorStateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        service = services.indicator_retire if self.action_name == "retire" else services.indicator_reinstate
        indicator = service(actor=request.user, indicator=indicator, reason=form.validated_data["reason"],
                            version=request_version(request, form.validated_data.get("version")))
        return Response(_indicator_body(request.user, indicator.pk), headers={"ETag": f'"{indicator.version}"'})


class IndicatorRetireView(_IndicatorStateView):
    """Retire an indicator with the reason."""

    action_name = "retire"

    @extend_schema(
        summary=gettext_lazy("Retire an indicator"),
        description=gettext_lazy(
            "The indicator keeps its values and history but is no longer asked for data. Only the district-wide "
            "office (otherwise 404); an indicator retired already answers 409."),
        tags=[TAG], request=IndicatorStateSerializer, responses={200: IndicatorDetailSerializer, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class IndicatorReinstateView(_IndicatorStateView):
    """Put a retired indicator back in use with the reason."""

    action_name = "reinstate"

    @extend_schema(
        summary=gettext_lazy("Reinstate an indicator"),
        description=gettext_lazy(
            "A retired indicator is in use again: its reporting periods are extended to today. Only the "
            "district-wide office (otherwise 404); an indicator in use answers 409."),
        tags=[TAG], request=IndicatorStateSerializer, responses={200: IndicatorDetailSerializer, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)
