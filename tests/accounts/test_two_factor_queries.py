"""Query counts of the new sign-in pages, pinned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organisations.models import Membership
from tests.elearning.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import give_totp, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    user = UserFactory(certificate_name="Mona Manager")
    MembershipFactory(organisation=OrganisationFactory(), user=user, role=Membership.Role.MANAGER)
    return user


def _count(client, url, django_assert_num_queries, n):
    client.get(url)  # warm: the session's first write, template caches
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


def test_manage_page(client, manager, django_assert_num_queries):
    login_verified(client, manager)
    # user, app?, passkeys, recovery codes (device, count), required (is a manager), resets; the session is
    # read from the cache
    _count(client, reverse("accounts:two_factor"), django_assert_num_queries, 6)


def test_verify_page(client, manager, django_assert_num_queries):
    give_totp(manager)
    client.force_login(manager)
    # user, the first device found (the app), passkey?
    _count(client, reverse("accounts:two_factor_verify"), django_assert_num_queries, 3)


def test_setup_page(client, manager, django_assert_num_queries):
    client.force_login(manager)
    _count(client, reverse("accounts:two_factor_setup"), django_assert_num_queries, 6)


def test_sso_start_page(client, django_assert_num_queries):
    _count(client, reverse("sso:start"), django_assert_num_queries, 0)
