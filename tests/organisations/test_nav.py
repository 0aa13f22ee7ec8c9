"""The "Your organisations" link: shown only to managers, decided at log-in and kept in the session so
ordinary pages make no extra query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.context_processors import SESSION_KEY
from organisations.models import Membership
from tests.two_factor import login_verified

from .factories import MembershipFactory
from .helpers import PASSWORD

pytestmark = pytest.mark.django_db

LINK = 'href="/organisations/">Your organisations</a>'


def test_managers_see_the_link_and_learners_do_not(client, manager, learner):
    client.post(reverse("login"), {"username": manager.email, "password": PASSWORD})
    assert LINK in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": learner.email, "password": PASSWORD})
    assert LINK not in client.get(reverse("accounts:profile")).content.decode()
    assert LINK not in client.get(reverse("home")).content.decode()


def test_pages_make_no_membership_query_after_log_in(manager_client):
    with CaptureQueriesContext(connection) as captured:
        html = manager_client.get(reverse("accounts:profile")).content.decode()
    assert LINK in html
    assert not [q["sql"] for q in captured if "organisations_membership" in q["sql"]]


def test_a_session_from_before_the_flag_works_it_out_once(client, manager):
    login_verified(client, manager)
    session = client.session
    del session[SESSION_KEY]
    session.save()
    assert LINK in client.get(reverse("accounts:profile")).content.decode()
    assert client.session[SESSION_KEY] is True


def test_someone_made_a_manager_sees_the_link_at_their_next_visit_to_organisations(
    client, organisation, learner
):
    client.force_login(learner)
    assert LINK not in client.get(reverse("home")).content.decode()
    Membership.objects.filter(user=learner).update(role=Membership.Role.MANAGER)
    client.get(reverse("organisations:list"))  # the organisations pages refresh the flag
    assert LINK in client.get(reverse("home")).content.decode()


def test_a_manager_who_steps_down_loses_the_link(manager_client, organisation, manager):
    MembershipFactory(organisation=organisation, role=Membership.Role.MANAGER)
    mine = Membership.objects.get(user=manager)
    manager_client.post(
        reverse("organisations:member_role", args=[organisation.pk, mine.pk]), {"role": "learner"}
    )
    assert LINK not in manager_client.get(reverse("home")).content.decode()
