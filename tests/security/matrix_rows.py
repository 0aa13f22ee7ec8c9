"""Rows of the authorisation matrix (tests/security/test_authorisation_matrix.py) for the sign-in pages
(two-step verification, passkeys, organisation single sign-on), the LMS integrations and the item analysis:
URL name -> (method, path, data, expected outcome for anonymous, learner, other learner, staff)."""

from __future__ import annotations

from django.urls import reverse

LOGIN = "login"  # a redirect to the log-in page


def sign_in_rows(w) -> dict[str, tuple[str, str, dict, tuple]]:
    return {
        # Two-step verification (the learner manages the council; both they and staff must keep it on).
        "accounts:two_factor": ("get", reverse("accounts:two_factor"), {}, (LOGIN, 200, 200, 200)),
        "accounts:two_factor_setup": (
            "get",
            reverse("accounts:two_factor_setup"),
            {},
            (LOGIN, 200, 200, 200),
        ),
        # Verified sessions go on to `next`; anonymous with no password step pending go to log in.
        "accounts:two_factor_verify": (
            "get",
            reverse("accounts:two_factor_verify"),
            {},
            (LOGIN, 302, 302, 302),
        ),
        "accounts:two_factor_recovery_codes": (
            "post",
            reverse("accounts:two_factor_recovery_codes"),
            {},
            (LOGIN, 200, 200, 200),
        ),
        "accounts:two_factor_turn_off": (
            "post",
            reverse("accounts:two_factor_turn_off"),
            {},
            (LOGIN, 400, 302, 400),  # only a learner may turn it off
        ),
        # Passkey ceremonies (JSON): anonymous with no password step pending are refused; an empty body is
        # a bad request, never a 500.
        "otp_webauthn:credential-registration-begin": (
            "post",
            reverse("otp_webauthn:credential-registration-begin"),
            {},
            (403, 200, 200, 200),
        ),
        "otp_webauthn:credential-registration-complete": (
            "post",
            reverse("otp_webauthn:credential-registration-complete"),
            {},
            (403, 400, 400, 400),
        ),
        "otp_webauthn:credential-authentication-begin": (
            "post",
            reverse("otp_webauthn:credential-authentication-begin"),
            {},
            (401, 200, 200, 200),
        ),
        "otp_webauthn:credential-authentication-complete": (
            "post",
            reverse("otp_webauthn:credential-authentication-complete"),
            {},
            (401, 400, 400, 400),
        ),
        "otp_webauthn:js-i18n-catalog": (
            "get",
            reverse("otp_webauthn:js-i18n-catalog"),
            {},
            (200, 200, 200, 200),
        ),
        # Organisation sign-in: the start page is public; a callback with no sign-in started is refused.
        "sso:start": ("get", reverse("sso:start"), {}, (200, 200, 200, 200)),
        "sso:callback": ("get", reverse("sso:callback"), {"state": "x", "code": "y"}, (400, 400, 400, 400)),
    }


def lms_and_analysis_rows(w) -> dict[str, tuple[str, str, dict, tuple]]:
    o = w.council.pk
    return {
        # LMS integrations: the LTI and SCORM endpoints answer everyone alike (a launch is proved by its
        # token, not a session); the SCORM package pages only to the organisation's managers.
        "integrations:lti_jwks": ("get", reverse("integrations:lti_jwks"), {}, (200, 200, 200, 200)),
        "integrations:lti_login": (
            "get",
            reverse("integrations:lti_login", args=["2f1c6f8e-0000-4000-8000-000000000000"]),
            {},
            (400, 400, 400, 400),
        ),
        "integrations:lti_launch": ("post", reverse("integrations:lti_launch"), {}, (400, 400, 400, 400)),
        "integrations:lti_register": (
            "get",
            reverse("integrations:lti_register", args=["no-such-token"]),
            {},
            (404, 404, 404, 404),
        ),
        "integrations:scorm_packages": (
            "get",
            reverse("integrations:scorm_packages", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "integrations:scorm_package_download": (
            "get",
            reverse("integrations:scorm_package_download", args=[o, w.scorm_package.pk]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "integrations:scorm_package_withdraw": (
            "post",
            reverse("integrations:scorm_package_withdraw", args=[o, w.scorm_package.pk]),
            {},
            (LOGIN, 302, 404, 404),
        ),
        "integrations:scorm_session": (
            "post",
            reverse("integrations:scorm_session"),
            {},
            (404, 404, 404, 404),
        ),
        "integrations:scorm_status": ("get", reverse("integrations:scorm_status"), {}, (400, 400, 400, 400)),
        "integrations:scorm_launch": ("get", reverse("integrations:scorm_launch"), {}, (400, 400, 400, 400)),
        # Item analysis: staff everywhere; a manager for their organisation, and across organisations when
        # it commissions; nobody else (404, like every manager page).
        "analysis:staff": ("get", reverse("analysis:staff"), {}, (LOGIN, 404, 404, 200)),
        "analysis:staff_csv": ("get", reverse("analysis:staff_csv"), {}, (LOGIN, 404, 404, 200)),
        "analysis:organisation": (
            "get",
            reverse("analysis:organisation", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "analysis:organisation_csv": (
            "get",
            reverse("analysis:organisation_csv", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "analysis:commissioner": (
            "get",
            reverse("analysis:commissioner", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
        "analysis:commissioner_csv": (
            "get",
            reverse("analysis:commissioner_csv", args=[o]),
            {},
            (LOGIN, 200, 404, 404),
        ),
    }
