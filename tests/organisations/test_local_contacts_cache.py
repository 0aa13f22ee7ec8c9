"""The cached boxes stay right when a change commits while a page is reading them (a miss never overwrites a
refresh), and the certificate email reads the database, not a process's own copy of the cache."""

from __future__ import annotations

import pytest

from organisations import local_contacts, services
from organisations.models import LocalContact
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _create(organisation, actor, **values):
    values = {
        "label": "Designated safeguarding person",
        "phone": "020 7946 0000",
        "when_to_use": "Tell them the same day about any worry.",
        **values,
    }
    return services.local_contact_create(organisation=organisation, actor=actor, **values)


def _labels(user) -> list[list[str]]:
    return [[c.label for c in box.contacts] for box in local_contacts.boxes_for_user(user)]


def test_a_page_that_read_the_old_box_does_not_overwrite_the_refresh_of_a_change(
    organisation, manager, learner, monkeypatch
):
    _create(organisation, manager)
    load = local_contacts._load_organisations
    raced = []

    def load_then_a_change_commits(ids):
        found = load(ids)  # the page has read the old box, and before it writes it to the cache...
        if not raced:
            raced.append(True)
            LocalContact.objects.update(label="Duty manager")
            local_contacts.refresh_organisation_box(organisation.pk)  # ...the change's on-commit refresh
        return found

    monkeypatch.setattr(local_contacts, "_load_organisations", load_then_a_change_commits)
    assert _labels(learner) == [["Designated safeguarding person"]]  # this page: what it read
    assert _labels(learner) == [["Duty manager"]]  # every page after it: the change


def test_a_page_that_read_the_old_memberships_does_not_overwrite_the_refresh_of_a_join(
    organisation, other_organisation, manager, other_manager, learner, monkeypatch
):
    _create(organisation, manager)
    _create(other_organisation, other_manager, label="Duty manager")
    load = local_contacts._load_user_organisation_ids
    raced = []

    def load_then_a_join_commits(user_id):
        found = load(user_id)
        if not raced:
            raced.append(True)
            MembershipFactory(organisation=other_organisation, user=learner)
            local_contacts.refresh_user_organisations(learner.pk)
        return found

    monkeypatch.setattr(local_contacts, "_load_user_organisation_ids", load_then_a_join_commits)
    assert _labels(learner) == [["Designated safeguarding person"]]
    assert sorted(_labels(learner)) == [["Designated safeguarding person"], ["Duty manager"]]


def test_the_certificate_email_reads_the_boxes_from_the_database_not_the_cache(
    organisation, other_organisation, manager, other_manager, learner, django_assert_num_queries
):
    """The worker's cache may be its own (no Redis): changes the web process refreshed never reach it."""
    _create(organisation, manager)
    _create(other_organisation, other_manager, label="Duty manager")
    assert _labels(learner) == [["Designated safeguarding person"]]  # now in the cache
    LocalContact.objects.filter(organisation=organisation).update(label="Out of hours")  # no refresh here
    MembershipFactory(organisation=other_organisation, user=learner)
    with django_assert_num_queries(2):
        (section,) = local_contacts.certificate_email_sections(learner=learner)
    assert "Out of hours" in section.text and "Designated safeguarding person" not in section.text
    assert "Duty manager" in section.text and "Duty manager" in section.html
