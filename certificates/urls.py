from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/<slug:code>/download/", views.download, name="download"),
    path("certificates/<slug:code>/download/bilingual/", views.download_bilingual, name="download_bilingual"),
    path("certificates/<slug:code>/renew/", views.renew, name="renew"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
