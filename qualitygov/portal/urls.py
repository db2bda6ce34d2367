"""The public site (/public/, no sign-in) and the office's disclosure pages (/disclosure/)."""

from django.urls import path

from . import views, views_public

app_name = "portal"

urlpatterns = [
    path("public/", views_public.home, name="public_home"),
    path("public/changes/", views_public.changes, name="public_changes"),
    path("public/feed.atom", views_public.feed, name="public_feed"),
    path("public/k/<slug:kind>/", views_public.kind_list, name="public_list"),
    path("public/p/<slug:slug>/", views_public.item, name="public_item"),
    path("public/p/<slug:slug>/v<int:version>/", views_public.item_version, name="public_version"),
    path("public/p/<slug:slug>/data.<str:fmt>", views_public.item_data, name="public_data"),
    path("disclosure/", views.item_list, name="office"),
    path("disclosure/items/<int:pk>/", views.item_detail, name="office_item"),
    path("disclosure/items/<int:pk>/republish/", views.republish, name="republish"),
    path("disclosure/items/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("disclosure/publishable/<slug:kind>/", views.publishable, name="publishable"),
    path("disclosure/publishable/<slug:kind>/publish/", views.publish, name="publish"),
    path("disclosure/rules/", views.rule_list, name="rules"),
    path("disclosure/rules/new/", views.rule_edit, name="rule_new"),
    path("disclosure/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("disclosure/rules/apply/", views.rules_apply, name="rules_apply"),
    path("disclosure/masking/", views.masking, name="masking"),
]
