from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from organizations import settings_views, views

account_urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("signup/<str:token>/", views.signup_finish, name="signup_finish"),
    path("login/", views.RoloLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("logout/everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("profile/", views.profile, name="profile"),
    path("language/", views.language_switch, name="language_switch"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.RoloPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.RoloPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

organization_urlpatterns = [
    path("", views.organization_list, name="organization_list"),
]

invitation_urlpatterns = [
    path("<str:token>/", views.invitation_accept, name="invitation_accept"),
]

tenant_urlpatterns = [
    path("settings/", settings_views.organization_settings, name="organization_settings"),
    path("settings/<str:kind>/", settings_views.list_entry_add, name="list_entry_add"),
    path(
        "settings/<str:kind>/<int:pk>/rename/",
        settings_views.list_entry_rename,
        name="list_entry_rename",
    ),
    path(
        "settings/<str:kind>/<int:pk>/delete/",
        settings_views.list_entry_delete,
        name="list_entry_delete",
    ),
    path("members/", views.member_list, name="member_list"),
    path("members/autocomplete/", views.member_autocomplete, name="member_autocomplete"),
    path("members/<int:pk>/role/", views.member_change_role, name="member_change_role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
