"""Property-based bad input (hypothesis): at least 1,000 generated bodies per endpoint. Never a 500, and
never a changed attempt or certificate."""

from __future__ import annotations

import string
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Pathway, Unit
from quizzes import services as quiz_services
from quizzes.models import Answer, Attempt
from tests.certificates.factories import CertificateFactory
from tests.courses.factories import EnrolmentFactory
from tests.elearning.factories import UserFactory
from tests.two_factor import login_verified

pytestmark = pytest.mark.django_db
EXAMPLES = 1000
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
RAN: Counter[str] = Counter()

# Unicode edge cases: NUL, RTL override, combining marks, emoji, surrogate-free astral, very long runs.
EDGE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\u202e",
        "e\u0301",
        "🧒",
        "𝔘𝔫𝔦",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        "%00",
        "a" * 5000,
        "-1",
        "0",
        "999999999999999999999",
        "1e309",
        "NaN",
        "null",
        "[]",
        "{}",
        "true",
    ]
)
TEXT = st.one_of(st.text(max_size=300), EDGE_TEXT)
VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=4), st.integers().map(str))


def form_bodies(field_names: list[str]):
    """Dicts mixing the endpoint's real field names with random ones, values of the wrong type and size."""
    key = st.one_of(st.sampled_from(field_names), st.text(alphabet=string.printable, max_size=40), TEXT)
    return st.dictionaries(key, VALUE, max_size=12)


RAW = st.tuples(
    st.sampled_from(
        [
            "application/json",
            "text/plain",
            "multipart/form-data; boundary=xyz",
            "application/x-www-form-urlencoded",
            "application/octet-stream",
            "application/x-www-form-urlencoded; charset=latin-1",
        ]
    ),
    st.binary(max_size=2000),
)


def post(client, url, body):
    if isinstance(body, tuple):
        content_type, raw = body
        return client.generic("POST", url, raw, content_type=content_type)
    return client.post(url, body)


@pytest.fixture
def open_attempt(sample_course):
    learner = UserFactory()
    pathway = Pathway.objects.get(course=sample_course, slug="taxi-drivers")
    enrolment = course_services.enrolment_create(learner=learner, pathway=pathway)
    unit = Unit.objects.get(course=sample_course, slug="signs")
    course_services.unit_visit(enrolment=enrolment, unit=unit)  # read before you are tested
    attempt = quiz_services.attempt_start(enrolment=enrolment, quiz=unit.quiz)
    return learner, attempt


def test_quiz_submit_never_500s_and_never_changes_the_attempt(client, open_attempt, sample_course):
    learner, attempt = open_attempt
    other = UserFactory()
    other_enrolment = course_services.enrolment_create(
        learner=other, pathway=Pathway.objects.get(course=sample_course, slug="foster-carers")
    )
    course_services.unit_visit(enrolment=other_enrolment, unit=attempt.quiz.unit)
    other_attempt = quiz_services.attempt_start(
        enrolment=other_enrolment,
        quiz=attempt.quiz,
    )
    client.force_login(learner)
    fields = [f"q{pk}" for pk in attempt.question_ids] + [f"q{pk}-x" for pk in attempt.question_ids]
    urls = [
        reverse("quizzes:submit", args=[attempt.public_id]),
        reverse("quizzes:submit", args=[other_attempt.public_id]),  # someone else's attempt
    ]

    @FUZZ
    @given(body=st.one_of(form_bodies(fields), RAW), which=st.sampled_from(urls))
    def run(body, which):
        RAN["quiz submit"] += 1
        response = post(client, which, body)
        assert response.status_code in (400, 404), response.status_code
        fresh = Attempt.objects.get(pk=attempt.pk)
        assert fresh.submitted_at is None and fresh.score is None
        assert Attempt.objects.get(pk=other_attempt.pk).submitted_at is None
        assert not Answer.objects.exists()

    run()
    assert RAN["quiz submit"] >= EXAMPLES


