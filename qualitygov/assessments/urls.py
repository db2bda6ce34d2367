from django.urls import path

from . import views, views_rounds

app_name = "assessments"

urlpatterns = [
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/import/", views.scheme_import, name="scheme_import"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/new-version/", views.scheme_new_version, name="scheme_new_version"),
    path("schemes/<int:pk>/scheme.json", views.scheme_export, name="scheme_export"),
]

urlpatterns += [
    path("rounds/", views_rounds.round_list, name="rounds"),
    path("rounds/new/", views_rounds.round_new, name="round_new"),
    path("rounds/<int:pk>/", views_rounds.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views_rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/step/<slug:name>/", views_rounds.round_step, name="round_step"),
    path("rounds/<int:pk>/collect/", views_rounds.round_collect, name="round_collect"),
    path("rounds/<int:pk>/approve/", views_rounds.round_approve, name="round_approve"),
    path("rounds/<int:pk>/results/", views_rounds.round_results, name="round_results"),
    path("rounds/<int:pk>/scores.xlsx", views_rounds.round_results_xlsx, name="round_results_xlsx"),
    path("rounds/<int:pk>/bulletin.docx", views_rounds.round_bulletin, name="round_bulletin"),
    path("sheets/<int:pk>/", views_rounds.sheet, name="sheet"),
    path("sheets/<int:pk>/group/", views_rounds.round_unit_group, name="sheet_group"),
    path("sheets/<int:pk>/submit/", views_rounds.sheet_submit, name="sheet_submit"),
    path("sheets/<int:pk>/result/", views_rounds.sheet_result, name="sheet_result"),
    path("sheets/<int:pk>/objections/new/", views_rounds.objection_new, name="objection_new"),
    path("entries/<int:pk>/fill/", views_rounds.entry_fill, name="entry_fill"),
    path("entries/<int:pk>/review/", views_rounds.entry_review, name="entry_review"),
    path("entries/<int:pk>/files/<int:file_pk>/", views_rounds.entry_file, name="entry_file"),
    path("objections/<int:pk>/answer/", views_rounds.objection_answer, name="objection_answer"),
]

# Importing a scoring table (评分细则) with a review step.
from . import views_rules  # noqa: E402

urlpatterns += [
    path("schemes/rules/", views_rules.rules_upload, name="rules_upload"),
    path("schemes/rules/review/", views_rules.rules_review, name="rules_review"),
    path("schemes/rules/cancel/", views_rules.rules_cancel, name="rules_cancel"),
]

# Editing a draft scheme item by item (the tree editor).
from . import views_tree  # noqa: E402

urlpatterns += [
    path("schemes/new/", views_tree.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/header/", views_tree.scheme_header, name="scheme_header"),
    path("schemes/<int:pk>/items/new/", views_tree.item_new, name="item_new"),
    path("schemes/<int:pk>/item/<path:code>/edit/", views_tree.item_edit, name="item_edit"),
    path("schemes/<int:pk>/item/<path:code>/delete/", views_tree.item_delete, name="item_delete"),
    path("schemes/<int:pk>/item/<path:code>/move/<slug:direction>/", views_tree.item_move, name="item_move"),
]
