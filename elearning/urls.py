"""Top-level URLconf."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.urls import auth_urlpatterns
from elearning import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    *auth_urlpatterns,
    path("courses/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("", include("certificates.urls")),
    path("organisations/", include("organisations.urls")),
    path("analysis/", include("analysis.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_HELLO_WORLD:
    urlpatterns.append(path("bench/hello/", views.hello_world))

handler400 = "elearning.views.bad_request"
handler403 = "elearning.views.permission_denied"
handler404 = "elearning.views.page_not_found"
handler500 = "elearning.views.server_error"