def test_sign_up_never_500s(client):
    fields = ["email", "certificate_name", "password1", "password2", "next"]

    @FUZZ
    @given(body=st.one_of(form_bodies(fields), RAW))
    def run(body):
        RAN["sign-up"] += 1
        before = User.objects.count()
        response = post(client, reverse("accounts:signup"), body)
        assert response.status_code in (200, 302, 400)
        if response.status_code != 302:
            assert User.objects.count() == before
        client.logout()

    run()
    assert RAN["sign-up"] >= EXAMPLES


def test_log_in_never_500s(client):
    fields = ["username", "password", "next"]

    @FUZZ
    @given(body=st.one_of(form_bodies(fields), RAW))
    def run(body):
        RAN["log-in"] += 1
        response = post(client, reverse("login"), body)
        # 429 once django-axes locks the fuzzing "attacker" out: a clear page, never a 500.
        assert response.status_code in (200, 400, 429)
        assert "_auth_user_id" not in client.session

    run()
    assert RAN["log-in"] >= EXAMPLES


def test_verification_never_500s_and_never_changes_a_certificate(client, settings):
    settings.RATELIMIT_ENABLE = False  # throttling has its own test; here every look-up must reach the view
    certificate = CertificateFactory(
        enrolment=EnrolmentFactory(completed_at=timezone.now(), content_version=1),
        status=Certificate.Status.ISSUED,
    )
    before = Certificate.objects.values().get(pk=certificate.pk)

    @FUZZ
    @given(code=TEXT, query=st.dictionaries(st.sampled_from(["code", "x", ""]), TEXT, max_size=3))
    def run(code, query):
        RAN["verification"] += 1
        safe = "".join(ch for ch in code if ch not in "/?#%\x00") or "x"
        path = client.get(reverse("certificates:verify_code", args=["CODE"]).replace("CODE", safe[:200]))
        form = client.get(reverse("certificates:verify"), query)
        assert path.status_code in (200, 301, 302, 404)
        assert form.status_code in (200, 302, 400)
        assert Certificate.objects.values().get(pk=certificate.pk) == before

    run()
    assert RAN["verification"] >= EXAMPLES


def test_an_oversized_body_is_refused_with_400(client, open_attempt):
    learner, attempt = open_attempt
    client.force_login(learner)
    huge = {"q1": "x" * (3 * 1024 * 1024)}
    response = client.post(reverse("quizzes:submit", args=[attempt.public_id]), huge)
    assert response.status_code == 400
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None
    client.logout()
    many = {f"f{n}": "1" for n in range(1500)}  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post(reverse("accounts:signup"), many)
    assert response.status_code == 400


def test_invitation_endpoints_never_500(client, settings):
    settings.RATELIMIT_ENABLE = False  # the look-up throttle has its own test; every body must reach the view
    from organisations import selectors as organisation_selectors
    from organisations.models import Invitation, Membership
    from tests.organisations.factories import InvitationFactory, MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory()
    manager = MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER).user
    invitation = InvitationFactory(organisation=organisation)
    token = organisation_selectors.invitation_token(invitation)
    join_urls = [
        reverse("organisations:join", args=[token]),
        reverse("organisations:join", args=[token[:-1] + ("A" if token[-1] != "A" else "B")]),  # tampered
        reverse("organisations:join", args=["not-a-token"]),
    ]
    invite_url = reverse("organisations:invite_emails", args=[organisation.pk])
    join_fields = ["email", "certificate_name", "password1", "password2"]
    invite_fields = ["emails", "expires_in_days", "pathway"]

    @FUZZ
    @given(
        body=st.one_of(form_bodies(join_fields + invite_fields), RAW),
        target=st.sampled_from(["join", "invite"]),
        which=st.sampled_from(join_urls),
    )
    def run(body, target, which):
        RAN["invitations"] += 1
        members = Membership.objects.count()
        if target == "invite":
            login_verified(client, manager)
            response = post(client, invite_url, body)
            assert response.status_code in (200, 302, 400)
        else:
            response = post(client, which, body)
            assert response.status_code in (200, 302, 400, 404, 410)
            if response.status_code != 302:
                assert Membership.objects.count() == members
        client.logout()
        assert Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).exists()

    run()
    assert RAN["invitations"] >= EXAMPLES
