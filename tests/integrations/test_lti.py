"""LTI 1.3 against a real platform (lti1p3platform): dynamic registration, launch and sign-in, the security
checks on the id_token, and grade posts received by the platform, also when it was down."""

from __future__ import annotations

import base64
import json

import pytest
import requests
from lti_tool.models import LtiDeployment, LtiRegistration

from courses.models import Enrolment, Unit
from integrations.models import DeploymentBinding, GradePost, LineItemLink, LtiIdentity
from organisations.models import Membership
from tests.certificates.helpers import pass_quiz, wait_for
from tests.integrations.conftest import launch, launch_page, register

pytestmark = pytest.mark.django_db(transaction=True)


def _counts():
    from accounts.models import User

    return (
        User.objects.count(),
        LtiIdentity.objects.count(),
        Membership.objects.count(),
        Enrolment.objects.count(),
    )


def test_dynamic_registration_records_the_platform_and_binds_the_deployment(
    live_server, platform, organisation, sample_course
):
    response = register(live_server, platform, organisation, sample_course.pathways.get(slug="taxi-drivers"))
    assert response.status_code == 200
    assert "Tool added" in response.text
    registration = LtiRegistration.objects.get()
    assert (registration.issuer, registration.client_id) == (platform.url, platform.client_id)
    assert registration.keyset_url == f"{platform.url}/jwks"
    deployment = LtiDeployment.objects.get(registration=registration)
    assert deployment.deployment_id == platform.deployment_id and deployment.is_active
    assert DeploymentBinding.objects.get(deployment=deployment).organisation == organisation
    # what we told the platform
    assert platform.tool["initiate_login_uri"] == f"{live_server.url}/lti/login/{registration.uuid}/"
    assert platform.tool["jwks_uri"] == f"{live_server.url}/lti/jwks.json"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in platform.tool["scope"]
    # the link works once
    again = requests.get(response.url, timeout=30)
    assert again.status_code == 404
    assert LtiRegistration.objects.count() == 1


def test_registration_with_a_bad_platform_answer_changes_nothing(live_server, platform, organisation):
    platform.registration_token = "not-what-we-send"  # the platform now refuses our bearer token
    from integrations.registration import invite_create

    invite = invite_create(organisation=organisation)
    response = requests.get(
        f"{live_server.url}/lti/register/{invite.token}/",
        params={"openid_configuration": platform.openid_configuration_url, "registration_token": "wrong"},
        timeout=30,
    )
    assert response.status_code == 400
    assert "OpenID configuration" in response.text
    assert LtiRegistration.objects.count() == 0


