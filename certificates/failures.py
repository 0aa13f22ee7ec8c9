"""Which issue failures are transient (worth another try later) and telling staff about the others."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import mail_admins
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("certificates.alerts")

# A database restart or lost connection, a broker or Redis blip, storage I/O (OSError), an SMTP server that
# is down or says "try later": all pass on their own, so the task retries them with backoff, and the sweeper
# re-queues a certificate that still failed on them, a bounded number of times.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    OSError,
)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT_ERRORS)


def failure_reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def alert_staff(*, certificate_id: int, code: str, reason: str, failures: int, transient: bool) -> None:
    """A certificate that will not be issued without someone looking: an ERROR log line and mail to ADMINS."""
    why = (
        f"it failed {failures} time(s) on passing errors, more than the sweeper retries"
        if transient
        else "the error is not one that passes by itself"
    )
    log.error(
        "Certificate %s (%s) could not be issued and needs staff: %s; %s", certificate_id, code, reason, why
    )
    admin_url = f"{settings.SITE_URL}/admin/certificates/certificate/{certificate_id}/change/"
    mail_admins(
        subject=f"Certificate {code} could not be issued",
        message=(
            f"Certificate {code} (id {certificate_id}) could not be issued: {reason}\n\n"
            f"It will not be retried automatically because {why}.\n"
            f'Fix the cause, then use the admin action "Retry issuing": {admin_url}\n'
        ),
        fail_silently=True,
    )
