"""The Bitstring Status List (W3C): one bit per credential, set when its certificate is revoked or its holder
deleted their account; published as a signed credential at /credentials/status/<n>.

The list is built from the database, signed, and kept in the cache for a short while (dropped at once when a
certificate is revoked or a holder removed); HTTP caches may keep it for the rest of
CREDENTIAL_STATUS_MAX_AGE.
So a revocation reaches every verifier within CREDENTIAL_STATUS_MAX_AGE seconds (300 by default)."""

from __future__ import annotations

import base64
import gzip
import secrets
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse

from certificates.models import Certificate

from .models import IssuedCredential

LIST_BITS = 131072  # 16 KB, the smallest list the spec allows (herd privacy); indices are drawn at random
FILL_LIMIT = LIST_BITS // 2  # past half full, new credentials go on the next list
CACHE_KEY = "credentials:status-list:{number}"
HIGHEST_KEY = "credentials:status-list:highest"


def status_list_url(number: int) -> str:
    return settings.SITE_URL + reverse("credentials:status_list", kwargs={"number": number})


def status_entry(*, number: int, index: int) -> dict:
    url = status_list_url(number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def allocate(*, taken: set[int] | None = None) -> tuple[int, int]:
    """A free (list, index) at random on the newest list that is not too full. The unique constraint is the
    real guard against two concurrent picks of the same bit; the caller retries on IntegrityError. Two
    queries: the newest list with its count, then whether the drawn bit is free (a list's used bits are not
    read: up to 65,536 of them on every issue)."""
    newest = (
        IssuedCredential.objects.values("status_list")
        .annotate(used=Count("status_index"))  # in the index with status_list: an index-only scan
        .order_by("-status_list")
        .first()
    )
    number = newest["status_list"] if newest else 1
    if newest and newest["used"] >= FILL_LIMIT:
        number += 1
        transaction.on_commit(partial(cache.delete, HIGHEST_KEY))  # a new list: publish it
    taken = taken or set()
    while True:
        index = secrets.randbelow(LIST_BITS)
        if index in taken:
            continue
        if not IssuedCredential.objects.filter(status_list=number, status_index=index).exists():
            return number, index
        taken.add(index)


def revoked_indices(number: int) -> list[int]:
    withdrawn = Q(certificate__status=Certificate.Status.REVOKED) | Q(
        certificate__holder_removed_at__isnull=False
    )
    return list(
        IssuedCredential.objects.filter(withdrawn, status_list=number).values_list("status_index", flat=True)
    )


def encode_bits(indices: list[int], *, size: int = LIST_BITS) -> str:
    """GZIP the bitstring (index 0 is the left-most bit of the first byte) and encode it base64url without
    padding, with the multibase prefix "u", as the spec's encodedList."""
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str) -> bytes:
    text = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def bit_is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def server_cache_seconds() -> int:
    return max(1, min(60, settings.CREDENTIAL_STATUS_MAX_AGE // 5))


def http_cache_seconds() -> int:
    """What HTTP caches may add on top of our own cached copy, so the two never exceed the stated time."""
    return max(0, settings.CREDENTIAL_STATUS_MAX_AGE - server_cache_seconds())


def status_list_jwt(number: int) -> str:
    key = CACHE_KEY.format(number=number)
    token = cache.get(key)
    if token is None:
        from .signing import sign_status_list

        url = status_list_url(number)
        token = sign_status_list(
            url=url,
            encoded_list=encode_bits(revoked_indices(number)),
            ttl_seconds=settings.CREDENTIAL_STATUS_MAX_AGE,
        )
        cache.set(key, token, timeout=server_cache_seconds())
    return token


def highest_list_number() -> int:
    """The highest status list in use (1 when there is none yet), cached: the public list URL is checked
    against it without a query. A credential that opens a new list drops the cached value (allocate)."""
    highest = cache.get(HIGHEST_KEY)
    if highest is None:
        highest = IssuedCredential.objects.aggregate(highest=Max("status_list"))["highest"] or 1
        cache.set(HIGHEST_KEY, highest, timeout=settings.CREDENTIAL_STATUS_MAX_AGE)
    return highest


def list_exists(number: int) -> bool:
    return 1 <= number <= highest_list_number()


def invalidate(numbers: list[int] | None = None) -> None:
    for number in numbers or range(1, highest_list_number() + 1):
        cache.delete(CACHE_KEY.format(number=number))


def invalidate_on_commit() -> None:
    transaction.on_commit(partial(invalidate, None))


def certificate_saved(sender, instance: Certificate, **kwargs) -> None:
    """post_save of a Certificate: a revocation must show on the list at once."""
    if (
        instance.status == Certificate.Status.REVOKED
        and IssuedCredential.objects.filter(certificate_id=instance.pk).exists()
    ):
        invalidate_on_commit()


def holder_removed(user) -> int:
    """Account deletion (after certificates marked the holder removed): wipe the stored credentials, which
    name the holder; their bits are set from now on. Returns how many were wiped."""
    wiped = IssuedCredential.objects.filter(certificate__learner=user).update(document={}, jwt="")
    if wiped:
        invalidate_on_commit()
    return wiped
