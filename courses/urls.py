from django.urls import path

from . import story_views, views

app_name = "courses"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:course_slug>/", views.course_detail, name="detail"),
    path("<slug:course_slug>/enrol/", views.enrol, name="enrol"),
    path("<slug:course_slug>/start/", views.start, name="start"),
    path("<slug:course_slug>/role/", views.change_role, name="change_role"),
    path("<slug:course_slug>/units/<slug:unit_slug>/", views.unit_detail, name="unit"),
    path("<slug:course_slug>/units/<slug:unit_slug>/read/", views.unit_mark_read, name="unit_read"),
    path("<slug:course_slug>/units/<slug:unit_slug>/stories/<slug:key>/", story_views.story, name="story"),
    path(
        "<slug:course_slug>/units/<slug:unit_slug>/stories/<slug:key>/start-again/",
        story_views.story_start_again,
        name="story_start_again",
    ),
]
