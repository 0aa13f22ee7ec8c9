"""Reads configuration from the environment; pure functions so they can be tested without Django."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

DATABASE_SCHEMES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}
# SQLite as a web app's database: WAL lets readers run while one connection writes; IMMEDIATE transactions
# take the write lock at BEGIN, so two requests never both read and then fail to upgrade ("database is
# locked" at once, busy timeout or not); the busy timeout makes a writer wait its turn instead of failing.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
BROKER_SCHEMES = ("redis", "rediss", "filesystem", "memory", "amqp", "sqla+sqlite", "sqla+postgresql")

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool, environ: dict[str, str] | None = None) -> bool:
    """Return a boolean from the environment; refuse values that are neither true nor false."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_list(name: str, default: list[str], environ: dict[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int, environ: dict[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def parse_database_url(url: str) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry (via django-environ), or say what is wrong with it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DATABASE_SCHEMES:
        known = ", ".join(sorted(DATABASE_SCHEMES))
        raise ImproperlyConfigured(
            f"DATABASE_URL has an unsupported scheme {parts.scheme!r}; expected one of: {known} "
            "(for example postgres://user:password@127.0.0.1:5432/dbname or sqlite:////absolute/path.sqlite3)."
        )
    if DATABASE_SCHEMES[scheme].endswith("sqlite3"):
        if parts.path in ("", "/"):
            raise ImproperlyConfigured(
                "DATABASE_URL for SQLite needs a file path, e.g. sqlite:////srv/app/db.sqlite3"
            )
    elif not parts.path.lstrip("/"):
        raise ImproperlyConfigured(
            "DATABASE_URL for PostgreSQL needs a database name after the host, e.g. .../cse"
        )
    try:
        config = environ.Env.db_url_config(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from exc
    config["ENGINE"] = DATABASE_SCHEMES[scheme]
    if config["ENGINE"].endswith("sqlite3"):
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    else:
        config["PORT"] = str(config.get("PORT") or "")
        config["CONN_MAX_AGE"] = 60
        # No `SELECT 1` before each request's first query (issue 20): a connection that broke is closed by
        # Django after the error it raises, and the next request opens a new one.
        config["CONN_HEALTH_CHECKS"] = False
        # No JIT (issue 20): compiling took longer than it saved on the managers' grouped queries (the CSV of
        # 50,000 members: about 2 s more); this application's queries are short.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


def cache_config(url: str) -> dict:
    """The default cache: Redis with outage handling (elearning/cache.py) for a redis:// URL, else memory."""
    if url.startswith("redis"):
        return {
            "BACKEND": "elearning.cache.DegradingRedisCache",
            "LOCATION": url,
            # Fail fast: a Redis that does not answer must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def parse_admins(raw: str) -> list[tuple[str, str]]:
    """ADMINS from "Name <a@example.org>, b@example.org" (Django wants (name, email) pairs)."""
    from email.utils import getaddresses

    admins = []
    for name, address in getaddresses([raw]):
        if not address or "@" not in address:
            if name or address:
                raise ImproperlyConfigured(
                    f"ADMINS has an entry without an email address: {name or address!r}"
                )
            continue
        admins.append((name or address, address))
    return admins


def check_broker_url(url: str) -> str:
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in BROKER_SCHEMES:
        raise ImproperlyConfigured(
            f"Broker URL {url!r} is not supported; use redis://host:6379/0 (or leave it unset for the "
            "no-server filesystem broker under var/)."
        )
    return url


def local_secret_key(var_dir: Path) -> str:
    """Generate a secret key once and keep it under var/ so sessions survive restarts in local use."""
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def default_site_url(environ: dict[str, str] | None = None) -> str:
    """SITE_URL when set; otherwise the address `make run` serves (HOST and PORT, as scripts/run.sh reads
    them), so links in emails, PDFs and QR codes follow `PORT=8101 make run`."""
    environ = os.environ if environ is None else environ
    explicit = environ.get("SITE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    host = environ.get("HOST", "").strip() or "127.0.0.1"
    # Served on every interface: links still name this machine (a comparison, not a binding).
    if host in {"0.0.0.0", "::"}:  # noqa: S104  # nosec B104
        host = "127.0.0.1"
    port = env_int("PORT", 8000, environ)
    return f"http://{host}:{port}"
