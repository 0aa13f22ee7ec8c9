"""Member pages: what a manager sees about one person (training, never quiz answers), promoting a member to
manager, stepping down, removing people, and the rule that an organisation keeps at least one manager."""

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import Membership
from quizzes.models import Attempt
from tests.certificates.helpers import pass_quiz

from .factories import InvitedMembershipFactory, MembershipFactory
from .helpers import member_in_state

pytestmark = pytest.mark.django_db


def member_url(membership) -> str:
    return reverse("organisations:member", args=[membership.organisation_id, membership.pk])


def test_member_page_shows_training_and_certificates(manager_client, organisation, course):
    member = member_in_state(organisation, course, "valid", certificate_name="Ann Valid")
    certificate = member.user.certificates.get()
    html = manager_client.get(member_url(member)).content.decode()
    assert "Ann Valid" in html and "Certificate valid" in html
    assert certificate.display_code in html
    assert "CSE awareness" in html and "Foster carers" in html


def test_member_page_never_shows_quiz_answers(manager_client, organisation, quiz_course):
    from courses import services as course_services

    member = MembershipFactory(organisation=organisation)
    enrolment = course_services.enrolment_create(learner=member.user, pathway=quiz_course.pathway)
    pass_quiz(enrolment=enrolment, unit=quiz_course.quiz_unit)
    attempt = Attempt.objects.get(enrolment=enrolment)
    question = quiz_course.question
    html = manager_client.get(member_url(member)).content.decode()
    assert "1 of 2 units" in html  # the progress is there...
    for private in (question.prompt, "Option a", "Feedback for this option.", question.explanation):
        assert private not in html  # ...the questions, answers and feedback are not
    assert str(attempt.public_id) not in html and "/quizzes/" not in html
    assert "Individual quiz answers are private" in html


def test_a_manager_can_make_a_member_a_manager(manager_client, organisation, learner):
    membership = Membership.objects.get(user=learner)
    url = reverse("organisations:member_role", args=[organisation.pk, membership.pk])
    assert manager_client.post(url, {"role": "manager"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MANAGER


def test_an_invited_person_cannot_be_made_a_manager(manager_client, organisation):
    invited = InvitedMembershipFactory(organisation=organisation)
    url = reverse("organisations:member_role", args=[organisation.pk, invited.pk])
    response = manager_client.post(url, {"role": "manager"}, follow=True)
    assert "Only people who have joined" in response.content.decode()
    invited.refresh_from_db()
    assert invited.role == Membership.Role.LEARNER


def test_the_last_manager_cannot_step_down_or_leave(manager_client, organisation, manager):
    membership = Membership.objects.get(user=manager)
    for name, data in (("member_role", {"role": "learner"}), ("member_remove", {})):
        response = manager_client.post(
            reverse(f"organisations:{name}", args=[organisation.pk, membership.pk]), data, follow=True
        )
        assert "needs at least one manager" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MANAGER


def test_a_manager_who_steps_down_loses_access(manager_client, organisation, manager):
    MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER)
    membership = Membership.objects.get(user=manager, organisation=organisation)
    url = reverse("organisations:member_role", args=[organisation.pk, membership.pk])
    response = manager_client.post(url, {"role": "learner"})
    assert response["Location"] == reverse("organisations:list")
    assert manager_client.get(reverse("organisations:dashboard", args=[organisation.pk])).status_code == 404


def test_removing_a_member_keeps_their_account_and_training(manager_client, organisation, course):
    member = member_in_state(organisation, course, "valid")
    url = reverse("organisations:member_remove", args=[organisation.pk, member.pk])
    assert manager_client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert member.user.certificates.count() == 1 and member.user.enrolments.count() == 1


def test_removing_an_invited_person_stops_their_invitation(organisation, manager):
    result = services.invitations_create_for_emails(
        organisation=organisation, text="x@example.com", created_by=manager
    )
    invitation = result.invited[0]
    services.membership_remove(membership=invitation.membership)
    invitation.refresh_from_db()
    assert invitation.state() == "revoked"


def test_membership_add_uses_the_invited_row_and_is_idempotent(organisation, user):
    InvitedMembershipFactory(organisation=organisation, email=user.email)
    first = services.membership_add(organisation=organisation, user=user)
    second = services.membership_add(organisation=organisation, user=user, role=Membership.Role.MANAGER)
    assert first.pk == second.pk
    assert Membership.objects.filter(organisation=organisation, email=user.email).count() == 1
    assert second.role == Membership.Role.MANAGER
