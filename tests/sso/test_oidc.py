"""Organisation sign-in against a real, independent OpenID Connect provider (django-oauth-toolkit in its own
process, tests/sso/provider.py): discovery, the code flow with PKCE, state and nonce, id_tokens tampered with
or for another client, unverified email claims and domains not allowed: refused, and nothing created."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from organisations.models import Membership
from sso import oidc
from sso.models import OrganisationSSO, SSOIdentity
from tests.elearning.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.two_factor import give_totp, totp_code

from .conftest import REDIRECT_URI, idp_log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(oidc_provider):
    organisation = OrganisationFactory(name="Cardiff Council")
    config = OrganisationSSO(
        organisation=organisation,
        issuer=oidc_provider.issuer,
        client_id="rp-a",
        allowed_domains="cardiff.gov.uk",
    )
    config.set_client_secret(oidc_provider.clients["rp-a"])
    config.save()
    return config


def _start(client, email="alice@cardiff.gov.uk"):
    response = client.post(reverse("sso:start"), {"email": email, "next": "/certificates/"})
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def _nothing_created():
    assert not User.objects.exists()
    assert not SSOIdentity.objects.exists()
    assert not Membership.objects.exists()


def test_discovery_reads_the_providers_document(oidc_provider):
    meta = oidc.discovery(oidc_provider.issuer)
    assert meta["issuer"] == oidc_provider.issuer
    assert meta["authorization_endpoint"].startswith(oidc_provider.issuer)
    assert "S256" in meta.get("code_challenge_methods_supported", ["S256"])
    assert meta["jwks_uri"]


def test_a_person_signs_in_and_joins_the_organisation_just_in_time(client, council):
    authorize = _start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and query["client_id"] == ["rp-a"]
    assert query["login_hint"] == ["alice@cardiff.gov.uk"]
    back = idp_log_in(authorize, "alice")
    response = client.get(back)
    assert response.status_code == 302 and response["Location"] == "/certificates/"
    user = User.objects.get(email="alice@cardiff.gov.uk")
    assert user.certificate_name == "Alice Adams" and user.email_verified and not user.has_usable_password()
    assert Membership.objects.get(user=user).organisation == council.organisation
    identity = SSOIdentity.objects.get(user=user)
    assert identity.issuer == council.issuer
    assert client.get(reverse("accounts:profile")).status_code == 200
    # The next sign-in finds the same account by (issuer, sub).
    client.post(reverse("logout"))
    assert client.get(idp_log_in(_start(client), "alice")).status_code == 302
    assert User.objects.count() == 1 and SSOIdentity.objects.count() == 1


def test_an_existing_account_is_linked_by_a_verified_email(client, council):
    carol = UserFactory(email="carol@cardiff.gov.uk")
    client.get(idp_log_in(_start(client, "carol@cardiff.gov.uk"), "carol"))
    assert SSOIdentity.objects.get().user == carol
    assert client.session["_auth_user_id"] == str(carol.pk)


def test_an_unverified_email_never_links_to_an_existing_account(client, council):
    bob = UserFactory(email="bob@cardiff.gov.uk")
    response = client.get(idp_log_in(_start(client, "bob@cardiff.gov.uk"), "bob"))
    assert response.status_code == 400 and b"has not confirmed your email address" in response.content
    assert not SSOIdentity.objects.exists() and not Membership.objects.filter(user=bob).exists()
    assert "_auth_user_id" not in client.session


def test_an_unverified_email_creates_nothing(client, council):
    response = client.get(idp_log_in(_start(client, "mallory@cardiff.gov.uk"), "mallory"))
    assert response.status_code == 400
    _nothing_created()


def test_a_domain_not_allowed_is_refused_and_nothing_created(client, council):
    # The address typed matched the council, but the provider says it is someone from elsewhere.
    response = client.get(idp_log_in(_start(client, "olly@cardiff.gov.uk"), "outsider"))
    assert response.status_code == 400 and b"is not one Cardiff Council signs in here" in response.content
    _nothing_created()
    unknown = client.post(reverse("sso:start"), {"email": "someone@nowhere.example"})
    assert unknown.status_code == 200 and b"does not sign in here" in unknown.content


def test_a_tampered_or_replayed_state_is_refused(client, council):
    back = idp_log_in(_start(client), "alice")
    tampered = back.replace("state=", "state=x")
    assert client.get(tampered).status_code == 400
    assert client.get(back).status_code == 400  # the flow was used up by the failed try: start again
    _nothing_created()


def test_a_nonce_that_does_not_match_is_refused(client, council):
    back = idp_log_in(_start(client), "alice")
    session = client.session
    session["sso_flow"]["nonce"] = "not-the-nonce-we-sent"
    session.save()
    response = client.get(back)
    assert response.status_code == 400 and b"could not be checked" in response.content
    _nothing_created()


def test_pkce_the_provider_refuses_a_code_without_the_right_verifier(client, council):
    back = idp_log_in(_start(client), "alice")
    session = client.session
    session["sso_flow"]["verifier"] = "a" * 64
    session.save()
    response = client.get(back)
    assert response.status_code == 400 and b"refused the sign-in" in response.content
    _nothing_created()


def _real_id_token(oidc_provider, client_id: str) -> tuple[str, str]:
    """An id_token the provider really issued to `client_id`, and its nonce."""
    config = OrganisationSSO(
        issuer=oidc_provider.issuer, client_id=client_id, allowed_domains="cardiff.gov.uk"
    )
    config.set_client_secret(oidc_provider.clients[client_id])
    flow = oidc.authorization(config, redirect_uri=REDIRECT_URI)
    back = idp_log_in(flow.url, "alice")
    code = parse_qs(urlsplit(back).query)["code"][0]
    token = oidc.exchange_code(config, code=code, code_verifier=flow.code_verifier, redirect_uri=REDIRECT_URI)
    return token, flow.nonce


def test_the_id_token_checks(oidc_provider, council):
    token, nonce = _real_id_token(oidc_provider, "rp-a")
    claims = oidc.verify_id_token(council, id_token=token, nonce=nonce)
    assert claims["email"] == "alice@cardiff.gov.uk" and claims["aud"] == "rp-a"
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["email"] = "boss@cardiff.gov.uk"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    with pytest.raises(oidc.OIDCError):  # a claim changed: the signature no longer matches
        oidc.verify_id_token(council, id_token=f"{header}.{forged}.{signature}", nonce=nonce)
    with pytest.raises(oidc.OIDCError):  # unsigned ("alg": "none")
        none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
        oidc.verify_id_token(council, id_token=f"{none_header}.{payload}.", nonce=nonce)
    with pytest.raises(oidc.OIDCError):
        oidc.verify_id_token(council, id_token=token, nonce="another-nonce")


def test_an_id_token_for_another_client_is_refused(oidc_provider, council):
    token, nonce = _real_id_token(oidc_provider, "rp-b")
    with pytest.raises(oidc.OIDCError):
        oidc.verify_id_token(council, id_token=token, nonce=nonce)


def test_client_secrets_are_stored_encrypted(council, oidc_provider):
    stored = OrganisationSSO.objects.values_list("client_secret_encrypted", flat=True).get()
    assert oidc_provider.clients["rp-a"] not in stored
    assert OrganisationSSO.objects.get().client_secret == oidc_provider.clients["rp-a"]


def test_client_secret_from_the_environment(council, monkeypatch):
    monkeypatch.setenv("CARDIFF_OIDC_SECRET", "from-env")
    council.client_secret_env = "CARDIFF_OIDC_SECRET"
    assert council.client_secret == "from-env"


def test_members_of_an_sso_only_organisation_cannot_use_a_password(client, council):
    member = UserFactory(email="dave@cardiff.gov.uk")
    MembershipFactory(organisation=council.organisation, user=member)
    council.password_login_allowed = False
    council.save()
    response = client.post(
        reverse("login"), {"username": member.email, "password": "correct-horse-battery-1"}
    )
    assert response.status_code == 200 and "Continue with your organisation" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_set_it_up_in_the_admin_with_the_secret_encrypted(admin_client, oidc_provider):
    organisation = OrganisationFactory(name="Newport Schools")
    response = admin_client.post(
        reverse("admin:sso_organisationsso_add"),
        {
            "organisation": organisation.pk,
            "enabled": "on",
            "issuer": oidc_provider.issuer,
            "client_id": "rp-a",
            "client_secret": "typed-secret-123",
            "client_secret_env": "",
            "allowed_domains": "newport.sch.uk, schools.newport.gov.uk",
            "password_login_allowed": "on",
        },
    )
    assert response.status_code == 302, response.content[:800]
    config = OrganisationSSO.objects.get(organisation=organisation)
    assert "typed-secret-123" not in config.client_secret_encrypted
    assert config.client_secret == "typed-secret-123"
    assert config.domains == {"newport.sch.uk", "schools.newport.gov.uk"}
    page = admin_client.get(reverse("admin:sso_organisationsso_change", args=[config.pk])).content.decode()
    assert "typed-secret-123" not in page and config.client_secret_encrypted not in page


def test_an_unconfirmed_account_loses_its_password_factors_and_sessions_when_linked(client, council):
    squatter = UserFactory(email="carol@cardiff.gov.uk", email_verified_at=None)  # signed up first
    give_totp(squatter)
    their_session = Client()
    their_session.force_login(squatter)
    response = client.get(idp_log_in(_start(client, "carol@cardiff.gov.uk"), "carol"))
    assert response.status_code == 302 and response["Location"] == "/certificates/"
    squatter.refresh_from_db()
    assert not squatter.has_usable_password() and squatter.email_verified
    assert not TOTPDevice.objects.filter(user=squatter).exists()
    assert SSOIdentity.objects.get().user == squatter
    assert client.session["_auth_user_id"] == str(squatter.pk)
    assert their_session.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))
    old_password = {"username": "carol@cardiff.gov.uk", "password": "correct-horse-battery-1"}
    assert Client().post(reverse("login"), old_password).status_code == 200  # the form again, not a log-in


def test_a_staff_account_is_never_linked_to_an_organisations_provider(client, council):
    staff = UserFactory(email="carol@cardiff.gov.uk", is_staff=True)
    response = client.get(idp_log_in(_start(client, "carol@cardiff.gov.uk"), "carol"))
    assert response.status_code == 400 and b"staff account" in response.content
    assert not SSOIdentity.objects.exists() and not Membership.objects.filter(user=staff).exists()
    assert "_auth_user_id" not in client.session
    # Linked before being made staff: refused too.
    staff.is_staff = False
    staff.save()
    client.get(idp_log_in(_start(client, "carol@cardiff.gov.uk"), "carol"))
    client.post(reverse("logout"))
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    response = client.get(idp_log_in(_start(client, "carol@cardiff.gov.uk"), "carol"))
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_an_account_with_a_second_factor_still_passes_the_second_step(client, council):
    carol = UserFactory(email="carol@cardiff.gov.uk")
    device = give_totp(carol)
    response = client.get(idp_log_in(_start(client, "carol@cardiff.gov.uk"), "carol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert "_auth_user_id" not in client.session  # the organisation's sign-in alone logged nobody in
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("login"))
    assert client.get(response["Location"]).status_code == 200
    done = client.post(
        reverse("accounts:two_factor_verify"), {"code": totp_code(device), "next": "/certificates/"}
    )
    assert done["Location"] == "/certificates/"
    assert client.session["_auth_user_id"] == str(carol.pk)
