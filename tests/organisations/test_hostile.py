"""Hostile input on managers' and joining pages: strict ids, emailed invitations only for their address,
invitation look-ups throttled per address."""

import pytest
from django.urls import reverse

from organisations.forms import parse_ids
from organisations.models import CertificateExport

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value", ["²", "٣", "9" * 4301, "9" * 20, "-1", "+1", " 1", "1 ", "0", "1.0", "\x00"]
)
def test_the_certificate_zip_export_refuses_odd_member_ids_without_a_500(manager_client, organisation, value):
    response = manager_client.post(
        reverse("organisations:export_create", args=[organisation.pk]), {"member": [value]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:dashboard", args=[organisation.pk])
    assert not CertificateExport.objects.exists()


def test_good_ids_still_make_an_export_and_odd_ones_beside_them_are_dropped(manager_client, organisation):
    member = MembershipFactory(organisation=organisation)
    response = manager_client.post(
        reverse("organisations:export_create", args=[organisation.pk]),
        {"member": ["²", str(member.pk), "9" * 30]},
    )
    assert response.status_code == 302
    assert CertificateExport.objects.get().membership_ids == [member.pk]


def test_parse_ids_keeps_only_plain_numbers():
    assert parse_ids(["1", "²", "02", "9223372036854775807", "9223372036854775808", "", "x"], limit=10) == [
        1,
        2,
        9223372036854775807,
    ]
    assert parse_ids([str(n) for n in range(1, 20)], limit=3) == [1, 2, 3, 4]
