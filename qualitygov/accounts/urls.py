from django.urls import path

from . import oidc, views, views_org, views_robots, views_security, views_users

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # Government identity provider (OpenID Connect): 404 unless configured.
    path("oidc/login/", oidc.OIDCLoginView.as_view(), name="oidc_login"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_callback"),
    path("oidc/signed-out/", oidc.OIDCSignedOutView.as_view(), name="oidc_signed_out"),
    path("password/", views.password_change, name="password_change"),
    path("two-step/", views_security.two_step, name="two_step"),
    path("tokens/", views_security.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views_security.token_revoke, name="token_revoke"),
    # Organisation tree
    path("org/", views_org.org_tree, name="org_tree"),
    path("org/export.xlsx", views_org.org_export, name="org_export"),
    path("org/new/", views_org.unit_create, name="unit_create"),
    path("org/<int:pk>/", views_org.unit_detail, name="unit_detail"),
    path("org/<int:pk>/edit/", views_org.unit_edit, name="unit_edit"),
    path("org/<int:pk>/deactivate/", views_org.unit_deactivate, name="unit_deactivate"),
    path("org/<int:pk>/merge/", views_org.unit_merge, name="unit_merge"),
    # A unit's group robots
    path("org/<int:pk>/robots/", views_robots.unit_robots, name="unit_robots"),
    path("robots/<int:pk>/edit/", views_robots.robot_edit, name="robot_edit"),
    path("robots/<int:pk>/toggle/", views_robots.robot_toggle, name="robot_toggle"),
    path("robots/<int:pk>/test/", views_robots.robot_test, name="robot_test"),
    # Users and grants
    path("users/", views_users.user_list, name="user_list"),
    path("users/export.xlsx", views_users.user_export, name="user_export"),
    path("users/new/", views_users.user_create, name="user_create"),
    path("users/<int:pk>/", views_users.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views_users.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views_users.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password/", views_users.user_password, name="user_password"),
    path("users/<int:pk>/unlock/", views_users.user_unlock, name="user_unlock"),
    path("users/<int:pk>/tokens/revoke/", views_users.user_tokens_revoke, name="user_tokens_revoke"),
    path("users/<int:pk>/two-step/off/", views_users.user_two_step_off, name="user_two_step_off"),
    path("users/<int:pk>/grants/new/", views_users.grant_add, name="grant_add"),
    path("grants/<int:pk>/delete/", views_users.grant_delete, name="grant_delete"),
]
