"""Expiry reminders 90, 30 and 7 days before expiry, each once even when the task runs twice or late; and
the weekly managers' summary, once per ISO week."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse

from certificates.models import Certificate
from elearning.celery import app
from organisations import services
from organisations.models import ExpiryReminder, ManagerSummary, Membership
from tests.certificates.factories import CertificateFactory
from tests.certificates.helpers import wait_for

from .factories import MembershipFactory
from .helpers import body_text, member_in_state, sent_messages

seen: list[str] = []


def issued(*, expires_on: dt.date, **kwargs) -> Certificate:
    return CertificateFactory(
        status=Certificate.Status.ISSUED,
        expires_on=expires_on,
        issued_on=expires_on - dt.timedelta(days=1000),
        **kwargs,
    )


def reminders(certificate) -> dict[int, str]:
    return dict(
        ExpiryReminder.objects.filter(certificate=certificate).values_list("threshold_days", "outcome")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("days_left", "threshold"), [(90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7)])
def test_the_due_reminder_is_sent(today, days_left, threshold):
    certificate = issued(expires_on=today + dt.timedelta(days=days_left))
    services.expiry_reminders_send(today=today - dt.timedelta(days=0))
    # Only the reminder due now: a run on day 31 sends the 90-day one if it never went.
    assert reminders(certificate)[threshold] == "sent"
    assert len(sent_messages()) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("days_left", [91, 365, -1])
def test_nothing_is_sent_outside_the_window(today, days_left):
    issued(expires_on=today + dt.timedelta(days=days_left))
    assert services.expiry_reminders_send(today=today) == []
    assert sent_messages() == [] and not ExpiryReminder.objects.exists()


@pytest.mark.django_db
def test_each_reminder_goes_once_over_the_life_of_a_certificate(today):
    expires_on = today + dt.timedelta(days=100)
    certificate = issued(expires_on=expires_on)
    for day in range(0, 101):  # every day until expiry, twice a day
        run_on = today + dt.timedelta(days=day)
        services.expiry_reminders_send(today=run_on)
        services.expiry_reminders_send(today=run_on)
    assert reminders(certificate) == {90: "sent", 30: "sent", 7: "sent"}
    subjects = [m["Subject"] for m in sent_messages()]
    assert len(subjects) == 3
    bodies = [body_text(m, "text/plain") for m in sent_messages()]
    assert [b for b in bodies if "in 90 days" in b] and [b for b in bodies if "in 30 days" in b]
    assert [b for b in bodies if "in 7 days" in b]


@pytest.mark.django_db
def test_a_late_run_sends_only_the_most_urgent_and_records_the_skipped(today):
    certificate = issued(expires_on=today + dt.timedelta(days=5))
    services.expiry_reminders_send(today=today)
    services.expiry_reminders_send(today=today)
    assert reminders(certificate) == {90: "skipped", 30: "skipped", 7: "sent"}
    assert len(sent_messages()) == 1


@pytest.mark.django_db
def test_after_the_90_day_one_a_late_run_at_20_days_sends_the_30_day_one(today):
    certificate = issued(expires_on=today + dt.timedelta(days=90))
    services.expiry_reminders_send(today=today)
    services.expiry_reminders_send(today=today + dt.timedelta(days=70))
    assert reminders(certificate) == {90: "sent", 30: "sent"}
    assert len(sent_messages()) == 2


@pytest.mark.django_db
def test_the_email_says_how_to_renew(today, settings):
    certificate = issued(expires_on=today + dt.timedelta(days=30))
    services.expiry_reminders_send(today=today)
    (message,) = sent_messages()
    assert message["To"] == certificate.learner.email
    assert "expires on" in message["Subject"]
    text = body_text(message, "text/plain")
    assert settings.SITE_URL + reverse("certificates:mine") in text
    assert 'Choose "Renew: take the course again"' in text
    assert "in 30 days" in text


@pytest.mark.django_db
def test_revoked_replaced_holderless_and_deactivated_get_no_reminder(today):
    expires_on = today + dt.timedelta(days=30)
    CertificateFactory(status=Certificate.Status.REVOKED, expires_on=expires_on)
    orphan = issued(expires_on=expires_on)
    Certificate.objects.filter(pk=orphan.pk).update(learner=None)
    inactive = issued(expires_on=expires_on)
    type(inactive.learner).objects.filter(pk=inactive.learner_id).update(is_active=False)
    renewed = issued(expires_on=expires_on)
    issued(
        expires_on=today + dt.timedelta(days=1000),
        learner=renewed.learner,
        enrolment__learner=renewed.learner,
        enrolment__pathway=renewed.pathway,
    )
    assert services.expiry_reminders_send(today=today) == []
    assert sent_messages() == []


@pytest.mark.django_db
def test_the_database_refuses_a_second_row_for_the_same_threshold(today):
    certificate = issued(expires_on=today + dt.timedelta(days=30))
    ExpiryReminder.objects.create(certificate=certificate, threshold_days=30)
    with pytest.raises(IntegrityError):
        ExpiryReminder.objects.create(certificate=certificate, threshold_days=30)


@pytest.mark.django_db
def test_a_mail_failure_leaves_the_reminder_to_send_next_time(today, settings):
    certificate = issued(expires_on=today + dt.timedelta(days=30))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    assert services.expiry_reminders_send(today=today) == []
    assert not ExpiryReminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    assert len(services.expiry_reminders_send(today=today)) == 1
    assert reminders(certificate) == {90: "skipped", 30: "sent"}


@app.task(name="tests.organisations.marker")
def marker(value: str) -> None:
    seen.append(value)


@pytest.mark.worker
def test_the_beat_task_run_twice_by_a_real_worker_sends_one_email(celery_worker, today):
    from organisations.tasks import expiry_reminders_task

    certificate = issued(expires_on=today + dt.timedelta(days=7))
    expiry_reminders_task.delay()
    expiry_reminders_task.delay()
    marker.delay("after both")  # one worker, one at a time, in order: when this has run, both have
    wait_for(lambda: "after both" in seen, timeout=30, what="the worker to run both tasks")
    assert reminders(certificate) == {90: "skipped", 30: "skipped", 7: "sent"}
    assert len(sent_messages()) == 1


def test_the_beat_schedule_has_the_organisation_tasks():
    from elearning.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["organisations-expiry-reminders"]["task"] == "organisations.send_expiry_reminders"
    assert schedule["organisations-manager-summaries"]["task"] == "organisations.send_manager_summaries"
    assert schedule["organisations-sweep"]["task"] == "organisations.sweep"


# Weekly summaries --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_managers_get_one_summary_a_week(organisation, manager, course, today):
    second = MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user
    member_in_state(organisation, course, "expiring", certificate_name="Ann Expiring")
    member_in_state(organisation, course, "expired", certificate_name="Bob Expired")
    member_in_state(organisation, course, "valid", certificate_name="Cai Valid")

    monday = today - dt.timedelta(days=today.weekday())
    assert len(services.manager_summaries_send(today=monday)) == 1
    assert services.manager_summaries_send(today=monday + dt.timedelta(days=3)) == []  # same ISO week
    messages = sent_messages()
    assert sorted(m["To"] for m in messages) == sorted([manager.email, second.email])  # one each, no CC
    text = body_text(messages[0], "text/plain")
    assert "Weekly training summary for Cardiff Fostering" in text
    assert "Ann Expiring" in text and "Bob Expired" in text and "Cai Valid" not in text
    assert "Certificate valid: 1" in text
    assert reverse("organisations:dashboard", args=[organisation.pk]) in text

    assert len(services.manager_summaries_send(today=monday + dt.timedelta(days=7))) == 1  # next week
    weeks = ManagerSummary.objects.filter(organisation=organisation).values_list("iso_week", flat=True)
    assert len(set(weeks)) == 2
    assert len(sent_messages()) == 4


@pytest.mark.django_db
def test_a_summary_lists_only_its_own_organisation(
    organisation, other_organisation, manager, other_manager, course
):
    member_in_state(other_organisation, course, "expired", certificate_name="Hotel Harry")
    services.manager_summaries_send()
    mine = next(m for m in sent_messages() if m["To"] == manager.email)
    assert "Hotel Harry" not in body_text(mine, "text/plain")
    theirs = next(m for m in sent_messages() if m["To"] == other_manager.email)
    assert "Hotel Harry" in body_text(theirs, "text/plain")


@pytest.mark.django_db
def test_summaries_of_other_weeks_do_not_stop_this_weeks(organisation, manager, today):
    """Week 10 of last year and week 9 of this year sent: this year's week 10 still goes."""
    this_year, _, _ = today.isocalendar()
    monday_week_10 = dt.date.fromisocalendar(this_year, 10, 1)
    ManagerSummary.objects.create(
        organisation=organisation, iso_year=this_year - 1, iso_week=10, sent_at=dt.datetime.now(tz=dt.UTC)
    )
    ManagerSummary.objects.create(
        organisation=organisation, iso_year=this_year, iso_week=9, sent_at=dt.datetime.now(tz=dt.UTC)
    )
    assert len(services.manager_summaries_send(today=monday_week_10)) == 1
