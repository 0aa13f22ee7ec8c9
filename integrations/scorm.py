"""SCORM 1.2 dispatch: the package a manager uploads to their LMS, the signed expiring tokens it opens the
hosted course with, the link from an LMS learner to one account, and the status the package reports back.

Who may call it: `views_scorm`."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts import two_factor
from accounts.names import normalise_name
from courses import services as course_services
from courses.models import Course, Enrolment, Pathway, Unit, UnitProgress
from courses.progress import percent_done
from organisations.services.members import membership_add

from .lti_launch import LaunchRefused, _nonce_spend  # one spent-token table: LTI nonces, SCORM tokens
from .models import ScormDispatch, ScormLearner

User = get_user_model()
PACKAGE_FILES = Path(__file__).resolve().parent / "scorm_package"
LAUNCH_SALT = "integrations.scorm.launch"
STATUS_SALT = "integrations.scorm.status"


class ScormRefused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def origin_clean(raw: str) -> str:
    """'https://lms.example.org/some/page' → 'https://lms.example.org'; '' stays ''; anything else refused."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"https", "http"} or not parts.hostname or parts.username or parts.password:
        raise ValueError(
            gettext("Enter your LMS's address starting with https://, like https://lms.example.org")
        )
    return f"{parts.scheme}://{parts.netloc}".lower()


def dispatch_create(
    *, organisation, course: Course, pathway: Pathway | None, lms_origin: str, by
) -> ScormDispatch:
    if pathway is not None and pathway.course_id != course.pk:
        raise ValueError(gettext("That role is not one of this course's."))
    return ScormDispatch.objects.create(
        organisation=organisation,
        course=course,
        pathway=pathway,
        lms_origin=origin_clean(lms_origin),
        created_by=by,
    )


def dispatch_withdraw(*, dispatch: ScormDispatch) -> ScormDispatch:
    if dispatch.withdrawn_at is None:
        dispatch.withdrawn_at = timezone.now()
        dispatch.save(update_fields=["withdrawn_at"])
    return dispatch


