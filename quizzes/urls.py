from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("<slug:course_slug>/<slug:unit_slug>/", views.take, name="take"),
    path("attempts/<uuid:public_id>/submit/", views.submit, name="submit"),
    path("attempts/<uuid:public_id>/", views.result, name="result"),
]
