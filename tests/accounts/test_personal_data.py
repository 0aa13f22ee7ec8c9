"""The registry apps fill from their AppConfig.ready: data-download sections, deletion checks and deletion
steps, run in a fixed order however the user row is deleted."""

import pytest

from accounts import personal_data, services
from accounts.models import User
from tests.elearning.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_app_registers_its_own_section_in_installed_apps_order():
    expected = ["account", "courses", "quiz_attempts", "certificates", "organisations", "lms_links"]
    assert personal_data.sections() == expected


def test_deletion_steps_run_in_their_explicit_order():
    assert personal_data.deletion_steps() == [
        "certificates.holder_removed",
        "credentials.holder_removed",
        "organisations.forget",
    ]


def test_a_new_apps_section_check_and_step_need_no_change_to_accounts(monkeypatch):
    ran: list[str] = []
    monkeypatch.setitem(personal_data._SECTIONS, "extra", lambda user: {"email": user.email})
    monkeypatch.setitem(
        personal_data._DELETION_STEPS, "a.first", personal_data._Step(5, "a.first", lambda u: ran.append("a"))
    )
    monkeypatch.setitem(
        personal_data._DELETION_STEPS, "z.last", personal_data._Step(99, "z.last", lambda u: ran.append("z"))
    )
    monkeypatch.setitem(personal_data._DELETION_CHECKS, "extra", lambda user: ["Not yet."])
    user = UserFactory()

    assert personal_data.personal_data_for(user=user)["extra"] == {"email": user.email}
    with pytest.raises(services.AccountDeletionRefused) as refused:
        services.user_delete(user=user)
    assert refused.value.reasons == ["Not yet."]
    assert ran == [] and User.objects.filter(pk=user.pk).exists()

    monkeypatch.delitem(personal_data._DELETION_CHECKS, "extra")
    User.objects.get(pk=user.pk).delete()  # not through the service: the steps still run
    assert ran == ["a", "z"]
