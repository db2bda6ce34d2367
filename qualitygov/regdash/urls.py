from django.urls import path

from . import views

app_name = "regdash"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/tiles/<slug:key>/", views.tile, name="tile"),
]
