from django.urls import path

from . import views

app_name = "quizzes"

# The attempt routes come first: a uuid is also a slug, so "<slug>/<slug>/" would swallow them.
urlpatterns = [
    path("attempts/<uuid:public_id>/submit/", views.submit, name="submit"),
    path("attempts/<uuid:public_id>/", views.result, name="result"),
    path("<slug:course_slug>/<slug:unit_slug>/", views.take, name="take"),
]
