"""A learner's own account: licence or badge number on the profile, "download my data" as JSON, and deleting
the account with their password (certificates they earned survive and still verify)."""

import json
from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.models import User
from certificates import api as certificates_api
from certificates import services as certificate_services
from certificates.credentials.models import IssuedCredential
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Enrolment
from organisations.models import Membership, Organisation
from quizzes.models import Attempt
from tests.certificates.helpers import complete_enrolment
from tests.courses.factories import CourseFactory, PathwayFactory, UnitFactory
from tests.quizzes.factories import QuizFactory, make_single

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(user):
    """The user completed a one-quiz course, holds an issued certificate and belongs to an organisation."""
    course = CourseFactory(title="CSE awareness")
    pathway = PathwayFactory(course=course, title="Taxi drivers")
    quiz_unit = UnitFactory(course=course, order=1, completed_by_quiz=True)
    make_single(QuizFactory(unit=quiz_unit), correct_key="a")
    enrolment = complete_enrolment(course_services.enrolment_create(learner=user, pathway=pathway))
    certificate = Certificate.objects.get(enrolment=enrolment)
    certificate_services.certificate_issue(certificate_id=certificate.pk)
    organisation = Organisation.objects.create(name="Cardiff Council", kind=Organisation.Kind.LICENSING)
    Membership.objects.create(
        organisation=organisation, user=user, email=user.email, joined_at=user.date_joined
    )
    certificate.refresh_from_db()
    return SimpleNamespace(enrolment=enrolment, certificate=certificate, organisation=organisation)


# Licence or badge number ---------------------------------------------------------------------------------


def test_the_profile_has_the_licence_number_form(learner_client):
    html = learner_client.get(reverse("accounts:profile")).content.decode()
    assert "Licence or badge number (optional)" in html
    assert f'action="{reverse("accounts:licence")}"' in html
    assert "Download your data (JSON)" in html and "Delete your account" in html


def test_a_licence_number_is_saved_in_a_standard_form(learner_client, user):
    response = learner_client.post(reverse("accounts:licence"), {"licence_number": " ph 12-34 "})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.licence_number == "PH1234"
    assert "PH1234" in learner_client.get(reverse("accounts:profile")).content.decode()


def test_a_licence_number_can_be_removed(learner_client, user):
    user.licence_number = "PH1234"
    user.save()
    learner_client.post(reverse("accounts:licence"), {"licence_number": ""})
    user.refresh_from_db()
    assert user.licence_number == ""


def test_a_licence_number_without_letters_or_digits_is_refused(learner_client, user):
    response = learner_client.post(reverse("accounts:licence"), {"licence_number": "--- "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_licence_number"' in html
    user.refresh_from_db()
    assert user.licence_number == ""


def test_a_too_long_licence_number_is_refused(learner_client, user):
    response = learner_client.post(reverse("accounts:licence"), {"licence_number": "X" * 41})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.licence_number == ""


# Download my data -----------------------------------------------------------------------------------------


def test_download_my_data_has_everything_about_me_and_nothing_about_others(
    learner_client, user, trained, other_user
):
    user.licence_number = "PH1234"
    user.save()
    course_services.enrolment_create(learner=other_user, pathway=trained.enrolment.pathway)
    response = learner_client.get(reverse("accounts:data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["account"]["licence_number"] == "PH1234"
    assert [c["pathway"] for c in data["courses"]] == ["Taxi drivers"]
    assert len(data["courses"][0]["units_completed"]) == 1
    attempt = Attempt.objects.get(enrolment=trained.enrolment)
    assert data["quiz_attempts"][0]["score_percent"] == attempt.score
    assert data["quiz_attempts"][0]["answers"][0]["correct"] is True
    assert data["certificates"] == [
        {
            "code": trained.certificate.code,
            "course": "CSE awareness",
            "pathway": "Taxi drivers",
            "name_on_certificate": user.certificate_name,
            "issued_on": trained.certificate.issued_on.isoformat(),
            "expires_on": trained.certificate.expires_on.isoformat(),
            "course_version": "1.0",
            "status": "valid",
            "cpd_minutes_stated": trained.certificate.cpd_minutes,
            "cpd_stated_as": "time spent" if trained.certificate.cpd_is_time_spent else "declared CPD time",
            "time_spent_minutes": trained.certificate.time_spent_minutes,
            "open_badges_credential_id": IssuedCredential.objects.get(
                certificate=trained.certificate
            ).credential_id,
        }
    ]
    assert data["courses"][0]["declared_cpd_minutes"] == trained.enrolment.course.cpd_minutes
    assert "time_spent_minutes" in data["courses"][0]
    assert data["organisations"][0]["organisation"] == "Cardiff Council"
    assert other_user.email not in response.content.decode()


def test_download_my_data_needs_log_in(client):
    response = client.get(reverse("accounts:data_download"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Delete my account ---------------------------------------------------------------------------------------


def test_the_delete_page_explains_what_happens(learner_client):
    html = learner_client.get(reverse("accounts:delete")).content.decode()
    assert "This cannot be undone." in html
    assert "anyone who checks one will be told that its" in html


def test_a_wrong_password_deletes_nothing(learner_client, user):
    response = learner_client.post(reverse("accounts:delete"), {"password": "not-my-password"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "The password is not right." in html
    assert User.objects.filter(pk=user.pk).exists()


def test_no_password_deletes_nothing(learner_client, user):
    response = learner_client.post(reverse("accounts:delete"), {})
    assert response.status_code == 400
    assert "Enter your password to delete your account." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_the_account_removes_me_and_keeps_my_certificates(learner_client, user, password, trained):
    code = trained.certificate.code
    response = learner_client.post(reverse("accounts:delete"), {"password": password})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Enrolment.objects.exists() and not Attempt.objects.exists()
    assert not Membership.objects.exists()
    certificate = Certificate.objects.get(code=code)
    assert certificate.learner_id is None and certificate.enrolment_id is None
    # The certificates app marks it (its deletion step): it still verifies, without the holder's name.
    assert certificates_api.certificate_verification_status(code=code) == "holder-removed"
    assert learner_client.get(reverse("accounts:profile")).status_code == 302  # logged out
    assert "Your account has been deleted." in learner_client.get(reverse("home")).content.decode()


def test_a_deleted_holders_certificate_verifies_as_holder_removed(
    learner_client, user, password, trained, client
):
    name = user.certificate_name
    learner_client.post(reverse("accounts:delete"), {"password": password})
    response = client.get(reverse("certificates:verify_code", args=[trained.certificate.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "holder removed" in html.lower()
    assert name not in html


def test_deleting_needs_log_in(client):
    response = client.post(reverse("accounts:delete"), {"password": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
