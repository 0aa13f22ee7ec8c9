"""Invitations: links (many people, until expiry or withdrawal), emails (one person, once), pasted lists with
bad rows reported line by line, joining by signing up or logging in, and enrolment on the pathway."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses.models import Enrolment
from organisations import selectors, services
from organisations.models import Invitation, Membership
from tests.elearning.factories import UserFactory

from .factories import InvitationFactory, MembershipFactory
from .helpers import PASSWORD, member_in_state, sent_messages

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "email": "new.driver@example.com",
    "certificate_name": "Nia Newcomer",
    "password1": "a-long-pass-phrase-9",
    "password2": "a-long-pass-phrase-9",
}


def join_url(invitation: Invitation) -> str:
    return reverse("organisations:join", args=[selectors.invitation_token(invitation)])


@pytest.fixture
def link(organisation, manager, course):
    return services.invitation_link_create(
        organisation=organisation, created_by=manager, pathway=course.pathway, expires_in_days=7
    )


@pytest.fixture
def emailed(organisation, manager, course):
    result = services.invitations_create_for_emails(
        organisation=organisation, text="new.driver@example.com", created_by=manager, pathway=course.taxi
    )
    return result.invited[0]


# Tokens ------------------------------------------------------------------------------------------------


def test_the_token_is_the_key_plus_an_hmac_and_forged_ones_are_refused(link):
    token = selectors.invitation_token(link)
    assert token.startswith(link.key + ".")
    assert link.key not in token.split(".", 1)[1]
    assert selectors.invitation_from_token(token=token) == link
    for bad in (link.key, f"{link.key}.{'0' * 32}", token[:-1] + ("a" if token[-1] != "a" else "b"), "", "."):
        with pytest.raises(Invitation.DoesNotExist):
            selectors.invitation_from_token(token=bad)


def test_an_unknown_link_says_so_and_changes_nothing(client):
    response = client.get(reverse("organisations:join", args=["nope.0123"]))
    assert response.status_code == 404
    assert "Invitation link not recognised" in response.content.decode()


# Link invitations --------------------------------------------------------------------------------------


def test_anonymous_person_signs_up_joins_and_is_enrolled_on_the_pathway(client, link, organisation, course):
    page = client.get(join_url(link))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Join Cardiff Fostering" in html and "Log in to join" in html

    response = client.post(join_url(link), SIGN_UP)
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:start", args=[course.course.slug])
    user = User.objects.get(email="new.driver@example.com")
    membership = Membership.objects.get(organisation=organisation, user=user)
    assert membership.role == Membership.Role.LEARNER and membership.joined_at is not None
    assert Enrolment.objects.get(learner=user).pathway == course.pathway
    assert client.get(reverse("courses:dashboard")).status_code == 200  # logged in
    link.refresh_from_db()
    assert link.uses == 1


def test_a_link_admits_many_people_until_it_expires(client, link, organisation):
    for n in range(3):
        user = UserFactory()
        client.force_login(user)
        assert client.post(join_url(link)).status_code == 302, n
    assert Membership.objects.filter(organisation=organisation, role="learner").count() == 3
    link.refresh_from_db()
    assert link.uses == 3


def test_logged_in_person_confirms_then_joins(client, link, organisation, user):
    client.force_login(user)
    page = client.get(join_url(link))
    assert page.status_code == 200
    assert f"You are logged in as {user.email}" in page.content.decode()
    assert not Membership.objects.filter(user=user).exists()  # a GET changes nothing
    assert client.post(join_url(link)).status_code == 302
    assert Membership.objects.filter(organisation=organisation, user=user).exists()


def test_sign_up_errors_are_shown_and_nothing_is_created(client, link):
    response = client.post(join_url(link), {**SIGN_UP, "password2": "different-pass-99"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not User.objects.filter(email=SIGN_UP["email"]).exists()
    link.refresh_from_db()
    assert link.uses == 0


@pytest.mark.parametrize(
    ("change", "heading"),
    [
        ({"expires_at": timezone.now() - dt.timedelta(seconds=1)}, "This invitation has expired"),
        ({"revoked_at": timezone.now()}, "This invitation has been withdrawn"),
    ],
)
def test_expired_or_withdrawn_links_answer_410_and_change_nothing(client, link, user, change, heading):
    Invitation.objects.filter(pk=link.pk).update(**change)
    for who in ("anonymous", "logged in"):
        if who == "logged in":
            client.force_login(user)
        for method in (client.get, client.post):
            response = method(join_url(link), SIGN_UP)
            assert response.status_code == 410, (who, method)
            assert heading in response.content.decode()
    assert Membership.objects.filter(organisation=link.organisation).count() == 1  # only the manager
    assert not User.objects.filter(email=SIGN_UP["email"]).exists()
    assert not Enrolment.objects.exists()
    link.refresh_from_db()
    assert link.uses == 0


def test_withdrawing_a_link_through_the_page(manager_client, link):
    url = reverse("organisations:invitation_revoke", args=[link.organisation_id, link.pk])
    assert manager_client.post(url).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.state() == "revoked"


def test_a_service_accept_of_an_unusable_invitation_raises_and_changes_nothing(link, user):
    services.invitation_revoke(invitation=link)
    with pytest.raises(services.InvitationUnusable) as caught:
        services.invitation_accept(invitation_id=link.pk, user=user)
    assert caught.value.state == "revoked"
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept_with_sign_up(
            invitation_id=link.pk, email="x@example.com", password=PASSWORD, certificate_name="X"
        )
    assert not Membership.objects.filter(user=user).exists()
    assert not User.objects.filter(email="x@example.com").exists()


def test_joining_twice_is_harmless_and_never_demotes_a_manager(link, manager, organisation):
    services.invitation_accept(invitation_id=link.pk, user=manager)
    services.invitation_accept(invitation_id=link.pk, user=manager)
    membership = Membership.objects.get(organisation=organisation, user=manager)
    assert membership.role == Membership.Role.MANAGER


def test_a_learner_with_a_valid_certificate_is_not_enrolled_again(link, organisation, course):
    holder = member_in_state(organisation, course, "valid").user
    before = Enrolment.objects.filter(learner=holder).count()
    services.invitation_accept(invitation_id=link.pk, user=holder)
    assert Enrolment.objects.filter(learner=holder).count() == before


# Email invitations -------------------------------------------------------------------------------------


def test_an_emailed_invitation_appears_as_invited_and_is_sent_once(emailed, organisation):
    membership = emailed.membership
    assert membership.user is None and membership.email == "new.driver@example.com"
    assert selectors.member_list(organisation=organisation).get(pk=membership.pk).status == "invited"

    services.invitation_send(invitation_id=emailed.pk)
    services.invitation_send(invitation_id=emailed.pk)
    messages = sent_messages()
    assert len(messages) == 1
    assert messages[0]["To"] == "new.driver@example.com"
    assert "Cardiff Fostering has invited you" in messages[0]["Subject"]
    from tests.certificates.helpers import body_text

    assert services.invitation_url(emailed) in body_text(messages[0], "text/plain")


def test_an_email_invitation_works_once(client, emailed, organisation, course):
    page = client.get(join_url(emailed))
    assert 'value="new.driver@example.com"' in page.content.decode()  # prefilled
    assert client.post(join_url(emailed), SIGN_UP).status_code == 302
    user = User.objects.get(email=SIGN_UP["email"])
    # The invited row became the member's: one row, no duplicate.
    assert list(
        Membership.objects.filter(organisation=organisation, role="learner").values_list("user", flat=True)
    ) == [user.pk]
    assert Enrolment.objects.get(learner=user).pathway == course.taxi

    client.logout()
    other = UserFactory()
    client.force_login(other)
    response = client.post(join_url(emailed))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not Membership.objects.filter(user=other).exists()


def test_an_email_invitation_cannot_be_accepted_with_another_account(emailed, organisation, user):
    # Changed with issue 15: this used to let any account take the invited person's place.
    with pytest.raises(services.InvitationUnusable) as refused:
        services.invitation_accept(invitation_id=emailed.pk, user=user)
    assert refused.value.state == "another-address"
    assert not Membership.objects.filter(organisation=organisation, user=user).exists()
    assert Membership.objects.filter(organisation=organisation, email="new.driver@example.com").exists()


def test_withdrawing_an_email_invitation_removes_the_invited_row(emailed, organisation, client):
    services.invitation_revoke(invitation=emailed)
    assert not Membership.objects.filter(organisation=organisation, user__isnull=True).exists()
    assert client.get(join_url(emailed)).status_code == 410
    services.invitation_send(invitation_id=emailed.pk)
    assert sent_messages() == []  # a withdrawn invitation is not emailed


def test_an_expired_email_invitation_can_be_sent_again(emailed, organisation, manager):
    Invitation.objects.filter(pk=emailed.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    result = services.invitations_create_for_emails(
        organisation=organisation, text="new.driver@example.com", created_by=manager
    )
    assert result.problems == []
    assert result.invited[0].membership_id == emailed.membership_id  # same dashboard row, new invitation


# Pasted lists ------------------------------------------------------------------------------------------

PASTED = """email
ann@example.com
Bob Smith <BOB@example.com>
bob@
"Cat Jones",cat@example.com,Driver