def package_build(*, dispatch: ScormDispatch) -> bytes:
    """The zip: imsmanifest.xml at the root, the launch page, our SCORM API wrapper, its settings."""
    title = f"{dispatch.course.title} ({dispatch.organisation.name})"
    identifier = f"cse-{dispatch.pk}-{hashlib.sha256(dispatch.key.encode()).hexdigest()[:8]}"
    manifest = render_to_string("integrations/imsmanifest.xml", {"identifier": identifier, "title": title})
    config = {
        "site": settings.SITE_URL,
        "key": dispatch.key,
        "frame": bool(dispatch.lms_origin),
        "course": dispatch.course.title,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr("config.js", "window.CSE_DISPATCH = " + json.dumps(config, indent=2) + ";\n")
        for name in ("launch.html", "cse-scorm.js", "launch.css"):
            archive.write(PACKAGE_FILES / name, name)
    return buffer.getvalue()


def _dispatch_by_key(key: str) -> ScormDispatch:
    dispatch = (
        ScormDispatch.objects.select_related("organisation", "course", "pathway")
        .filter(key=key or "", withdrawn_at__isnull=True)
        .first()
    )
    if dispatch is None:
        raise ScormRefused(
            gettext("This course package no longer works. Ask your organisation's manager for a new one."),
            404,
        )
    return dispatch


def session_start(*, key: str, learner_id: str, learner_name: str, origin: str = "") -> dict[str, str]:
    """The package at launch: who the LMS says the learner is → a launch link (single use, minutes) and
    a status link (hours). Nothing is created until the launch link is opened.

    SCORM 1.2 has no signed launch: the learner id is only as trustworthy as the package key is secret. Where
    the manager gave the LMS's address, the browser's Origin header must be that address (a page elsewhere
    holding a leaked key is refused)."""
    dispatch = _dispatch_by_key(key)
    if dispatch.lms_origin and (origin or "").strip().rstrip("/").lower() != dispatch.lms_origin.lower():
        raise ScormRefused(
            gettext(
                "This course package only opens from the LMS it was made for. "
                "Ask your organisation's manager."
            ),
            403,
        )
    learner_id = (learner_id or "").strip()
    if not learner_id or len(learner_id) > 255:
        raise ScormRefused(gettext("The LMS did not give a learner id (cmi.core.student_id)."))
    claims = {"d": dispatch.pk, "l": learner_id, "n": (learner_name or "")[:255]}
    launch = signing.dumps(dict(claims, j=secrets.token_urlsafe(12)), salt=LAUNCH_SALT, compress=True)
    status = signing.dumps(claims, salt=STATUS_SALT, compress=True)
    return {
        "launch_url": f"{settings.SITE_URL}/scorm/launch/?t={launch}",
        "status_url": f"{settings.SITE_URL}/scorm/status/?t={status}",
    }


def _read(token: str, *, salt: str, max_age: int) -> dict:
    try:
        claims = signing.loads(token or "", salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ScormRefused(
            gettext("This link has expired. Close this window and open the course from your LMS again.")
        ) from exc
    except signing.BadSignature as exc:
        raise ScormRefused(gettext("This link is not valid. Open the course from your LMS again.")) from exc
    if not isinstance(claims, dict) or not {"d", "l", "n"} <= claims.keys():
        raise ScormRefused(gettext("This link is not valid. Open the course from your LMS again."))
    return claims


def _name(raw: str) -> str:
    """SCORM 1.2 gives 'Last, First'; certificates want 'First Last'."""
    name = normalise_name(raw)
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        name = f"{first} {last}".strip()
    return name[:120] or "Learner"


SECOND_STEP_REFUSAL = gettext_lazy(
    "This account manages an organisation or runs the site, so it must sign in with two-step verification. "
    "It cannot be opened from an LMS: sign in on this site directly."
)


@dataclass(frozen=True)
class ScormLaunch:
    user: object
    dispatch: ScormDispatch


def launch_sign_in(*, token: str) -> ScormLaunch:
    """Open the launch link: spend it, link the LMS learner to one account (made on first launch), put them in
    the organisation and on the course."""
    claims = _read(token, salt=LAUNCH_SALT, max_age=settings.SCORM_LAUNCH_TOKEN_SECONDS)
    dispatch = (
        ScormDispatch.objects.select_related("organisation", "course", "pathway")
        .filter(pk=claims["d"], withdrawn_at__isnull=True)
        .first()
    )
    if dispatch is None:
        raise ScormRefused(
            gettext("This course package no longer works. Ask your organisation's manager for a new one."),
            404,
        )
    with transaction.atomic():
        try:
            _nonce_spend(f"scorm:{claims.get('j')}")
        except LaunchRefused as exc:
            raise ScormRefused(
                gettext("This link was already used. Open the course from your LMS again.")
            ) from exc
        learner = (
            ScormLearner.objects.select_related("user")
            .filter(organisation=dispatch.organisation, lms_learner_id=claims["l"])
            .first()
        )
        if learner is None:
            digest = hashlib.sha256(f"{dispatch.organisation_id}:{claims['l']}".encode()).hexdigest()[:24]
            user = User.objects.create_user(
                email=f"scorm-{digest}@scorm.invalid", password=None, certificate_name=_name(claims["n"])
            )
            try:
                with transaction.atomic():
                    learner = ScormLearner.objects.create(
                        organisation=dispatch.organisation, lms_learner_id=claims["l"], user=user
                    )
            except IntegrityError as exc:
                raise ScormRefused(
                    gettext("Please try again: this learner was being set up at the same moment.")
                ) from exc
        user = learner.user
        if not user.is_active:
            raise ScormRefused(gettext("This account is switched off. Ask your organisation's manager."), 403)
        if two_factor.user_must_use(user):
            raise ScormRefused(SECOND_STEP_REFUSAL, 403)
        membership_add(organisation=dispatch.organisation, user=user)
        if dispatch.pathway is not None:
            course_services.enrolment_create(learner=user, pathway=dispatch.pathway)
    return ScormLaunch(user=user, dispatch=dispatch)


def status_for(*, token: str) -> dict[str, object]:
    """What the package writes to the LMS: lesson_status and score.raw as the course shows them
    ("N % done", 100 once complete; passed when the course has quizzes, else completed)."""
    claims = _read(token, salt=STATUS_SALT, max_age=settings.SCORM_STATUS_TOKEN_HOURS * 3600)
    dispatch = ScormDispatch.objects.filter(pk=claims["d"]).select_related("course").first()
    if dispatch is None:
        raise ScormRefused(gettext("Unknown package."), 404)
    learner = ScormLearner.objects.filter(
        organisation_id=dispatch.organisation_id, lms_learner_id=claims["l"]
    ).first()
    enrolment = None
    if learner is not None:
        # the open enrolment if there is one, else the latest completed one
        open_one = Enrolment.objects.filter(
            learner_id=learner.user_id, course_id=dispatch.course_id, completed_at__isnull=True
        ).first()
        enrolment = (
            open_one
            or Enrolment.objects.filter(learner_id=learner.user_id, course_id=dispatch.course_id)
            .order_by("-completed_at")
            .first()
        )
    if enrolment is None:
        return {"lesson_status": "not attempted", "score_raw": 0, "done": 0, "total": 0}
    total = Unit.objects.filter(course_id=dispatch.course_id).count()
    done = UnitProgress.objects.filter(enrolment=enrolment).count()
    percent = percent_done(done, total, completed=enrolment.completed_at is not None)
    if enrolment.completed_at is not None:
        has_quiz = Unit.objects.filter(course_id=dispatch.course_id, completed_by_quiz=True).exists()
        lesson_status = "passed" if has_quiz else "completed"
    else:
        lesson_status = "incomplete"
    return {"lesson_status": lesson_status, "score_raw": percent, "done": done, "total": total}
