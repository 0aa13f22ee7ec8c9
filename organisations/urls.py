from django.urls import path

from . import contact_views, views, views_locks, views_two_factor

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("join/<str:token>/", views.join, name="join"),
    path("<int:organisation_id>/", views.dashboard, name="dashboard"),
    path("<int:organisation_id>/members.csv", views.export_csv, name="export_csv"),
    path("<int:organisation_id>/members/<int:membership_id>/", views.member_detail, name="member"),
    path("<int:organisation_id>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path(
        "<int:organisation_id>/members/<int:membership_id>/two-factor-reset/",
        views_two_factor.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path(
        "<int:organisation_id>/members/<int:membership_id>/quizzes/<int:quiz_id>/reset-lock/",
        views_locks.member_lock_reset,
        name="member_lock_reset",
    ),
    path(
        "<int:organisation_id>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"
    ),
    path("<int:organisation_id>/invitations/", views.invitations, name="invitations"),
    path(
        "<int:organisation_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:organisation_id>/invite/", views.invite_emails, name="invite_emails"),
    path("<int:organisation_id>/certificates/", views.export_create, name="export_create"),
    path("<int:organisation_id>/certificates/<int:export_id>/", views.export_detail, name="export"),
    path(
        "<int:organisation_id>/certificates/<int:export_id>/download/",
        views.export_download,
        name="export_download",
    ),
    path("<int:organisation_id>/lookup/", views.lookup, name="lookup"),
    path("<int:organisation_id>/contacts/", contact_views.contact_list, name="contacts"),
    path("<int:organisation_id>/contacts/add/", contact_views.contact_add, name="contact_add"),
    path("<int:organisation_id>/contacts/area/", contact_views.area_number, name="contact_area"),
    path("<int:organisation_id>/contacts/<int:contact_id>/", contact_views.contact_edit, name="contact_edit"),
    path(
        "<int:organisation_id>/contacts/<int:contact_id>/remove/",
        contact_views.contact_remove,
        name="contact_remove",
    ),
]
