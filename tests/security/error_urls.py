"""A URLconf for the error-page header tests: the site's own URLs plus one view that fails."""

from django.urls import path

from elearning.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _fails(request):
    raise RuntimeError("a bug, for the test")


urlpatterns = [*urlpatterns, path("test-only/fails/", _fails)]
