"""The certificates section of "download my data"."""

from __future__ import annotations

from accounts.personal_data import iso as _iso

from . import selectors


def personal_data_certificates(user) -> list[dict]:
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
        }
        for certificate in selectors.certificate_list_for_learner(learner=user)
    ]
