"""Top-level URLconf."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import passkeys
from accounts.urls import auth_urlpatterns
from accounts.views import language_switch
from elearning import views

# `make bench` only: the hello-world view first, so it is not measured behind the other patterns' resolution.
urlpatterns = [path("bench/hello/", views.hello_world)] if settings.BENCH_HELLO_WORLD else []
urlpatterns += [
    path("", views.home, name="home"),
    path("language/<str:code>/", language_switch, name="language"),  # issue 21: "Cymraeg / English"
    path("accounts/", include("accounts.urls")),
    *auth_urlpatterns,
    path("accounts/passkeys/", include((passkeys.urlpatterns, "otp_webauthn"))),  # issue 27
    path("courses/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    # Before certificates.urls: /verify/credential/ is not a certificate code.
    path("", include("certificates.credentials.urls")),
    path("", include("certificates.urls")),
    path("organisations/", include("organisations.urls")),
    path("", include("integrations.urls")),
    path("sso/", include("sso.urls")),  # issue 27: "Continue with your organisation"
    path("analysis/", include("analysis.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "elearning.views.bad_request"
handler403 = "elearning.views.permission_denied"
handler404 = "elearning.views.page_not_found"
handler500 = "elearning.views.server_error"
