"""The cse_fold() SQL function search uses (accounts/search.py) on PostgreSQL; SQLite registers it on each
connection instead. Creating a function needs no superuser and changes no data."""

from django.db import migrations


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from accounts.search import postgresql_function_sql

    schema_editor.execute(postgresql_function_sql())


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS cse_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_email_verified_at")]

    operations = [migrations.RunPython(create_function, drop_function, elidable=False)]
