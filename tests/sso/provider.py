"""An independent OpenID Connect provider for the SSO tests: django-oauth-toolkit with OIDC on, in its own
process, its own settings and its own SQLite database, on a free port chosen at start.

    python tests/sso/provider.py CONFIG.json     prints "PORT <n>" once it serves http://127.0.0.1:<n>/o

CONFIG: {"clients": [{"client_id", "client_secret", "redirect_uri"}],
         "users": [{"username", "password", "email", "name", "email_verified"}]}
It signs id_tokens with a fresh RSA key, requires PKCE, and logs people in with Django's own log-in form."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

LOGIN_TEMPLATE = """<!doctype html><title>Provider log-in</title>
<form method="post">{% csrf_token %}{{ form }}<input type="hidden" name="next" value="{{ next }}">
<button>Sign in</button></form>"""


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _configure(folder: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.configure(
        DEBUG=False,
        SECRET_KEY="provider-" + folder.name,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="provider_urls",
        USE_TZ=True,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "provider.db")}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LOGIN_URL="/login/",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [
                        ("django.template.loaders.locmem.Loader", {"login.html": LOGIN_TEMPLATE}),
                        "django.template.loaders.app_directories.Loader",
                    ],
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.template.context_processors.csrf",
                        "django.contrib.auth.context_processors.auth",
                    ],
                },
            }
        ],
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": pem,
            "PKCE_REQUIRED": True,
            "SCOPES": {"openid": "OpenID Connect", "email": "Email address", "profile": "Name"},
            "OAUTH2_VALIDATOR_CLASS": "provider_validator.Validator",
        },
    )


def _install_modules() -> None:
    """The URLconf and the claims validator, as modules the settings can name."""
    import types

    from django.contrib.auth.views import LoginView
    from django.urls import include, path
    from oauth2_provider.oauth2_validators import OAuth2Validator

    urls = types.ModuleType("provider_urls")
    urls.urlpatterns = [
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        path("login/", LoginView.as_view(template_name="login.html")),
    ]
    sys.modules["provider_urls"] = urls

    class Validator(OAuth2Validator):
        def get_additional_claims(self, request):
            user = request.user
            return {
                "email": user.email,
                "email_verified": user.last_name != "unverified",
                "name": user.first_name,
            }

    validator = types.ModuleType("provider_validator")
    validator.Validator = Validator
    sys.modules["provider_validator"] = validator


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    folder = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    server = make_server("127.0.0.1", 0, lambda environ, start: [], handler_class=QuietHandler)
    _configure(folder)
    django.setup()
    _install_modules()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for person in config["users"]:
        User.objects.create_user(
            username=person["username"],
            password=person["password"],
            email=person["email"],
            first_name=person.get("name", ""),
            last_name="" if person.get("email_verified", True) else "unverified",
        )
    for client in config["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=client["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    server.set_app(get_wsgi_application())
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
