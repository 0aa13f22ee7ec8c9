"""Configuration from the environment: parsing and clear errors."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from elearning.config import check_broker_url, env_bool, env_int, parse_database_url


def test_postgres_url_is_parsed():
    config = parse_database_url("postgres://app:s3cret@db.example:6543/cse")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("cse", "app", "s3cret")
    assert (config["HOST"], config["PORT"]) == ("db.example", "6543")
    assert config["OPTIONS"]["options"] == "-c jit=off"  # issue 20: JIT cost more than it saved


def test_postgres_url_keeps_its_own_options_beside_jit_off():
    config = parse_database_url("postgres://app@db.example/cse?options=-c%20statement_timeout%3D5000")
    assert config["OPTIONS"]["options"] == "-c statement_timeout=5000 -c jit=off"


def test_sqlite_url_is_parsed():
    config = parse_database_url("sqlite:////srv/app/db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/srv/app/db.sqlite3"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysqlx://a/b", "unsupported scheme 'mysqlx'"),
        ("not a url", "unsupported scheme ''"),
        ("postgres://127.0.0.1:5432/", "needs a database name"),
        ("postgres://127.0.0.1:notaport/db", "could not be read"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_bad_database_url_gives_a_clear_error(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url)


def test_env_bool_refuses_nonsense():
    assert env_bool("X", default=False, environ={"X": "yes"}) is True
    assert env_bool("X", default=True, environ={"X": "0"}) is False
    assert env_bool("X", default=True, environ={}) is True
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("X", default=False, environ={"X": "maybe"})


def test_env_int_refuses_nonsense():
    assert env_int("N", 5, environ={"N": "7"}) == 7
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 5, environ={"N": "seven"})


def test_broker_url_is_checked():
    assert check_broker_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        check_broker_url("carrier-pigeon://loft")


def _manage(args, env):
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_bad_database_url_stops_manage_py_with_the_message():
    result = _manage(["check"], {"DATABASE_URL": "mysqlx://nowhere/db"})
    assert result.returncode != 0
    assert "DATABASE_URL has an unsupported scheme 'mysqlx'" in result.stderr


def test_production_needs_a_secret_key():
    result = _manage(["check"], {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "cse.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-a-long-random-production-key-for-the-deploy-check",
        "ALLOWED_HOSTS": "cse.example",
        "SITE_URL": "https://cse.example",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "VAR_DIR": str(tmp_path),
    }
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_site_url_follows_the_served_port_unless_set():
    from elearning.config import default_site_url

    assert default_site_url({}) == "http://127.0.0.1:8000"
    assert default_site_url({"PORT": "8101"}) == "http://127.0.0.1:8101"
    assert default_site_url({"HOST": "localhost", "PORT": "8101"}) == "http://localhost:8101"
    every_interface = "0.0.0.0"  # noqa: S104 - what runserver is told, not a binding here
    assert default_site_url({"HOST": every_interface, "PORT": "9000"}) == "http://127.0.0.1:9000"
    assert default_site_url({"SITE_URL": "https://cse.example/", "PORT": "8101"}) == "https://cse.example"
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        default_site_url({"PORT": "eighty"})


def test_settings_take_the_port_for_links():
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = _manage(["shell", "-c", code], {"PORT": "8101"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8101"
