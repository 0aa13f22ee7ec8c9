"""A revoked member shows no expiry date (the certificate is not valid), on the dashboard, the member page,
the licence look-up and in the CSV."""

import pytest
from django.urls import reverse

from organisations.models import Organisation
from tests.two_factor import login_verified

from .factories import OrganisationFactory
from .helpers import member_in_state
from .test_dashboard import csv_url, read_csv

pytestmark = pytest.mark.django_db


def test_a_revoked_member_shows_no_expiry(manager_client, organisation, course):
    revoked = member_in_state(
        organisation, course, "revoked", certificate_name="Rob Revoked", expires_in=900
    )
    valid = member_in_state(organisation, course, "valid", certificate_name="Val Valid")
    revoked_expiry = revoked.user.certificates.get().expires_on
    valid_expiry = valid.user.certificates.get().expires_on

    html = manager_client.get(reverse("organisations:dashboard", args=[organisation.pk])).content.decode()
    assert f"{valid_expiry:%-d %b %Y}" in html
    assert revoked_expiry != valid_expiry
    assert f"{revoked_expiry:%-d %b %Y}" not in html
    row = html.split("Rob Revoked", 1)[1].split("</tr>", 1)[0]
    assert "Certificate expires: </span>–" in row

    page = reverse("organisations:member", args=[organisation.pk, revoked.pk])
    member_html = manager_client.get(page).content.decode()
    assert f"{revoked_expiry:%-d %b %Y}" not in member_html

    rows = {r["Name"]: r for r in read_csv(manager_client.get(csv_url(organisation)))}
    assert rows["Rob Revoked"]["Expires on"] == ""
    assert rows["Rob Revoked"]["Certificate code"]  # still listed, so it can be checked
    assert rows["Val Valid"]["Expires on"] == valid_expiry.isoformat()


def test_the_licence_look_up_shows_no_expiry_for_a_revoked_certificate(client, course):
    from .factories import MembershipFactory
    from .helpers import PASSWORD

    council = OrganisationFactory(kind=Organisation.Kind.LICENSING)
    manager = MembershipFactory(organisation=council, role="manager", user__password=PASSWORD).user
    revoked = member_in_state(council, course, "revoked", licence_number="PH777", expires_in=900)
    login_verified(client, manager)
    lookup = reverse("organisations:lookup", args=[council.pk])
    html = client.get(lookup, {"number": "PH777"}).content.decode()
    assert "Certificate revoked" in html
    assert "Certificate expires" not in html
    assert revoked.user.certificate_name in html
