from django.urls import path

from . import views_lti, views_scorm

app_name = "integrations"

urlpatterns = [
    path("lti/jwks.json", views_lti.jwks, name="lti_jwks"),
    path("lti/login/<uuid:registration_uuid>/", views_lti.oidc_login, name="lti_login"),
    path("lti/launch/", views_lti.launch, name="lti_launch"),
    path("lti/register/<str:token>/", views_lti.register, name="lti_register"),
    path("scorm/organisations/<int:organisation_id>/", views_scorm.packages, name="scorm_packages"),
    path(
        "scorm/organisations/<int:organisation_id>/<int:dispatch_id>/package.zip",
        views_scorm.package_download,
        name="scorm_package_download",
    ),
    path(
        "scorm/organisations/<int:organisation_id>/<int:dispatch_id>/withdraw/",
        views_scorm.package_withdraw,
        name="scorm_package_withdraw",
    ),
    path("scorm/session/", views_scorm.session, name="scorm_session"),
    path("scorm/status/", views_scorm.status, name="scorm_status"),
    path("scorm/launch/", views_scorm.launch, name="scorm_launch"),
]
