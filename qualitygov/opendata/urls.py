"""`/api/open/v1/`: the open-data API (read-only, no sign-in), its OpenAPI document, docs and dictionary.

`data_patterns` are the data endpoints (what the open-data document describes); `urlpatterns` adds the
documents. Mounted by config/urls.py before `/api/`.
"""

from django.urls import path

from . import views

app_name = "opendata"

data_patterns = [
    path("", views.RootView.as_view(), name="root"),
    path("indicators/", views.IndicatorListView.as_view(), name="indicators"),
    path("indicators/<slug:id>/", views.IndicatorDetailView.as_view(), name="indicator"),
    path("indicators/<slug:id>/values/", views.IndicatorValueListView.as_view(), name="indicator_values"),
    path("indicator-values/", views.ValueListView.as_view(), name="indicator-values"),
    path("targets/", views.TargetListView.as_view(), name="targets"),
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("sampling-results/", views.SamplingListView.as_view(), name="sampling-results"),
    path("register-entries/", views.RegisterListView.as_view(), name="register-entries"),
    path("datasets/", views.KindIndexView.as_view(), name="kinds"),
    path("datasets/<slug:kind>/", views.KindListView.as_view(), name="kind_list"),
    path("datasets/<slug:kind>/<slug:id>/", views.ItemDetailView.as_view(), name="item"),
]

urlpatterns = [
    *data_patterns,
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="opendata:schema"), name="docs"),
    path("dictionary/", views.dictionary, name="dictionary"),
]
