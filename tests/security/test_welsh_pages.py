"""Issue 21: every page of the service in Welsh. Each GET URL of the authorisation matrix is fetched in Welsh
by each role that may see it, and its visible text must hold none of the common English words of the UI.

The matrix's course is the English-only sample course; here every translated field of every row gets a
Welsh text first, so what is left in English on a page is the page's own furniture. Text marked
`lang="en"` (the guide's title, the "English" link, names that stay English) and the people's and
organisations' own data are not UI and are left out."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser

import pytest
from modeltranslation.translator import translator

from tests.security.test_authorisation_matrix import ROLES, rows, world  # noqa: F401  (world: a fixture)
from tests.two_factor import login_verified

pytestmark = pytest.mark.django_db

# Whole words, case-sensitive: common English words of pages, forms and messages that Welsh text never uses.
ENGLISH = [
    "the",
    "and",
    "you",
    "your",
    "You",
    "Your",
    "This",
    "this",
    "with",
    "for",
    "from",
    "are",
    "not",
    "have",
    "has",
    "will",
    "can",
    "what",
    "What",
    "when",
    "When",
    "here",
    "Here",
    "there",
    "There",
    "Log",
    "Sign",
    "Create",
    "account",
    "Continue",
    "Submit",
    "Back",
    "Start",
    "Next",
    "Previous",
    "Download",
    "Check",
    "Save",
    "Cancel",
    "Delete",
    "Remove",
    "Change",
    "Search",
    "Send",
    "Invite",
    "Members",
    "member",
    "Certificates",
    "certificate",
    "Certificate",
    "course",
    "Course",
    "courses",
    "unit",
    "Unit",
    "units",
    "quiz",
    "Quiz",
    "question",
    "Question",
    "Password",
    "password",
    "Email",
    "email",
    "Name",
    "Details",
    "details",
    "Problem",
    "problem",
    "error",
    "Error",
    "page",
    "Page",
    "found",
    "valid",
    "expired",
    "revoked",
    "attempts",
    "passed",
    "Passed",
    "complete",
    "Complete",
    "Due",
    "due",
    "Overdue",
    "Manager",
    "manager",
    "Organisation",
    "organisation",
    "Skip",
]
ENGLISH_RE = re.compile(r"(?<![\w'’-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w'’-])")
STORY_TEXTS = ("heading", "text", "why", "feedback", "alt")


class _VisibleText(HTMLParser):
    """Text a reader sees, without scripts, styles and anything marked lang="en"."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "area", "base", "col", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is its text left out?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        hidden = (
            bool(self.stack and self.stack[-1])
            or tag in ("script", "style")
            or dict(attrs).get("lang") == "en"
        )
        self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _welsh_for_everything() -> None:
    """A Welsh text in every translated field of every row (the sample course has English only)."""
    number = 0
    for model in translator.get_registered_models(abstract=False):
        fields = translator.get_options_for_model(model).local_fields
        for row in model._base_manager.all():
            changes = {}
            for name in fields:
                english = getattr(row, f"{name}_en")
                number += 1
                if name == "steps":
                    steps = copy.deepcopy(english or [])
                    for step in steps:
                        for item in [step, *step.get("choices", [])]:
                            for key in STORY_TEXTS:
                                if item.get(key):
                                    item[key] = f"Testun Cymraeg {number} {key}"
                    changes[f"{name}_cy"] = steps
                elif isinstance(english, list):
                    changes[f"{name}_cy"] = [f"Eitem Gymraeg {number}.{i}" for i, _ in enumerate(english)]
                elif english:
                    changes[f"{name}_cy"] = f"Testun Cymraeg {number}"
            if changes:
                model._base_manager.filter(pk=row.pk).update(**changes)


def _people_and_places(w) -> list[str]:
    """Data the pages show as it is: names, addresses, organisations' names (factories make them English)."""
    from accounts.models import User
    from certificates.models import Certificate
    from organisations.models import LocalContact, Organisation

    data = [u.certificate_name for u in User.objects.all()] + [u.email for u in User.objects.all()]
    data += [o.name for o in Organisation.objects.all()]
    # An organisation's own contacts, as its manager wrote them; a certificate's titles, in its language.
    data += [t for c in LocalContact.objects.all() for t in (c.label, c.name, c.when_to_use)]
    data += [t for row in Certificate.objects.all() for t in (row.course_title, row.pathway_title)]
    return sorted({d for d in data if d}, key=len, reverse=True)


def test_every_page_in_welsh_shows_no_english_ui(client, world):  # noqa: F811
    _welsh_for_everything()
    data = _people_and_places(world)
    table = rows(world)
    failures = []
    pages = 0
    for index, role in enumerate(ROLES):
        for name, (method, path, _data, expected) in table.items():
            if method != "get" or expected[index] != 200:
                continue
            if role != "anonymous":
                login_verified(client, world.users[role])
            client.cookies["language"] = "cy"
            response = client.get(path)
            client.logout()
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            html = response.content.decode()
            if '<html lang="cy"' not in html:
                failures.append(f"{role} {name}: not marked lang=cy")
            text = visible_text(html)
            for item in data:
                text = text.replace(item, " ")
            found = sorted(set(ENGLISH_RE.findall(text)))
            if found:
                at = ENGLISH_RE.search(text).start()
                failures.append(f"{role} {name} {path}: {found} … {text[max(0, at - 60) : at + 60]!r}")
    assert pages > 40
    assert not failures, f"{len(failures)} Welsh page(s) with English:\n" + "\n".join(failures)
