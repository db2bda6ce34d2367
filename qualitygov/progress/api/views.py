"""`/api/v1/` views of progress: work items, reporting cycles, progress reports and findings, read through the
scoped selectors; the lead unit's report saved and submitted through the same services as the report page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from qualitygov.accounts.choices import Action
from qualitygov.core.access import LOGIN, action_rule
from qualitygov.core.api.base import ApiView, ScopedReadOnlyViewSet
from qualitygov.core.api.schema import ErrorSerializer, read_only_docs
from qualitygov.core.versioning import request_version

from .. import selectors, services
from .filters import FindingFilter, ProgressReportFilter, ReportingCycleFilter, WorkItemFilter
from .serializers import (
    FindingSerializer,
    ProgressReportSerializer,
    ReportingCycleSerializer,
    ReportWriteSerializer,
    WorkItemSerializer,
)

TAG = pgettext_lazy("API tag", "Work progress")


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List work items"), retrieve_summary=gettext_lazy("Read a work item"),
    description=gettext_lazy(
        "Deliverables under the plan's tasks that the caller's units lead or co-operate on, with their progress "
        "and stored light. Filters: plan, task, unit, lead_unit, status, light, q."),
)
class WorkItemViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = WorkItemSerializer
    filterset_class = WorkItemFilter

    def get_scoped_queryset(self, user):
        return (selectors.work_item_list_visible(user=user).defer("light__inputs")
                .prefetch_related("co_units__unit").order_by("task__plan_id", "task__order", "order", "pk"))


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List reporting cycles"),
    retrieve_summary=gettext_lazy("Read a reporting cycle"),
    description=gettext_lazy(
        "Reporting rounds of the plans the caller may see, with their periods and due dates; an opened cycle "
        "has sent a report request for every active work item. Filters: plan, frequency, year, opened."),
)
class ReportingCycleViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = ReportingCycleSerializer
    filterset_class = ReportingCycleFilter

    def get_scoped_queryset(self, user):
        return selectors.cycle_list_visible(user=user)


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List progress reports"),
    retrieve_summary=gettext_lazy("Read a progress report"),
    description=gettext_lazy(
        "Reports of the work items the caller's units lead or co-operate on, earliest due first. A co-operating "
        "unit reads the lead unit's texts only once the report has been filed (`content_readable`). "
        "Filters: plan, cycle, work_item, task, unit, status, submitted_late, due_from, due_to."),
)
class ProgressReportViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilter

    def get_scoped_queryset(self, user):
        return selectors.report_list_visible(user=user).select_related("submitted_by")


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List findings"), retrieve_summary=gettext_lazy("Read a finding"),
    description=gettext_lazy(
        "Problems found in supervision that the caller's units must rectify, with the rectification and its "
        "close-out, newest first. Filters: source, status, unit, task, work_item, open, overdue, q."),
)
class FindingViewSet(ScopedReadOnlyViewSet):
    access_rule = LOGIN
    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def get_scoped_queryset(self, user):
        return selectors.finding_list_visible(user=user)


CONFLICT = OpenApiResponse(ErrorSerializer, description="conflict: the report's status does not allow it, "
                                                        "co-operating units have not filed their parts, or the "
                                                        "report changed since `version` / If-Match (code stale)")


class _ReportWriteView(ApiView):
    """Load the report in the caller's scope, call the service with the body, answer the report."""

    access_rule = action_rule(Action.CHANGE)
    #: `report_save` or `report_submit`.
    service = staticmethod(services.report_save)

    def post(self, request, pk: int):
        form = ReportWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        version = request_version(request, data.pop("version", None))
        report = selectors.report_get_visible(user=request.user, pk=pk)
        self.service(actor=request.user, report=report, version=version, **data)
        report = selectors.report_get_visible(user=request.user, pk=pk)
        return Response(ProgressReportSerializer(report, context={"request": request}).data,
                        headers={"ETag": f'"{report.version}"'})


class ReportDraftView(_ReportWriteView):
    service = staticmethod(services.report_save)

    @extend_schema(
        summary=gettext_lazy("Save a progress report as a draft"),
        description=gettext_lazy(
            "The lead unit saves its consolidated report (progress percentage, work done, problems, next steps) as a "
            "draft; fields left out keep their saved value. Another unit's report answers 404, a submitted or "
            "approved one 409."),
        tags=[TAG], request=ReportWriteSerializer, responses={200: ProgressReportSerializer, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class ReportSubmitView(_ReportWriteView):
    service = staticmethod(services.report_submit)

    @extend_schema(
        summary=gettext_lazy("Submit a progress report to the office"),
        description=gettext_lazy(
            "The lead unit submits its report with the fields given (progress and work done are required). Every "
            "co-operating unit must have filed its part (otherwise 409 naming the units); filed parts are "
            "accepted with the report. A first submission after the due date is marked late."),
        tags=[TAG], request=ReportWriteSerializer, responses={200: ProgressReportSerializer, 409: CONFLICT},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)
