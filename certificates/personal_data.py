"""The certificates section of "download my data"."""

from __future__ import annotations

from accounts.personal_data import iso as _iso

from . import selectors


def personal_data_certificates(user) -> list[dict]:
    from .credentials.models import IssuedCredential

    credentials = dict(
        IssuedCredential.objects.filter(certificate__learner=user).values_list(
            "certificate_id", "credential_id"
        )
    )
    return [
        {
            "code": certificate.code,
            "course": certificate.course_title,
            "pathway": certificate.pathway_title,
            "name_on_certificate": certificate.holder_name,
            "issued_on": _iso(certificate.issued_on),
            "expires_on": _iso(certificate.expires_on),
            "course_version": certificate.version_label,
            "status": certificate.verification_status(),
            # Honest time: the declared CPD time, or the time actually spent when that was under the share.
            "cpd_minutes_stated": certificate.cpd_minutes,
            "cpd_stated_as": "time spent" if certificate.cpd_is_time_spent else "declared CPD time",
            "time_spent_minutes": certificate.time_spent_minutes,
            # The Open Badges credential issued with it (the file itself is on "Your certificates").
            "open_badges_credential_id": credentials.get(certificate.pk),
        }
        for certificate in selectors.certificate_list_for_learner(learner=user)
    ]
