"""Django's own words on our account pages (password rules, form labels and errors), marked here so that
makemessages gathers them into our catalogue: Django's Welsh catalogue lacks most of them (issue 21), and ours
is searched first (LOCALE_PATHS). The msgids must stay exactly as Django 5.2 writes them. Never called."""

from django.utils.translation import gettext_noop, ngettext


def _django_strings() -> None:  # pragma: no cover - only read by xgettext
    gettext_noop("Your password can’t be too similar to your other personal information.")
    gettext_noop("The password is too similar to the %(verbose_name)s.")
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        0,
    )
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        0,
    )
    gettext_noop("Your password can’t be a commonly used password.")
    gettext_noop("This password is too common.")
    gettext_noop("Your password can’t be entirely numeric.")
    gettext_noop("This password is entirely numeric.")
    gettext_noop("Enter the same password as before, for verification.")
    gettext_noop("The two password fields didn’t match.")
    gettext_noop("Password")
    gettext_noop("Password confirmation")
    gettext_noop("Email")
    gettext_noop("Enter a valid email address.")
    gettext_noop("This field is required.")
    gettext_noop("Old password")
    gettext_noop("New password")
    gettext_noop("New password confirmation")
    gettext_noop("Your old password was entered incorrectly. Please enter it again.")
