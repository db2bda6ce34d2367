from django.urls import path

from . import views

app_name = "sampling"

urlpatterns = [
    path("", views.batch_list, name="list"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_edit, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/batches/new/", views.batch_new, name="batch_new"),
    path("plans/<int:pk>/import/", views.batch_import, name="batch_import"),
    path("import-template/", views.import_template, name="import_template"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/edit/", views.batch_edit, name="batch_edit"),
    path("batches/<int:pk>/delete/", views.batch_delete, name="batch_delete"),
    path("batches/<int:pk>/publish/", views.batch_publish, name="batch_publish"),
    path("batches/<int:pk>/step/<str:name>/", views.batch_act, name="batch_act"),
    path("rules/", views.rule_list, name="rules"),
]