def test_a_launch_signs_the_learner_in_with_no_password(live_server, registered, organisation, sample_course):
    session = requests.Session()
    response = launch(session, registered, user="lms-42", name="Siân Evans", email="sian@example.org")
    assert response.status_code == 302, response.text[:500]
    assert response.headers["Location"] == f"/courses/{sample_course.slug}/start/"
    identity = LtiIdentity.objects.select_related("user").get(sub="lms-42")
    user = identity.user
    assert (user.email, user.certificate_name) == ("sian@example.org", "Siân Evans")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).organisation == organisation
    enrolment = Enrolment.objects.get(learner=user)
    assert enrolment.pathway.slug == "taxi-drivers"
    assert LineItemLink.objects.get(identity=identity).lineitem_url == f"{registered.url}/lineitems/1"
    # signed in: the course page opens
    page = session.get(f"{live_server.url}{response.headers['Location']}", timeout=30)
    assert page.status_code == 200 and "Siân Evans" not in page.url
    # a second launch updates the name, keeps the one account
    response = launch(
        requests.Session(), registered, user="lms-42", name="Siân Evans-Price", email="sian@example.org"
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.certificate_name == "Siân Evans-Price"
    assert LtiIdentity.objects.count() == 1


def test_a_custom_parameter_picks_the_pathway(live_server, registered):
    registered.custom = {"course": "sample-course", "pathway": "foster-carers"}
    response = launch(requests.Session(), registered, user="lms-7")
    assert response.status_code == 302
    assert Enrolment.objects.get(learner__lti_identities__sub="lms-7").pathway.slug == "foster-carers"


def test_an_email_of_another_account_is_not_taken_over(live_server, registered, user):
    response = launch(requests.Session(), registered, user="lms-9", email=user.email)
    assert response.status_code == 302
    linked = LtiIdentity.objects.get(sub="lms-9").user
    assert linked.pk != user.pk and linked.email.endswith("@lti.invalid")


def _tamper(id_token: str, **claims) -> str:
    header, body, signature = id_token.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_a_tampered_id_token_is_refused_and_creates_nothing(live_server, registered):
    before = _counts()
    session = requests.Session()
    action, fields = launch_page(session, registered)
    fields["id_token"] = _tamper(fields["id_token"], sub="someone-else")
    response = session.post(action, data=fields, allow_redirects=False, timeout=30)
    assert response.status_code == 400
    assert "could not accept this launch" in response.text
    assert _counts() == before


def test_a_wrong_audience_is_refused(live_server, registered):
    before = _counts()
    registered.launch_overrides = {"aud": "another-tool", "azp": "another-tool"}
    response = launch(requests.Session(), registered)
    assert response.status_code == 400
    assert _counts() == before


def test_an_expired_id_token_is_refused(live_server, registered):
    before = _counts()
    registered.id_token_seconds = -120
    response = launch(requests.Session(), registered)
    assert response.status_code == 400
    assert _counts() == before


def test_a_replayed_launch_is_refused(live_server, registered):
    session = requests.Session()
    action, fields = launch_page(session, registered, user="lms-5")
    first = session.post(action, data=fields, allow_redirects=False, timeout=30)
    assert first.status_code == 302
    before = _counts()
    replay = requests.Session()
    replay.cookies.update(session.cookies)
    again = replay.post(action, data=fields, allow_redirects=False, timeout=30)
    assert again.status_code == 400
    assert "already used" in again.text
    assert _counts() == before


def test_a_forged_state_or_a_nonce_we_never_issued_is_refused(live_server, registered):
    before = _counts()
    session = requests.Session()
    action, fields = launch_page(session, registered)
    response = requests.post(action, data=fields, allow_redirects=False, timeout=30)  # no state cookie
    assert response.status_code == 400
    assert requests.post(action, data={"id_token": "x.y.z", "state": "s"}, timeout=30).status_code == 400
    assert requests.post(action, data={}, timeout=30).status_code == 400
    assert _counts() == before


def test_an_unknown_deployment_gets_a_clear_page(live_server, registered):
    before = _counts()
    registered.deployment_id = "not-bound-anywhere"
    response = launch(requests.Session(), registered)
    assert response.status_code == 403
    assert "not connected to an organisation yet" in response.text
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]  # readable inside the LMS frame
    assert "not-bound-anywhere" in response.text
    assert _counts() == before


@pytest.mark.worker
def test_grade_posts_reach_the_platform_with_the_right_scores(
    live_server, registered, celery_worker, sample_course
):
    assert launch(requests.Session(), registered, user="lms-77").status_code == 302
    enrolment = Enrolment.objects.get(learner__lti_identities__sub="lms-77")
    units = list(Unit.objects.filter(course=sample_course).order_by("order"))
    pass_quiz(enrolment=enrolment, unit=next(u for u in units if u.completed_by_quiz))
    wait_for(lambda: len(registered.scores) == 1, timeout=30, what="the first score")
    first = registered.scores[0]
    assert first["userId"] == "lms-77" and first["lineitem"] == "1"
    assert (first["scoreGiven"], first["scoreMaximum"]) == (round(100 / len(units)), 100)
    assert (first["activityProgress"], first["gradingProgress"]) == ("InProgress", "Pending")
    from courses import services as course_services

    for unit in units:
        if unit.completed_by_quiz:
            if not enrolment.unit_progress.filter(unit=unit).exists():
                pass_quiz(enrolment=enrolment, unit=unit)
        else:
            course_services.unit_complete(enrolment=enrolment, unit=unit)
    total_posts = len(units) + 1  # one per unit, one for the course
    wait_for(lambda: len(registered.scores) == total_posts, timeout=60, what="every score")
    last = [s for s in registered.scores if s["activityProgress"] == "Completed"]
    assert len(last) == 1
    assert (last[0]["scoreGiven"], last[0]["gradingProgress"]) == (100, "FullyGraded")
    # The worker records each delivery after the platform has answered: the scores can arrive first.
    sent = GradePost.objects.filter(status=GradePost.Status.SENT)
    wait_for(lambda: sent.count() == total_posts, timeout=30, what="every grade post marked sent")


