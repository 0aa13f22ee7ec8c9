from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.staff_report, name="staff"),
    path("report.csv", views.staff_csv, name="staff_csv"),
    path("organisations/<int:organisation_id>/", views.organisation_report, name="organisation"),
    path("organisations/<int:organisation_id>/report.csv", views.organisation_csv, name="organisation_csv"),
    path("organisations/<int:organisation_id>/all/", views.commissioner_report, name="commissioner"),
    path(
        "organisations/<int:organisation_id>/all/report.csv", views.commissioner_csv, name="commissioner_csv"
    ),
]
