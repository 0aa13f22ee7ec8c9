"""Every URL in the URLconf, in one table: what anonymous, the learner who owns the data, another learner and
staff get. A new URL without a row here fails `test_every_url_has_a_row`."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.urls import get_resolver, reverse
from django.utils import timezone

from accounts.verification import verification_token
from analysis.models import Commissioner
from certificates import services as certificate_services
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Pathway, StoryBlock, Unit
from organisations import selectors as organisation_selectors
from organisations import services as organisation_services
from organisations.models import Membership, Organisation
from quizzes import services as quiz_services
from quizzes.models import Attempt
from tests.certificates.factories import CertificateFactory
from tests.elearning.factories import UserFactory
from tests.organisations.factories import InvitationFactory, MembershipFactory, OrganisationFactory
from tests.security.matrix_rows import LOGIN, lms_and_analysis_rows, sign_in_rows
from tests.two_factor import login_verified

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "learner", "other", "staff")
ADMIN_LOGIN = "admin-login"
STEPS = [
    {
        "key": "start",
        "heading": "Start",
        "text": "A choice.",
        "choices": [
            {"key": "a", "text": "Good", "next": "good", "feedback": "Right."},
            {"key": "b", "text": "Poor", "next": "poor", "feedback": "No."},
        ],
    },
    {"key": "good", "heading": "Good", "text": "It went well.", "ending": "good", "why": "Because."},
    {"key": "poor", "heading": "Poor", "text": "It did not.", "ending": "poor", "why": "Because."},
]


@pytest.fixture
def world(sample_course, settings):
    settings.RATELIMIT_ENABLE = False
    learner = UserFactory(certificate_name="Owner Person")
    other = UserFactory()
    staff = UserFactory(is_staff=True, is_superuser=True)
    pathway = Pathway.objects.get(course=sample_course, slug="taxi-drivers")
    enrolment = course_services.enrolment_create(learner=learner, pathway=pathway)
    unit = Unit.objects.get(course=sample_course, slug="signs")
    course_services.unit_visit(enrolment=enrolment, unit=unit)  # read before you are tested
    open_attempt = quiz_services.attempt_start(enrolment=enrolment, quiz=unit.quiz)
    # A story in another unit than the open attempt's (whose submit the story would hold back).
    StoryBlock.objects.create(
        unit=Unit.objects.get(course=sample_course, slug="pass-it-on"),
        order=99,
        key="a-story",
        title="A story",
        intro="A story.",
        steps=STEPS,
    )
    done = Attempt.objects.create(
        enrolment=enrolment,
        quiz=Unit.objects.get(course=sample_course, slug="pass-it-on").quiz,
        seed=1,
        question_ids=[],
        submitted_at=timezone.now(),
        score=100,
        passed=True,
    )
    old = CertificateFactory(
        enrolment=course_services.enrolment_create(learner=UserFactory(), pathway=pathway),
        learner=learner,
        course=sample_course,
        pathway=pathway,
        status=Certificate.Status.PENDING,
        content_version=1,
        issued_on=timezone.localdate() - dt.timedelta(days=1200),
        expires_on=timezone.localdate() - dt.timedelta(days=100),
    )
    certificate = certificate_services.certificate_issue(certificate_id=old.pk)
    council = OrganisationFactory(kind=Organisation.Kind.LICENSING)
    Commissioner.objects.create(organisation=council)  # its managers see the item analysis of everyone
    MembershipFactory(organisation=council, user=learner, role=Membership.Role.MANAGER)
    member = MembershipFactory(organisation=council)
    invitation = InvitationFactory(organisation=council)
    export = organisation_services.export_create(
        organisation=council, requested_by=learner, membership_ids=[member.pk]
    )
    organisation_services.export_build(export_id=export.pk)
    contact = organisation_services.local_contact_create(
        organisation=council,
        actor=learner,
        label="Licensing safeguarding officer",
        phone="020 7946 0000",
        when_to_use="Tell them the same day.",
    )
    from integrations import scorm

    scorm_package = scorm.dispatch_create(
        organisation=council, course=sample_course, pathway=None, lms_origin="", by=learner
    )
    return SimpleNamespace(
        scorm_package=scorm_package,
        contact=contact,
        users={"learner": learner, "other": other, "staff": staff},
        course=sample_course,
        unit=unit,
        open_attempt=open_attempt,
        done=done,
        certificate=certificate,
        council=council,
        member=member,
        invitation=invitation,
        export=export,
        token=organisation_selectors.invitation_token(invitation),
    )


def rows(w) -> dict[str, tuple[str, str, dict, tuple]]:
    """URL name -> (method, path, data, expected outcome for anonymous, learner, other learner, staff)."""
    c, u, o = w.course.slug, w.unit.slug, w.council.pk
    code = w.certificate.code
    return {
        "home": ("get", reverse("home"), {}, (200, 200, 200, 200)),
        "language": ("get", reverse("language", args=["cy"]) + "?next=/", {}, (302, 302, 302, 302)),
        "accounts:signup": ("get", reverse("accounts:signup"), {}, (200, 302, 302, 302)),
        "accounts:signup_sent": ("get", reverse("accounts:signup_sent"), {}, (200, 200, 200, 200)),
        # A link made for the learner: it logs nobody else in and confirms nobody else's address.
        "accounts:verify_email": (
            "get",
            reverse("accounts:verify_email", args=[verification_token(w.users["learner"])]),
            {},
            (LOGIN, 302, 404, 404),
        ),
        "accounts:verify_email_resend": (
            "post",
            reverse("accounts:verify_email_resend"),
            {},
            (LOGIN, 302, 302, 302),
        ),
        "accounts:profile": ("get", reverse("accounts:profile"), {}, (LOGIN, 200, 200, 200)),
        "accounts:licence": (
            "post",
            reverse("accounts:licence"),
            {"licence_number": ""},
            (LOGIN, 302, 302, 302),
        ),
        "accounts:language": (
            "post",
            reverse("accounts:language"),
            {"language": "en"},
            (LOGIN, 302, 302, 302),
        ),
        "accounts:data_download": ("get", reverse("accounts:data_download"), {}, (LOGIN, 200, 200, 200)),
        "accounts:delete": ("get", reverse("accounts:delete"), {}, (LOGIN, 200, 200, 200)),
        "login": ("get", reverse("login"), {}, (200, 302, 302, 302)),
        "logout": ("post", reverse("logout"), {}, (302, 302, 302, 302)),
        "password_reset": ("get", reverse("password_reset"), {}, (200, 200, 200, 200)),
        "password_reset_done": ("get", reverse("password_reset_done"), {}, (200, 200, 200, 200)),
        "password_reset_confirm": (
            "get",
            reverse("password_reset_confirm", args=["MQ", "bad-token"]),
            {},
            (200, 200, 200, 200),
        ),
        "password_reset_complete": ("get", reverse("password_reset_complete"), {}, (200, 200, 200, 200)),
        "password_change": ("get", reverse("password_change"), {}, (LOGIN, 200, 200, 200)),
        "password_change_done": ("get", reverse("password_change_done"), {}, (LOGIN, 200, 200, 200)),
        "courses:dashboard": ("get", reverse("courses:dashboard"), {}, (LOGIN, 200, 200, 200)),
        # Another learner sees the course's pathway choice, never the owner's progress.
        "courses:detail": ("get", reverse("courses:detail", args=[c]), {}, (LOGIN, 200, 200, 200)),
        "courses:enrol": ("post", reverse("courses:enrol", args=[c]), {}, (LOGIN, 400, 400, 400)),
        "courses:start": ("get", reverse("courses:start", args=[c]), {}, (LOGIN, 200, 302, 302)),
        "courses:change_role": ("get", reverse("courses:change_role", args=[c]), {}, (LOGIN, 200, 302, 302)),
        "courses:unit": ("get", reverse("courses:unit", args=[c, u]), {}, (LOGIN, 200, 302, 302)),
        "courses:unit_read": ("post", reverse("courses:unit_read", args=[c, u]), {}, (LOGIN, 400, 404, 404)),
        # A story is the enrolled learner's: another learner (not enrolled) is sent to the course page.
        "courses:story": (
            "get",
            reverse("courses:story", args=[c, "pass-it-on", "a-story"]),
            {},
            (LOGIN, 200, 302, 302),
        ),
        "courses:story_start_again": (
            "post",
            reverse("courses:story_start_again", args=[c, "pass-it-on", "a-story"]),
            {},
            (LOGIN, 302, 302, 302),
        ),
        "quizzes:take": ("get", reverse("quizzes:take", args=[c, u]), {}, (LOGIN, 200, 302, 302)),
        "quizzes:submit": (
            "post",
            reverse("quizzes:submit", args=[w.open_attempt.public_id]),
            {},
            (LOGIN, 400, 404, 404),
        ),
        "quizzes:result": (
            "get",
            reverse("quizzes:result", args=[w.done.public_id]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "certificates:mine": ("get", reverse("certificates:mine"), {}, (LOGIN, 200, 200, 200)),
        "certificates:download": (
            "get",
            reverse("certificates:download", args=[code]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "certificates:download_bilingual": (  # issue 21: the holder's, drawn on demand
            "get", reverse("certificates:download_bilingual", args=[code]), {}, (LOGIN, 200, 404, 404)
        ),
        "certificates:renew": (
            "post",
            reverse("certificates:renew", args=[code]),
            {},
            (LOGIN, 400, 404, 404),  # an enrolment is already open: no second renewal
        ),
        "certificates:verify": ("get", reverse("certificates:verify"), {}, (200, 200, 200, 200)),
        "certificates:verify_code": (
            "get",
            reverse("certificates:verify_code", args=[code]),
            {},
            (200, 200, 200, 200),
        ),
        "credentials:did": ("get", reverse("credentials:did"), {}, (200, 200, 200, 200)),
        "credentials:jwks": ("get", reverse("credentials:jwks"), {}, (200, 200, 200, 200)),
        "credentials:status_list": (
            "get",
            reverse("credentials:status_list", args=[1]),
            {},
            (200, 200, 200, 200),
        ),
        "credentials:check": ("get", reverse("credentials:check"), {}, (200, 200, 200, 200)),
        "credentials:download": (
            "get",
            reverse("credentials:download", args=[code, "jwt"]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        # A manager of one organisation goes straight to its dashboard.
        "organisations:list": ("get", reverse("organisations:list"), {}, (LOGIN, 302, 200, 200)),
        "organisations:join": (
            "get",
            reverse("organisations:join", args=[w.token]),
            {},
            (200, 200, 200, 200),
        ),
        "organisations:dashboard": (
            "get",
            reverse("organisations:dashboard", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:export_csv": (
            "get",
            reverse("organisations:export_csv", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:member": (
            "get",
            reverse("organisations:member", args=[o, w.member.pk]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:member_two_factor_reset": (
            "get",
            reverse("organisations:member_two_factor_reset", args=[o, w.member.pk]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:member_role": (
            "post",
            reverse("organisations:member_role", args=[o, w.member.pk]),
            {"role": "manager"},
            (LOGIN, 302, 404, 404),
        ),
        "organisations:member_lock_reset": (  # nothing locked in this world: a message, nothing changed
            "post",
            reverse("organisations:member_lock_reset", args=[o, w.member.pk, 1]),
            {},
            (LOGIN, 302, 404, 404),
        ),
        "organisations:member_remove": (
            "post",
            reverse("organisations:member_remove", args=[o, w.member.pk]),
            {},
            (LOGIN, 302, 404, 404),
        ),
        "organisations:invitations": (
            "get",
            reverse("organisations:invitations", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:invitation_revoke": (
            "post",
            reverse("organisations:invitation_revoke", args=[o, w.invitation.pk]),
            {},
            (LOGIN, 302, 404, 404),
        ),
        "organisations:invite_emails": (
            "get",
            reverse("organisations:invite_emails", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:export_create": (
            "post",
            reverse("organisations:export_create", args=[o]),
            {},
            (LOGIN, 302, 404, 404),
        ),
        "organisations:export": (
            "get",
            reverse("organisations:export", args=[o, w.export.pk]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:export_download": (
            "get",
            reverse("organisations:export_download", args=[o, w.export.pk]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:lookup": (
            "get",
            reverse("organisations:lookup", args=[o]),
            {"number": "X1"},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:contacts": (
            "get",
            reverse("organisations:contacts", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:contact_add": (
            "get",
            reverse("organisations:contact_add", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:contact_area": (
            "get",
            reverse("organisations:contact_area", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:contact_edit": (
            "get",
            reverse("organisations:contact_edit", args=[o, w.contact.pk]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "organisations:contact_remove": (
            "post",
            reverse("organisations:contact_remove", args=[o, w.contact.pk]),
            {},
            (LOGIN, 302, 404, 404),
        ),
        **sign_in_rows(w),
        **lms_and_analysis_rows(w),
    }


def admin_rows() -> dict[str, tuple[str, str, dict, tuple]]:
    """The admin: its index and every registered model's list; staff only."""
    table = {"admin:index": ("get", reverse("admin:index"), {}, (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200))}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        table[name] = ("get", reverse(name), {}, (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200))
    return table


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_row(world):
    site_names = {n for n in url_names() if not n.startswith("admin:")}
    assert site_names - set(rows(world)) == set(), "URLs without a row in the authorisation matrix"
    assert set(rows(world)) - site_names == set(), "rows for URLs that no longer exist"


