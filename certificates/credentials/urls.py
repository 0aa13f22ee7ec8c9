from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path(".well-known/did.json", views.did_document, name="did"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("credentials/status/<int:number>", views.status_list, name="status_list"),
    path("verify/credential/", views.check, name="check"),
    path("certificates/<slug:code>/credential.<str:kind>", views.download, name="download"),
]