ann@example.com
not an email at all
{member}
{invited}
"""


def test_a_pasted_list_invites_the_good_rows_and_reports_each_bad_one(organisation, manager, learner):
    services.invitations_create_for_emails(
        organisation=organisation, text="dan@example.com", created_by=manager
    )
    text = PASTED.format(member=learner.email.upper(), invited="dan@example.com")
    result = services.invitations_create_for_emails(organisation=organisation, text=text, created_by=manager)

    assert sorted(i.email for i in result.invited) == [
        "ann@example.com",
        "bob@example.com",
        "cat@example.com",
    ]
    assert [str(p) for p in result.problems] == [
        "Line 4: 'bob@' is not an email address.",
        "Line 7: 'ann@example.com' is already on line 2.",
        "Line 8: 'not an email at all' is not an email address.",
        f"Line 9: '{learner.email}' is already a member of Cardiff Fostering.",
        f"Line 10: 'dan@example.com' has already been invited (until "
        f"{(timezone.localtime() + dt.timedelta(days=14)):%-d %B %Y}).",
    ]
    invited = Membership.objects.filter(organisation=organisation, user__isnull=True)
    assert sorted(invited.values_list("email", flat=True)) == [
        "ann@example.com",
        "bob@example.com",
        "cat@example.com",
        "dan@example.com",
    ]


def test_the_invite_page_sends_good_rows_and_offers_the_bad_ones_again(
    manager_client, organisation, django_capture_on_commit_callbacks
):
    url = reverse("organisations:invite_emails", args=[organisation.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = manager_client.post(
            url, {"emails": "ann@example.com\nbob@\ncat@example.com", "expires_in_days": "14", "pathway": ""}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 invitations sent." in html
    assert "Line 2: &#x27;bob@&#x27; is not an email address." in html
    assert "bob@</textarea>" in html  # only the bad line is offered again
    assert len(callbacks) == 2  # one email queued per good row, after commit


def test_the_invite_page_with_only_good_rows_lists_every_address_sent(manager_client, organisation):
    url = reverse("organisations:invite_emails", args=[organisation.pk])
    response = manager_client.post(
        url, {"emails": "ann@example.com; Bob <bob@example.com>", "expires_in_days": "14"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 invitations sent." in html
    assert "<li>ann@example.com</li>" in html and "<li>bob@example.com</li>" in html
    assert "not sent" not in html
    assert reverse("organisations:dashboard", args=[organisation.pk]) in html
    assert re.search(r"<textarea[^>]*>\s*</textarea>", html)  # nothing offered again to send twice


@pytest.mark.parametrize(
    ("line", "addresses"),
    [
        ("a@example.com; b@example.com", ["a@example.com", "b@example.com"]),
        ("a@example.com, b@example.com", ["a@example.com", "b@example.com"]),
        ('Ann Lee <a@example.com>; "Last, First" <b@example.com>', ["a@example.com", "b@example.com"]),
        ('"Lee, Ann" <a@example.com>, Bob <B@Example.com>;', ["a@example.com", "b@example.com"]),
        ("Ann Lee\ta@example.com\tDriver", ["a@example.com"]),  # a spreadsheet row
    ],
)
def test_every_address_on_a_line_is_used(line, addresses):
    good, problems = services.parse_email_lines(line)
    assert [address for _line, address in good] == addresses
    assert problems == []


def test_every_address_on_a_line_that_cannot_be_used_is_reported():
    good, problems = services.parse_email_lines("a@example.com; bob@; a@example.com, Cat <cat@>\nnobody")
    assert good == [(1, "a@example.com")]
    assert [str(p) for p in problems] == [
        "Line 1: 'bob@' is not an email address.",
        "Line 1: 'a@example.com' is already earlier on this line.",
        "Line 1: 'Cat <cat@>' is not an email address.",
        "Line 2: 'nobody' is not an email address.",
    ]


def test_the_invite_page_needs_something_to_send(manager_client, organisation):
    url = reverse("organisations:invite_emails", args=[organisation.pk])
    response = manager_client.post(url, {"emails": " ", "expires_in_days": "14"})
    assert response.status_code == 400
    assert "Enter at least one email address." in response.content.decode()
    assert not Invitation.objects.exists()


def test_link_page_creates_a_link_shown_in_the_table(manager_client, organisation, course):
    url = reverse("organisations:invitations", args=[organisation.pk])
    response = manager_client.post(url, {"pathway": course.taxi.pk, "expires_in_days": "30"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.pathway == course.taxi
    assert (invitation.expires_at - timezone.now()).days == 29
    html = manager_client.get(url).content.decode()
    assert services.invitation_url(invitation) in html


def test_invalid_expiry_is_refused(manager_client, organisation):
    url = reverse("organisations:invitations", args=[organisation.pk])
    response = manager_client.post(url, {"expires_in_days": "365"})
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    with pytest.raises(ValueError):
        services.invitation_link_create(organisation=organisation, created_by=None, expires_in_days=365)


def test_invitation_factory_link_works(client, user):
    invitation = InvitationFactory()
    client.force_login(user)
    assert client.post(join_url(invitation)).status_code == 302
    assert MembershipFactory._meta.model.objects.filter(user=user).count() == 1


def test_an_empty_post_gets_errors_not_a_blank_page(manager_client, organisation, client, link):
    for url in (
        reverse("organisations:invitations", args=[organisation.pk]),
        reverse("organisations:invite_emails", args=[organisation.pk]),
    ):
        response = manager_client.post(url, {})
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
    client.logout()
    response = client.post(join_url(link), {})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