@pytest.mark.worker
def test_grade_posts_wait_while_the_platform_is_down_and_arrive_once(
    live_server, registered, celery_worker, sample_course, settings
):
    from integrations import grades

    assert launch(requests.Session(), registered, user="lms-88").status_code == 302
    enrolment = Enrolment.objects.get(learner__lti_identities__sub="lms-88")
    unit = Unit.objects.filter(course=sample_course, completed_by_quiz=True).order_by("order").first()
    registered.stop()  # connections refused from now on
    pass_quiz(enrolment=enrolment, unit=unit)
    post = GradePost.objects.get()
    wait_for(lambda: GradePost.objects.get().attempts >= 1, timeout=30, what="a first try")
    post.refresh_from_db()
    assert post.status == GradePost.Status.PENDING
    assert "ConnectionError" in post.last_error or "refused" in post.last_error.lower()
    assert registered.scores == []
    registered.start()  # back on the same port; the task's retry (backoff) delivers it
    wait_for(lambda: GradePost.objects.get().status == GradePost.Status.SENT, timeout=60, what="delivery")
    # the sweeper does not send a delivered post again
    grades.grade_posts_sweep(older_than=__import__("datetime").timedelta(0))
    import time

    time.sleep(2)
    assert len(registered.scores) == 1
    assert GradePost.objects.get().attempts >= 2


def test_learners_who_never_came_from_an_lms_cost_no_query(user, sample_course, django_assert_num_queries):
    from courses import services as course_services
    from integrations import receivers  # noqa: F401  (connected)

    enrolment = course_services.enrolment_create(learner=user, pathway=sample_course.pathways.first())
    progress = enrolment.unit_progress.model(enrolment=enrolment, unit=sample_course.units.first())
    with django_assert_num_queries(0):
        receivers._unit_completed(sender=None, progress=progress)
        receivers._enrolment_completed(sender=None, enrolment=enrolment)


@pytest.mark.worker
def test_a_lost_cache_hint_delays_the_post_but_the_sweeper_makes_it(
    live_server, registered, celery_worker, sample_course
):
    from django.core.cache import cache

    from integrations import grades

    assert launch(requests.Session(), registered, user="lms-99").status_code == 302
    cache.clear()  # the hint is gone (a Redis restart)
    enrolment = Enrolment.objects.get(learner__lti_identities__sub="lms-99")
    quiz_unit = Unit.objects.filter(course=sample_course, completed_by_quiz=True).first()
    pass_quiz(enrolment=enrolment, unit=quiz_unit)
    assert GradePost.objects.count() == 0
    assert grades.grade_posts_reconcile() == 1
    assert grades.grade_posts_reconcile() == 0  # once only
    wait_for(lambda: len(registered.scores) == 1, timeout=30, what="the reconciled score")
    assert registered.scores[0]["activityProgress"] == "InProgress"


def test_a_score_the_platform_refuses_for_good_is_marked_failed_and_not_swept(
    live_server, registered, sample_course
):
    import datetime as dt

    from integrations import grades

    assert launch(requests.Session(), registered, user="lms-66").status_code == 302
    enrolment = Enrolment.objects.get(learner__lti_identities__sub="lms-66")
    pass_quiz(
        enrolment=enrolment, unit=Unit.objects.filter(course=sample_course, completed_by_quiz=True).first()
    )
    registered.refuse_scores = True
    post = grades.grade_post_send(post_id=GradePost.objects.get().pk)
    assert post.status == GradePost.Status.FAILED and post.last_error.startswith("refused: 400")
    assert grades.grade_posts_sweep(older_than=dt.timedelta(0)) == []
    assert registered.scores == []
