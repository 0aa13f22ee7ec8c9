"""PostgreSQL faults with real processes (issue 14): the worker's connection killed with pg_terminate_backend
while it issues a certificate. Only backends of this test database are touched."""

from __future__ import annotations

import pytest
from django.db import connection

from certificates.models import Certificate
from tests.certificates.helpers import complete_enrolment, pdf_files, sent_messages, wait_for
from tests.certificates.test_tasks_faults import WorkerProcess

pytestmark = [pytest.mark.worker]


def terminate_other_backends(*, state: str | None = None) -> int:
    """pg_terminate_backend on this test database's other client connections (never another database's)."""
    sql = (
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )
    params: list[str] = []
    if state:
        sql += " AND state = %s"
        params.append(state)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL (set DATABASE_URL)")


@pytest.mark.timeout(240)
def test_connection_killed_during_issue_is_retried_and_the_certificate_issued(
    postgresql_only, empty_queue, sample_enrolment, tmp_path
):
    worker = WorkerProcess(tmp_path, "blip", render_delay=3)
    try:
        worker.wait_for_log(" ready.", timeout=60)
        complete_enrolment(sample_enrolment)  # commits, then queues the issue task
        certificate = Certificate.objects.get()
        worker.wait_for_log("certificates.issue[", timeout=30)

        # Inside the render delay the worker holds the row lock in an open transaction: kill that connection.
        killed = wait_for(
            lambda: terminate_other_backends(state="idle in transaction"), timeout=10, interval=0.05
        )
        assert killed >= 1

        wait_for(
            lambda: Certificate.objects.filter(pk=certificate.pk, status=Certificate.Status.ISSUED).exists(),
            timeout=120,
            what=f"the certificate to be issued after the retry; worker log:\n{worker.output()}",
        )
    finally:
        worker.kill()

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert (certificate.failure_reason, certificate.issue_failures) == ("", 0)
    assert "OperationalError" in worker.output() and "Retry in" in worker.output()
    assert len(pdf_files()) == 1
    assert len(sent_messages(worker.mail_dir)) == 1


@pytest.mark.timeout(120)
def test_account_deletion_killed_by_the_database_keeps_the_pdf_and_its_download(
    postgresql_only, empty_queue, sample_enrolment, client, password
):
    """The deletion's connection is terminated mid-transaction (after the certificates app handled the
    holder): it rolls back, so the certificate is still issued and its file must still be there."""
    import psycopg
    from django.db import OperationalError
    from django.db.models.signals import pre_delete

    from accounts.models import User
    from accounts.services import user_delete
    from certificates import services

    complete_enrolment(sample_enrolment)
    certificate = services.certificate_issue(certificate_id=Certificate.objects.get().pk)
    user = sample_enrolment.learner
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    db = connection.settings_dict

    def kill_my_connection(sender, instance, **kwargs) -> None:
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=True,
        ) as other:
            other.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = %s AND datname = %s",
                [pid, db["NAME"]],
            )

    pre_delete.connect(kill_my_connection, sender=User, dispatch_uid="test.kill_my_connection")
    try:
        with pytest.raises(OperationalError):
            user_delete(user=user)
    finally:
        pre_delete.disconnect(sender=User, dispatch_uid="test.kill_my_connection")
        connection.close()

    certificate.refresh_from_db()
    assert User.objects.filter(pk=user.pk).exists()
    assert certificate.status == Certificate.Status.ISSUED and certificate.holder_removed_at is None
    assert pdf_files() == [pdf_files()[0]] and pdf_files()[0].name == f"{certificate.code}.pdf"
    client.force_login(user)
    response = client.get(f"/certificates/{certificate.code}/download/")
    assert response.status_code == 200
