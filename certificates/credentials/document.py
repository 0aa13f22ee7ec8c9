"""The Open Badges 3.0 OpenBadgeCredential for a certificate, as a plain dict (what gets signed).

Personal data: the holder's name (the name printed on the certificate) and a salted SHA-256 of their email
address (an OB 3.0 IdentityObject with `hashed: true`), never the address itself."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings

from certificates.models import Certificate

from .keys import issuer_did

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHEMA_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def valid_until(certificate: Certificate) -> dt.datetime:
    """Valid through the expiry date (local time): the credential ends at the next midnight."""
    next_day = certificate.expires_on + dt.timedelta(days=1)
    return dt.datetime.combine(next_day, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def identity_hash(identifier: str, salt: str) -> str:
    """OB 3.0 IdentityHash: 'sha256$' + hex SHA-256 of the identifier followed by the salt (UTF-8)."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def issuer_profile() -> dict:
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": settings.CREDENTIAL_ISSUER_NAME,
        "url": settings.SITE_URL,
    }


def achievement(certificate: Certificate) -> dict:
    version = certificate.version_label
    course_slug = certificate.course.slug
    pathway_slug = certificate.pathway.slug if certificate.pathway else certificate.pathway_title
    key = f"{settings.SITE_URL}/courses/{course_slug}/{pathway_slug}/{version}"
    achievement_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"
    cpd = (
        "the time actually spent on it" if certificate.cpd_is_time_spent else "the course's declared CPD time"
    )
    return {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": f"{certificate.course_title}: {certificate.pathway_title}",
        "description": (
            f"Completion of the course {certificate.course_title}, {certificate.pathway_title} pathway, "
            f"as the course stood at version {version}. CPD time: {certificate.cpd_minutes} minutes ({cpd})."
        ),
        "criteria": {
            "narrative": (
                f"The holder completed every unit of the {certificate.pathway_title} pathway: they passed "
                "the quiz at the end of each unit that has one, and read each unit that has none."
            )
        },
        "version": version,
        "humanCode": course_slug,
        "resultDescription": [
            {
                "id": f"{achievement_id}:cpd-minutes",
                "type": ["ResultDescription"],
                "name": "CPD time in minutes",
                "resultType": "ext:CPDMinutes",
            }
        ],
    }


def build_credential(
    certificate: Certificate, *, credential_id: str, status_entry: dict, valid_from: dt.datetime
) -> dict:
    the_achievement = achievement(certificate)
    identifiers = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": certificate.holder_name,
        }
    ]
    learner = certificate.learner
    if learner is not None and learner.email:
        salt = secrets.token_hex(16)
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": identity_hash(learner.email.strip().lower(), salt),
                "salt": salt,
            }
        )
    start, end = iso(valid_from), iso(valid_until(certificate))
    return {
        "@context": list(CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificate: {certificate.course_title}",
        "description": f"Certificate {certificate.display_code}, checkable at {settings.SITE_URL}/verify/.",
        "issuer": issuer_profile(),
        "validFrom": start,
        "validUntil": end,
        # The same dates by their VC 1.1 names, used by the first OB 3.0 release and its 1EdTech schema.
        "issuanceDate": start,
        "expirationDate": end,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": the_achievement,
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": the_achievement["resultDescription"][0]["id"],
                    "value": str(certificate.cpd_minutes),
                }
            ],
        },
        "credentialStatus": status_entry,
        "credentialSchema": [{"id": SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
    }
