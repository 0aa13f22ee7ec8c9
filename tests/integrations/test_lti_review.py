"""LTI review fixes: no LMS sign-in for accounts that must use two-step verification, LMS emails are not
taken as confirmed, odd name claims and a second registration of the same platform give clear answers, and
the grade sweeper leaves posts in a retry chain alone."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from django.utils import timezone
from lti_tool.models import LtiRegistration

from accounts.models import User
from courses.models import Enrolment, Unit
from integrations import grades
from integrations.ags import PlatformUnavailable
from integrations.lti_launch import _name_from
from integrations.models import GradePost, LtiIdentity
from organisations.models import Membership
from tests.certificates.helpers import pass_quiz
from tests.integrations.conftest import launch, register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("promotion", ["manager", "staff"])
def test_a_linked_learner_later_made_manager_or_staff_is_not_signed_in_from_the_lms(
    live_server, registered, promotion
):
    assert launch(requests.Session(), registered, user="lms-500").status_code == 302
    user = LtiIdentity.objects.get(sub="lms-500").user
    if promotion == "manager":
        Membership.objects.filter(user=user).update(role=Membership.Role.MANAGER)
    else:
        User.objects.filter(pk=user.pk).update(is_staff=True)
    session = requests.Session()
    response = launch(session, registered, user="lms-500")
    assert response.status_code == 403
    assert "two-step verification" in response.text
    # nothing signed in: a page for signed-in people sends this browser to the log-in page
    profile = session.get(f"{live_server.url}/accounts/profile/", allow_redirects=False, timeout=30)
    assert profile.status_code == 302 and "/accounts/login/" in profile.headers["Location"]


def test_an_email_from_the_lms_is_kept_but_not_taken_as_confirmed(live_server, registered):
    assert launch(requests.Session(), registered, user="lms-501", email="ann@example.org").status_code == 302
    user = LtiIdentity.objects.get(sub="lms-501").user
    assert user.email == "ann@example.org" and user.email_verified_at is None
    # a changed address from the LMS is not confirmed either, nor does it keep an earlier confirmation
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
    assert launch(requests.Session(), registered, user="lms-501", email="ann2@example.org").status_code == 302
    user.refresh_from_db()
    assert user.email == "ann2@example.org" and user.email_verified_at is None


def test_name_claims_that_are_not_text_are_ignored():
    assert _name_from({"name": 42, "given_name": ["Ann"], "family_name": {"x": 1}}) == "Learner"
    assert _name_from({"name": None, "given_name": "Ann", "family_name": 7}) == "Ann"
    assert _name_from({"name": "Ann Jones", "given_name": 1}) == "Ann Jones"


def test_registering_the_same_platform_twice_gives_a_clear_page(
    live_server, platform, organisation, monkeypatch
):
    from tests.integrations import lti_platform

    monkeypatch.setattr(lti_platform.secrets, "token_hex", lambda n: "same")  # the LMS answers one client id
    assert register(live_server, platform, organisation).status_code == 200
    again = register(live_server, platform, organisation)
    assert again.status_code == 400
    assert "already registered" in again.text
    assert LtiRegistration.objects.count() == 1


def test_the_sweeper_leaves_a_post_tried_during_an_outage_to_its_retries(
    live_server, registered, sample_course, monkeypatch
):
    assert launch(requests.Session(), registered, user="lms-502").status_code == 302
    enrolment = Enrolment.objects.get(learner__lti_identities__sub="lms-502")
    pass_quiz(
        enrolment=enrolment, unit=Unit.objects.filter(course=sample_course, completed_by_quiz=True).first()
    )
    grades.grade_posts_reconcile()  # a unit's completion is recorded with bulk_create: no post_save
    post = GradePost.objects.get()
    long_ago = timezone.now() - dt.timedelta(hours=1)
    GradePost.objects.filter(pk=post.pk).update(enqueued_at=long_ago)  # queued a while ago
    registered.stop()
    with pytest.raises(PlatformUnavailable):
        grades.grade_post_send(post_id=post.pk)  # a retry, just now
    post.refresh_from_db()
    assert post.status == GradePost.Status.PENDING and post.enqueued_at > long_ago
    assert grades.grade_posts_sweep() == []  # in its retry chain: not queued a second time
    # silent for longer than the longest wait between retries: lost, queued again
    GradePost.objects.filter(pk=post.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(seconds=grades.RETRY_BACKOFF_MAX_SECONDS + 3600)
    )
    queued = []
    monkeypatch.setattr(grades, "grade_post_enqueue", lambda *, post_id: queued.append(post_id))
    assert grades.grade_posts_sweep() == [post.pk] and queued == [post.pk]


def test_a_post_deleted_while_the_sweeper_runs_is_skipped(
    live_server, registered, sample_course, monkeypatch
):
    assert launch(requests.Session(), registered, user="lms-503").status_code == 302
    enrolment = Enrolment.objects.get(learner__lti_identities__sub="lms-503")
    pass_quiz(
        enrolment=enrolment, unit=Unit.objects.filter(course=sample_course, completed_by_quiz=True).first()
    )
    grades.grade_posts_reconcile()  # a unit's completion is recorded with bulk_create: no post_save
    post = GradePost.objects.get()
    GradePost.objects.filter(pk=post.pk).update(enqueued_at=None, status=GradePost.Status.PENDING)
    queued = []
    monkeypatch.setattr(grades, "grade_post_enqueue", lambda *, post_id: queued.append(post_id))
    real_list = list

    def list_then_delete(rows):  # the learner's data is erased just after the sweeper read the ids
        ids = real_list(rows)
        GradePost.objects.filter(pk=post.pk).delete()
        return ids

    monkeypatch.setattr(grades, "list", list_then_delete, raising=False)
    assert grades.grade_posts_sweep() == [post.pk]
    assert queued == []
