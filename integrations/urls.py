from django.urls import path

from . import views_lti

app_name = "integrations"

urlpatterns = [
    path("lti/jwks.json", views_lti.jwks, name="lti_jwks"),
    path("lti/login/<uuid:registration_uuid>/", views_lti.oidc_login, name="lti_login"),
    path("lti/launch/", views_lti.launch, name="lti_launch"),
    path("lti/register/<str:token>/", views_lti.register, name="lti_register"),
]
