from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import receivers  # noqa: F401 - runs the registered deletion steps
        from .search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="accounts.search.cse_fold")
