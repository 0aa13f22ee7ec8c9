"""UK phone numbers for organisations' local contacts: check, store (E.164), show grouped, and refuse the
guide's own numbers so that a local contact can never be one of them under another label."""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext

# Every number the guide gives (and the course repeats). They are shown only as the guide gives them, in the
# guide's routes; an organisation's contact must be its own number.
GUIDE_SHORT_NUMBERS = {"999": "999", "101": "101", "116000": "116000"}
GUIDE_FULL_NUMBERS = {"+442920536490": "02920 536490"}

MAX_INPUT = 40
# Calls to these cost more than a normal call (09…, 084…, 087…): not for a learner at the moment of worry.
COSTLY_TYPES = {phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.SHARED_COST}


class PhoneError(ValueError):
    """A phone number we will not store; the message is written for the manager."""


def _digits(raw: str) -> str:
    return re.sub(r"\D", "", raw)


def guide_number(raw: str) -> str | None:
    """The guide's number this input is (as the guide writes it), or None."""
    digits = _digits(raw)
    for prefix in ("0044", "44"):
        if raw.strip().startswith(("+", "00")) and digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    if digits in GUIDE_SHORT_NUMBERS:
        return GUIDE_SHORT_NUMBERS[digits]
    normalised = _parse(raw)
    if normalised is not None:
        e164 = phonenumbers.format_number(normalised, phonenumbers.PhoneNumberFormat.E164)
        return GUIDE_FULL_NUMBERS.get(e164)
    return None


def _parse(raw: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None


def phone_normalise(raw: str) -> str:
    """The number in E.164 (+44…), or PhoneError saying what is wrong."""
    raw = (raw or "").strip()
    if not raw:
        raise PhoneError(gettext("Enter a phone number."))
    if len(raw) > MAX_INPUT or re.search(r"[^0-9+()\-.\s]", raw):
        raise PhoneError(
            gettext(
                "Enter a UK phone number using only digits, spaces and a leading +44, like 020 7946 0000."
            )
        )
    same = guide_number(raw)
    if same is not None:
        raise PhoneError(
            gettext(
                "%(number)s is one of the guide's numbers. Learners already see it where the guide gives it, "
                "with the guide's words. Enter your organisation's own number."
            )
            % {"number": same}
        )
    number = _parse(raw)
    if number is None or not phonenumbers.is_valid_number_for_region(number, "GB"):
        raise PhoneError(
            gettext("Enter a full UK phone number with its area code, like 020 7946 0000 or 0161 496 0000.")
            if number is None or number.country_code == 44
            else gettext("Enter a UK phone number. Numbers outside the UK cannot be used here.")
        )
    if phonenumbers.number_type(number) in COSTLY_TYPES:
        raise PhoneError(
            gettext(
                "%(number)s costs more than a normal call (09, 084 and 087 numbers). Enter a number "
                "learners can call at the normal rate, like 020 7946 0000."
            )
            % {"number": phone_display(raw)}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """Grouped the way UK numbers are written: 020 7946 0000, 0161 496 0000, 07700 900982."""
    number = _parse(e164)
    if number is None:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_tel(e164: str) -> str:
    """The tel: link target (RFC 3966)."""
    return f"tel:{e164}"
