"""Issuing the credential of a certificate: once, under the certificate's row lock, inside the issue task's
transaction (certificates.services.certificate_issue), so it follows the same outbox rules as the PDF: a
retried, repeated or concurrent run finds it recorded and does nothing; a run that fails rolls it back."""

from __future__ import annotations

import json
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates.models import Certificate

from .document import build_credential, valid_until
from .keys import SigningKey, signing_key
from .models import IssuedCredential
from .signing import sign_credential
from .status import allocate, status_entry

ISSUABLE = (Certificate.Status.PENDING, Certificate.Status.FAILED, Certificate.Status.ISSUED)


def credential_ensure(certificate: Certificate, *, locked: bool = False) -> IssuedCredential | None:
    """The certificate's credential, created (and signed) the first time. None for a certificate that must not
    have one (revoked, or its holder removed). Locks the certificate row for the rest of the transaction.
    `locked`: the caller holds that lock and read `certificate` under it (select_related its learner, course
    and pathway), so the row is neither read nor locked again."""
    if locked:
        return _ensure(certificate)
    with transaction.atomic():
        return _ensure(
            Certificate.objects.select_for_update(of=("self",))
            .select_related("learner", "course", "pathway")
            .get(pk=certificate.pk)
        )


def _ensure(locked: Certificate) -> IssuedCredential | None:
    # Read after the lock is held, not joined to the locking read: on PostgreSQL a read that waited for the
    # lock sees the locked row as it is now but joined rows as they were before it waited, so a credential
    # made meanwhile by the run that held the lock would look missing (and be made twice).
    try:
        return locked.credential  # one query, unless the caller knows it and read it with select_related
    except IssuedCredential.DoesNotExist:
        pass
    if locked.status not in ISSUABLE or locked.holder_removed_at is not None:
        return None
    key = signing_key()
    taken: set[int] = set()
    # From when the certificate was issued (a credential made later, on the first download or email of an
    # older certificate, still starts then), and never after it ends.
    valid_from = min(locked.issued_at or timezone.now(), valid_until(locked))
    for _attempt in range(20):
        number, index = allocate(taken=taken)
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        document = build_credential(
            locked,
            credential_id=credential_id,
            status_entry=status_entry(number=number, index=index),
            valid_from=valid_from,
        )
        try:
            with transaction.atomic():
                return IssuedCredential.objects.create(
                    certificate=locked,
                    credential_id=credential_id,
                    status_list=number,
                    status_index=index,
                    key_id=key.kid,
                    document=document,
                    jwt=sign_credential(document, key),
                )
        except IntegrityError:
            taken.add(index)  # another credential took that bit meanwhile: draw again
    raise RuntimeError("No free place on the status list after 20 draws.")


def credentials_resign(*, key_id: str, key: SigningKey | None = None) -> int:
    """Re-issue every credential signed with `key_id` (a retired key): the same credential (its id, dates and
    status bit unchanged) signed again with the current key. A credential wiped meanwhile (its holder deleted
    their account) stays wiped. Returns how many were re-signed."""
    key = key or signing_key()
    count = 0
    for record in IssuedCredential.objects.filter(key_id=key_id).exclude(jwt="").iterator():
        token = sign_credential(record.document, key)
        count += (
            IssuedCredential.objects.filter(pk=record.pk, key_id=key_id)
            .exclude(jwt="")
            .update(jwt=token, key_id=key.kid)
        )
    return count


def credential_files(credential: IssuedCredential, code: str) -> list[tuple[str, bytes, str]]:
    """(file name, content, MIME type): the signed .jwt (for a wallet or verifier) and the readable .json."""
    if not credential.jwt:
        return []
    return [
        (f"certificate-{code}.jwt", credential.jwt.encode("ascii"), "application/vc+jwt"),
        (f"certificate-{code}.json", pretty_json(credential.document).encode("utf-8"), "application/json"),
    ]


def pretty_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def credential_attachments(certificate: Certificate, *, locked: bool = False) -> list[tuple[str, bytes, str]]:
    """For the certificate email (certificates.services): the credential files, issuing it if it is missing
    (a certificate issued before credentials existed). `locked` as for credential_ensure."""
    credential = credential_ensure(certificate, locked=locked)
    return credential_files(credential, certificate.code) if credential else []
