"""Invitation emails go through a real Celery worker; the sweeper re-queues emails a broker outage lost."""

import datetime as dt

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import Invitation
from tests.certificates.helpers import wait_for

from .helpers import sent_messages


@pytest.mark.worker
def test_a_pasted_list_emails_each_good_row_through_the_worker(celery_worker, manager_client, organisation):
    response = manager_client.post(
        reverse("organisations:invite_emails", args=[organisation.pk]),
        {"emails": "ann@example.com\nbob@\ncat@example.com\ndan@example.com", "expires_in_days": "14"},
    )
    assert response.status_code == 200
    assert "Line 2: &#x27;bob@&#x27; is not an email address." in response.content.decode()
    wait_for(lambda: len(sent_messages()) >= 3, timeout=30, what="three invitation emails")
    assert sorted(m["To"] for m in sent_messages()) == [
        "ann@example.com",
        "cat@example.com",
        "dan@example.com",
    ]
    assert Invitation.objects.filter(emailed_at__isnull=False).count() == 3


@pytest.mark.django_db
def test_the_sweeper_queues_unsent_invitations_only(organisation, manager):
    result = services.invitations_create_for_emails(
        organisation=organisation, text="a@example.com\nb@example.com\nc@example.com", created_by=manager
    )
    sent, unsent, withdrawn = result.invited
    services.invitation_send(invitation_id=sent.pk)
    services.invitation_revoke(invitation=withdrawn)
    from elearning.celery import app

    swept = services.organisations_sweep(older_than=dt.timedelta(0))
    app.control.purge()  # nothing here consumes the queued email; leave no message for a later worker
    assert swept["invitations"] == [unsent.pk]
    unsent.refresh_from_db()
    assert unsent.enqueued_at is not None
