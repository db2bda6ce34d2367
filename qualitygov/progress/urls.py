from django.urls import path

from . import views, views_findings, views_reports

app_name = "progress"

urlpatterns: list = [
    path("", views.inbox, name="inbox"),
    # Board
    path("board/", views.board, name="board"),
    path("board.xlsx", views.board_xlsx, name="board_xlsx"),
    path("board/rule/", views.board_rule, name="board_rule"),
    path("lights/refresh/", views.lights_refresh, name="lights_refresh"),
    # Work items
    path("items/", views.work_item_list, name="work_item_list"),
    path("items/export.xlsx", views.work_item_list_xlsx, name="work_item_list_xlsx"),
    path("items/new/", views.work_item_create, name="work_item_create"),
    path("items/propose/", views.work_item_propose, name="work_item_propose"),
    path("items/<int:pk>/", views.work_item_detail, name="work_item_detail"),
    path("items/<int:pk>/edit/", views.work_item_edit, name="work_item_edit"),
    path("items/<int:pk>/decide/", views.work_item_decide, name="work_item_decide"),
    path("items/<int:pk>/transition/", views.work_item_transition, name="work_item_transition"),
    path("milestones/<int:pk>/complete/", views.milestone_complete, name="milestone_complete"),
    path("items/<int:pk>/extension/", views_reports.work_item_extension, name="work_item_extension"),
    path("tasks/<int:pk>/", views.task_timeline, name="task_timeline"),
    # Reporting
    path("cycles/", views_reports.cycle_list, name="cycle_list"),
    path("cycles/export.xlsx", views_reports.cycle_list_xlsx, name="cycle_list_xlsx"),
    path("cycles/<int:pk>/open/", views_reports.cycle_open, name="cycle_open"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/review/", views_reports.report_review, name="report_review"),
    path("reports/<int:pk>/extension/", views_reports.report_extension, name="report_extension"),
    path("parts/<int:pk>/", views_reports.part_detail, name="part_detail"),
    path("parts/<int:pk>/decide/", views_reports.part_decide, name="part_decide"),
    path("evidence/<int:pk>/", views.attachment_download, name="attachment_download"),
    # Extensions and the 督办 list
    path("extensions/", views_reports.extension_list, name="extension_list"),
    path("extensions/export.xlsx", views_reports.extension_list_xlsx, name="extension_list_xlsx"),
    path("extensions/<int:pk>/decide/", views_reports.extension_decide, name="extension_decide"),
    path("supervised/", views_reports.supervised_list, name="supervised_list"),
    path("supervised.xlsx", views_reports.supervised_xlsx, name="supervised_xlsx"),
    # Findings (整改台账)
    path("findings/", views_findings.finding_list, name="finding_list"),
    path("findings/export.xlsx", views_findings.finding_list_xlsx, name="finding_list_xlsx"),
    path("findings/export-job/", views_findings.finding_list_xlsx_job, name="finding_list_xlsx_job"),
    path("findings/new/", views_findings.finding_create, name="finding_create"),
    path("findings/<int:pk>/", views_findings.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/rectify/", views_findings.finding_rectify, name="finding_rectify"),
    path("findings/<int:pk>/verify/", views_findings.finding_verify, name="finding_verify"),
    path("findings/<int:pk>/reopen/", views_findings.finding_reopen, name="finding_reopen"),
    # Bulletin
    path("bulletin/", views.bulletin, name="bulletin"),
]
