from django.urls import path

from . import views

app_name = "upperreports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("history/", views.history, name="history"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/generate/", views.report_new, name="report_new"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/regenerate/", views.report_regenerate, name="regenerate"),
    path("<int:pk>/review/", views.report_review, name="review"),
    path("<int:pk>/reopen/", views.report_reopen, name="reopen"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/correct/", views.report_correct, name="correct"),
    path("<int:pk>/download/<str:fmt>/", views.report_download, name="download"),
    path("<int:pk>/files/<int:file_pk>/", views.sent_file, name="sent_file"),
]
