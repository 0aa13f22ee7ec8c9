from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import login, two_factor_views, views
from .forms import EmailAuthenticationForm

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("verify-email/", views.verify_email_resend, name="verify_email_resend"),
    path("profile/", views.profile, name="profile"),
    path("profile/licence/", views.licence_number, name="licence"),
    path("profile/language/", views.language, name="language"),
    path("profile/my-data.json", views.data_download, name="data_download"),
    path("delete/", views.delete_account, name="delete"),
    path("two-factor/", two_factor_views.manage, name="two_factor"),
    path("two-factor/set-up/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes_new, name="two_factor_recovery_codes"),
    path("two-factor/turn-off/", two_factor_views.turn_off, name="two_factor_turn_off"),
]

# Django's auth views keep their conventional names (login, logout, password_reset...) at the top level.
auth_urlpatterns = [
    path(
        "accounts/login/",
        login.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        login.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
