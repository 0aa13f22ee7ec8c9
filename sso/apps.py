from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from accounts.login import register_password_login_check

        from .services import password_login_refusal

        register_password_login_check(password_login_refusal)
