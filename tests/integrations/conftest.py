"""Fixtures for the LMS integration tests: a real LTI 1.3 platform on its own port, registered with the tool
served by pytest-django's live server."""

from __future__ import annotations

import pytest
import requests

from tests.integrations.lti_platform import LtiPlatform, launch_form


@pytest.fixture
def platform():
    lms = LtiPlatform()
    yield lms
    lms.stop()


@pytest.fixture
def organisation(db):
    from organisations.models import Organisation

    return Organisation.objects.create(name="Vale Fostering", kind=Organisation.Kind.FOSTERING)


def register(live_server, platform, organisation, pathway=None) -> requests.Response:
    """What an LMS admin does: paste our one-off URL into the LMS, which opens it with its configuration."""
    from integrations.registration import invite_create

    invite = invite_create(organisation=organisation, pathway=pathway)
    return requests.get(
        f"{live_server.url}/lti/register/{invite.token}/",
        params={
            "openid_configuration": platform.openid_configuration_url,
            "registration_token": platform.registration_token,
        },
        timeout=30,
    )


@pytest.fixture
def registered(live_server, platform, organisation, sample_course):
    pathway = sample_course.pathways.get(slug="taxi-drivers")
    response = register(live_server, platform, organisation, pathway)
    assert response.status_code == 200, response.text[:500]
    return platform


def launch_page(
    session: requests.Session, platform, *, user="lms-user-1", name="Sam Lee", email="sam@example.org"
):
    """The learner clicks the link in the LMS: platform → our OIDC login → platform's authorisation endpoint,
    which answers with the auto-submitting form carrying the id_token."""
    page = session.get(platform.start_url(user=user, name=name, email=email), timeout=30)
    assert page.status_code == 200, page.text[:500]
    return launch_form(page.text)


def launch(session: requests.Session, platform, **who) -> requests.Response:
    action, fields = launch_page(session, platform, **who)
    return session.post(action, data=fields, allow_redirects=False, timeout=30)
