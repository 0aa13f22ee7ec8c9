"""Content versions end to end with a real Celery worker: a minor release changes nothing for holders; a
major release emails each holder on an older version once (through the outbox), shows what changed on their
certificates page, offers a refresher of only the changed units, and renewal issues a certificate on the new
version; the verification page says which version a certificate was earned on and if a newer one exists."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.urls import reverse

from certificates import version_notices
from certificates.models import Certificate, VersionNotice
from certificates.tasks import version_notice_email_task
from courses import services as course_services
from courses.loading import load_courses
from courses.models import Enrolment, Pathway, Unit, UnitProgress
from tests.certificates.helpers import body_text, complete_enrolment, pass_quiz, sent_messages, wait_for
from tests.courses.content_edits import copy_sample, edit, release
from tests.elearning.factories import UserFactory

FICTIONAL = "01632 960001"  # Ofcom's drama range: never a real number


@pytest.fixture
def course_dir(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    return copy_sample(root)


def _holder(course_dir, learner) -> Certificate:
    enrolment = course_services.enrolment_create(
        learner=learner, pathway=Pathway.objects.get(slug="taxi-drivers")
    )
    complete_enrolment(enrolment)
    return wait_for(
        lambda: Certificate.objects.filter(learner=learner, status=Certificate.Status.ISSUED).first(),
        timeout=30,
        what="the worker to issue the certificate",
    )


def _notices(messages) -> list:
    return [
        m for m in messages if str(make_header(decode_header(m["Subject"]))).startswith("What changed in")
    ]


@pytest.mark.worker
def test_a_minor_release_offers_no_renewal_and_sends_no_email(
    empty_queue, course_dir, user, client, celery_worker
):
    load_courses(course_dir.parent)
    certificate = _holder(course_dir, user)
    wait_for(lambda: sent_messages(), timeout=30, what="the certificate email")
    edit(course_dir / "units/02-pass-it-on.yaml", "Keep a diary of things", "Keep a diary of the things")
    release(course_dir, "1.1")

    load_courses(course_dir.parent)
    version_notices.version_notices_sweep(older_than=dt.timedelta(0))

    assert not VersionNotice.objects.exists()
    client.force_login(user)
    page = client.get(reverse("certificates:mine"))
    assert "What changed" not in page.text
    assert reverse("certificates:renew", args=[certificate.code]) not in page.text
    assert client.post(reverse("certificates:renew", args=[certificate.code])).status_code == 400
    assert _notices(sent_messages()) == []
    assert len(sent_messages()) == 1  # the certificate email only


@pytest.mark.worker
def test_a_major_release_notifies_once_offers_a_refresher_of_the_changed_units_and_renews(
    empty_queue, course_dir, user, client, celery_worker, settings
):
    load_courses(course_dir.parent)
    first = _holder(course_dir, user)
    other = UserFactory()
    _holder(course_dir, other)
    wait_for(lambda: len(sent_messages()) == 2, timeout=30, what="both certificate emails")
    edit(course_dir / "units/02-pass-it-on.yaml", 'number: "02920 536490"', f'number: "{FICTIONAL}"')
    release(course_dir, "2.0", what_changed="The Multi-Agency Safeguarding Hub has a new number.")

    load_courses(course_dir.parent)

    notices = wait_for(lambda: len(_notices(sent_messages())) == 2 and _notices(sent_messages()), timeout=30)
    assert sorted(m["To"] for m in notices) == sorted([user.email, other.email])
    text = body_text(next(m for m in notices if m["To"] == user.email), "text/plain")
    assert "The Multi-Agency Safeguarding Hub has a new number." in text
    assert "- Pass it on" in text and "- Signs" not in text
    assert f"{settings.SITE_URL}/certificates/" in text

    # Idempotent: loading again, creating again, sweeping and a redelivered task send nothing more.
    load_courses(course_dir.parent)
    course = first.course
    version_notices.version_notices_create(course_id=course.pk, major=2)
    version_notices.version_notices_sweep(older_than=dt.timedelta(0))
    notice = VersionNotice.objects.get(learner=user)
    version_notice_email_task.delay(notice.pk).get(timeout=30)
    assert VersionNotice.objects.count() == 2
    assert len(_notices(sent_messages())) == 2

    client.force_login(user)
    page = client.get(reverse("certificates:mine")).text
    assert "What changed in this course" in page
    assert "The Multi-Agency Safeguarding Hub has a new number." in page
    assert "covers only the 1 unit that changed" in page and "<li>Pass it on</li>" in page

    # The old certificate's page says what it was earned on, and that facts changed since.
    verify = client.get(reverse("certificates:verify_code", args=[first.code])).text
    assert "Trained on the course as of November 2026 (version 1.0)" in verify
    assert "A newer version with material changes" in verify and "March 2027 (version 2.0)" in verify

    response = client.post(reverse("certificates:renew", args=[first.code]))
    assert response.status_code == 302
    outline = client.get(response["Location"]).text
    assert "This is a refresher: only the units that changed" in outline
    refresher = Enrolment.objects.get(learner=user, completed_at__isnull=True)
    assert refresher.refreshes_id == first.enrolment_id
    carried = UnitProgress.objects.filter(enrolment=refresher, carried_over=True)
    assert set(carried.values_list("unit__slug", flat=True)) == {"signs", "next-steps"}

    pass_quiz(enrolment=refresher, unit=Unit.objects.get(slug="pass-it-on"))  # the only unit to do

    renewed = wait_for(
        lambda: Certificate.objects.filter(
            learner=user, status=Certificate.Status.ISSUED, version_major=2
        ).first(),
        timeout=30,
        what="the renewed certificate",
    )
    assert (renewed.version_label, renewed.expires_on) == ("2.0", first.expires_on)
    page = client.get(reverse("certificates:mine")).text
    assert "What changed in this course" not in page
    verify = client.get(reverse("certificates:verify_code", args=[renewed.code])).text
    assert "Trained on the course as of March 2027 (version 2.0)" in verify
    assert "This is the current version" in verify


def test_a_notice_waits_for_a_confirmed_address_and_skips_a_holder_who_renewed(db, sample_course, user):
    """Unit-level: the send rules, against the real database (the email is counted in the file backend)."""
    enrolment = course_services.enrolment_create(
        learner=user, pathway=Pathway.objects.get(slug="taxi-drivers")
    )
    complete_enrolment(enrolment)
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.ISSUED)
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])
    user.email_verified_at = None
    user.save(update_fields=["email_verified_at"])

    (notice_id,) = version_notices.version_notices_create(course_id=sample_course.pk, major=2)
    version_notices.version_notice_email_send(notice_id=notice_id)
    assert VersionNotice.objects.get().emailed_at is None and sent_messages() == []

    Certificate.objects.filter(pk=certificate.pk).update(version_major=2)  # renewed meanwhile
    user.email_verified_at = certificate.created_at
    user.save(update_fields=["email_verified_at"])
    version_notices.version_notice_email_send(notice_id=notice_id)
    assert VersionNotice.objects.get().emailed_at is not None and sent_messages() == []


def test_only_valid_certificates_of_active_holders_on_an_older_major_get_a_notice(db, sample_course):
    pathway = Pathway.objects.get(slug="taxi-drivers")
    holders = {}
    for state in ("valid", "expired", "revoked", "removed", "current"):
        learner = UserFactory()
        complete_enrolment(course_services.enrolment_create(learner=learner, pathway=pathway))
        holders[state] = learner
    Certificate.objects.update(status=Certificate.Status.ISSUED)
    today = dt.date.today()
    Certificate.objects.filter(learner=holders["expired"]).update(expires_on=today - dt.timedelta(days=1))
    Certificate.objects.filter(learner=holders["revoked"]).update(status=Certificate.Status.REVOKED)
    Certificate.objects.filter(learner=holders["removed"]).update(holder_removed_at=dt.datetime.now(dt.UTC))
    Certificate.objects.filter(learner=holders["current"]).update(version_major=2)
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])

    version_notices.version_notices_create(course_id=sample_course.pk, major=2)
    version_notices.version_notices_create(course_id=sample_course.pk, major=2)

    assert list(VersionNotice.objects.values_list("learner", flat=True)) == [holders["valid"].pk]
    assert version_notices.version_notices_create(course_id=sample_course.pk, major=1) == []  # superseded


def test_the_sweeper_queues_again_a_notice_a_broker_outage_left_unsent(empty_queue, sample_course, user):
    enrolment = course_services.enrolment_create(
        learner=user, pathway=Pathway.objects.get(slug="taxi-drivers")
    )
    complete_enrolment(enrolment)
    Certificate.objects.update(status=Certificate.Status.ISSUED)
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])
    (notice_id,) = version_notices.version_notices_create(course_id=sample_course.pk, major=2)
    VersionNotice.objects.filter(pk=notice_id).update(enqueued_at=None)  # the queueing never happened

    assert version_notices.version_notices_sweep(older_than=dt.timedelta(0)) == [notice_id]
    assert VersionNotice.objects.get().enqueued_at is not None
    VersionNotice.objects.update(emailed_at=dt.datetime.now(dt.UTC))
    assert version_notices.version_notices_sweep(older_than=dt.timedelta(0)) == []


def test_an_old_version_expiring_soon_is_renewed_by_the_whole_course(db, sample_course, user, client):
    enrolment = course_services.enrolment_create(
        learner=user, pathway=Pathway.objects.get(slug="taxi-drivers")
    )
    complete_enrolment(enrolment)
    certificate = Certificate.objects.get()
    soon = dt.date.today() + dt.timedelta(days=30)
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.ISSUED, expires_on=soon)
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])
    client.force_login(user)

    page = client.get(reverse("certificates:mine")).text
    assert "What changed in this course" in page and "taking the whole course again" in page
    assert "Start the refresher" not in page
    client.post(reverse("certificates:renew", args=[certificate.code]))

    renewal = Enrolment.objects.get(learner=user, completed_at__isnull=True)
    assert renewal.refreshes_id is None and not renewal.unit_progress.exists()


def _holder_on_version_one(sample_course, user) -> Certificate:
    complete_enrolment(
        course_services.enrolment_create(learner=user, pathway=Pathway.objects.get(slug="taxi-drivers"))
    )
    Certificate.objects.update(status=Certificate.Status.ISSUED)
    return Certificate.objects.get()


def test_a_second_run_while_the_first_is_sending_sends_nothing(db, sample_course, user, monkeypatch):
    """Two runs of one notice at once (the sweeper re-queued it during a retry's backoff) where the row lock
    does not hold the second back (SQLite has none): the notice is claimed before sending, so one email."""
    _holder_on_version_one(sample_course, user)
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])
    (notice_id,) = version_notices.version_notices_create(course_id=sample_course.pk, major=2)
    send = version_notices.EmailMultiAlternatives.send
    runs = []

    def send_racing_a_second_run(message, *args, **kwargs):
        if not runs:
            runs.append("second")
            version_notices.version_notice_email_send(notice_id=notice_id)
        return send(message, *args, **kwargs)

    monkeypatch.setattr(version_notices.EmailMultiAlternatives, "send", send_racing_a_second_run)
    version_notices.version_notice_email_send(notice_id=notice_id)

    assert len(runs) == 1 and len(_notices(sent_messages())) == 1
    assert VersionNotice.objects.get().emailed_at is not None


def test_a_failed_send_leaves_the_notice_to_be_sent_again(db, sample_course, user, monkeypatch):
    _holder_on_version_one(sample_course, user)
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])
    (notice_id,) = version_notices.version_notices_create(course_id=sample_course.pk, major=2)

    def refuse(message, *args, **kwargs):
        raise ConnectionError("SMTP is down")

    monkeypatch.setattr(version_notices.EmailMultiAlternatives, "send", refuse)
    with pytest.raises(ConnectionError):
        version_notices.version_notice_email_send(notice_id=notice_id)
    assert VersionNotice.objects.get().emailed_at is None

    monkeypatch.undo()
    version_notices.version_notice_email_send(notice_id=notice_id)
    assert len(_notices(sent_messages())) == 1


def test_two_quick_major_releases_send_one_email_the_newer_one(db, sample_course, user):
    _holder_on_version_one(sample_course, user)
    sample_course.version_major = 2
    sample_course.save(update_fields=["version_major"])
    (second,) = version_notices.version_notices_create(course_id=sample_course.pk, major=2)
    sample_course.version_major = 3  # released before the first notice went out
    sample_course.save(update_fields=["version_major"])
    (third,) = version_notices.version_notices_create(course_id=sample_course.pk, major=3)

    version_notices.version_notice_email_send(notice_id=second)
    version_notices.version_notice_email_send(notice_id=third)

    assert len(_notices(sent_messages())) == 1
    assert VersionNotice.objects.filter(emailed_at__isnull=True).count() == 0