def _outcome(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_authorisation_matrix(client, world, role):
    table = {**rows(world), **admin_rows()}
    index = ROLES.index(role)
    failures = []
    for name, (method, path, data, expected) in table.items():
        if role != "anonymous":  # the learner manages the council: both pass two-step verification
            login_verified(client, world.users[role])
        response = getattr(client, method)(path, data)
        got = _outcome(response)
        if got != expected[index]:
            failures.append(f"{name} {method.upper()} {path}: expected {expected[index]}, got {got}")
        client.logout()
    assert not failures, f"{role}:\n" + "\n".join(failures)


def test_staff_and_managers_without_the_second_step_reach_no_admin_or_member_page(client, world):
    """Enforcement on: the same people, logged in with the password only, are sent to set up two-step
    verification from every admin page and every page of the organisation they manage."""
    table = {**rows(world), **admin_rows()}
    names = [n for n in table if n.startswith("admin:") or n.startswith("organisations:")]
    names = [n for n in names if n not in ("organisations:list", "organisations:join")]
    failures = []
    for role in ("learner", "staff"):
        for name in names:
            if name.startswith("admin:") != (role == "staff"):
                continue
            method, path, data, _expected = table[name]
            client.force_login(world.users[role])
            response = getattr(client, method)(path, data)
            if response.status_code != 302 or not response["Location"].startswith(
                reverse("accounts:two_factor_setup")
            ):
                failures.append(f"{role} {name}: {response.status_code}")
    assert failures == []
