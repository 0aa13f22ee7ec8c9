"""An LTI 1.3 resource-link launch: validate it (django-lti / pylti1p3 plus our replay check), then sign the
LMS learner in, linked by (platform, deployment, `sub`), in the deployment's organisation, on their course.

Who may call it: `views_lti`."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from lti_tool.models import LtiDeployment, LtiLaunch
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch
from pylti1p3.exception import LtiException

from accounts import two_factor
from accounts.names import normalise_name
from courses import services as course_services
from courses.models import Course, Pathway
from organisations.services.members import membership_add

from . import grades
from .ags import SCORE_SCOPE
from .models import DeploymentBinding, LineItemLink, LtiIdentity, UsedNonce

log = logging.getLogger(__name__)
User = get_user_model()

CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
NONCE_KEEP = dt.timedelta(days=2)  # longer than any id_token lives


class LaunchRefused(Exception):
    """A launch we will not act on; `message` is shown to the person, `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class LaunchResult:
    user: object
    course: Course | None
    enrolled: bool
    frame_origin: str


def launch_validate(request) -> LtiLaunch:
    """Everything the id_token must pass: state (cookie or cache), the nonce we issued at login, issuer and
    audience (a registered client), signature against the platform's JWKS, `exp` and `iat` required and
    checked, a known deployment, a valid message; then the nonce is spent, so a replay is refused."""
    if not request.POST.get("id_token") or not request.POST.get("state"):
        raise LaunchRefused(gettext("This page is opened from your learning platform (LMS), not directly."))
    message_launch = DjangoMessageLaunch(
        request, DjangoToolConfig(), launch_data_storage=DjangoCacheDataStorage()
    )
    message_launch.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})
    try:
        message_launch.validate()
    except LtiException as exc:
        log.info("LTI launch refused: %s", exc)
        raise LaunchRefused(
            gettext(
                "We could not accept this launch from your learning platform. Go back to it and open the "
                "course again; if this keeps happening, ask your LMS administrator to check the tool's "
                "set-up."
            )
        ) from exc
    except Exception as exc:  # malformed tokens make the JWT and JSON libraries raise many types
        log.info("LTI launch refused: %s: %s", type(exc).__name__, exc)
        raise LaunchRefused(
            gettext("This launch could not be read. Go back to your learning platform and try again.")
        ) from exc
    launch = LtiLaunch(message_launch)
    body = launch.get_launch_data()
    _nonce_spend(f"lti:{body.get('iss')}:{body.get('nonce')}")
    if not launch.is_resource_launch:
        raise LaunchRefused(
            gettext("This kind of LTI message is not supported: add the tool as a resource link.")
        )
    return launch


def _nonce_spend(value: str) -> None:
    digest = hashlib.sha256(value.encode()).hexdigest()
    try:
        with transaction.atomic():
            UsedNonce.objects.create(value=digest)
    except IntegrityError as exc:
        raise LaunchRefused(
            gettext("This launch was already used. Go back to your learning platform and open it again.")
        ) from exc


def used_nonces_prune() -> int:
    deleted, _ = UsedNonce.objects.filter(used_at__lt=timezone.now() - NONCE_KEEP).delete()
    return deleted


def _binding(deployment: LtiDeployment) -> DeploymentBinding:
    binding = (
        DeploymentBinding.objects.select_related("organisation", "pathway__course")
        .filter(deployment=deployment)
        .first()
    )
    if binding is None or not deployment.is_active:
        raise LaunchRefused(
            gettext(
                "This course link in your learning platform is not connected to an organisation yet. Ask "
                "your LMS administrator to give us its deployment id (%(id)s) so we can connect it."
            )
            % {"id": deployment.deployment_id},
            status=403,
        )
    return binding


SECOND_STEP_REFUSAL = gettext_lazy(
    "This account manages an organisation or runs the site, so it must sign in with two-step verification. "
    "It cannot be opened from a learning platform: sign in on this site directly."
)


def _text_claim(body: dict, claim: str) -> str:
    value = body.get(claim)
    return value if isinstance(value, str) else ""


def _name_from(body: dict) -> str:
    parts = [_text_claim(body, "given_name"), _text_claim(body, "family_name")]
    name = normalise_name(_text_claim(body, "name") or " ".join(filter(None, parts)))
    return name[:120] or "Learner"


def _free_email(email: str, user_id: int | None) -> bool:
    return bool(email) and not User.objects.filter(email__iexact=email).exclude(pk=user_id).exists()


def _learner(deployment: LtiDeployment, body: dict) -> tuple[LtiIdentity, object]:
    """Our account for (deployment, sub): made on the first launch, name and email updated from the claims.
    An email already used by another account is never taken over (that account is not linked)."""
    sub = str(body.get("sub") or "")
    if not sub:
        raise LaunchRefused(
            gettext("Your learning platform did not say who you are (no user id in the launch).")
        )
    name = _name_from(body)
    email = str(body.get("email") or "").strip().lower()[:254]
    identity = LtiIdentity.objects.select_related("user").filter(deployment=deployment, sub=sub).first()
    if identity is None:
        digest = hashlib.sha256(f"{deployment.pk}:{sub}".encode()).hexdigest()[:24]
        user = User.objects.create_user(
            email=email if _free_email(email, None) else f"lti-{digest}@lti.invalid",
            password=None,
            certificate_name=name,
            email_verified_at=None,  # the LMS says so; we have not checked it (see README)
        )
        identity = LtiIdentity.objects.create(deployment=deployment, sub=sub, user=user)
        return identity, user
    user = identity.user
    changed = []
    if name != "Learner" and user.certificate_name != name:
        user.certificate_name = name
        changed.append("certificate_name")
    if email and user.email != email and _free_email(email, user.pk):
        user.email, user.email_verified_at = email, None
        changed += ["email", "email_verified_at"]
    if changed:
        user.save(update_fields=changed)
    return identity, user


def _course_and_pathway(binding: DeploymentBinding, custom: dict) -> tuple[Course | None, Pathway | None]:
    course_slug, pathway_slug = str(custom.get("course") or ""), str(custom.get("pathway") or "")
    course = Course.objects.filter(slug=course_slug).first() if course_slug else None
    if course_slug and course is None:
        raise LaunchRefused(
            gettext("The course in this link (%(slug)s) does not exist here.") % {"slug": course_slug[:80]},
            status=404,
        )
    if course is None and binding.pathway is not None:
        course = binding.pathway.course
    if course is None:
        course = Course.objects.order_by("id").first()
    if course is None:
        return None, None
    pathway = None
    if pathway_slug:
        pathway = Pathway.objects.filter(course=course, slug=pathway_slug).first()
        if pathway is None:
            raise LaunchRefused(
                gettext("The role in this link (%(slug)s) is not one of this course's.")
                % {"slug": pathway_slug[:80]},
                status=404,
            )
    elif binding.pathway is not None and binding.pathway.course_id == course.pk:
        pathway = binding.pathway
    return course, pathway


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} and parts.netloc else ""


def launch_sign_in(*, launch: LtiLaunch) -> LaunchResult:
    """Make or update the learner, put them in the organisation, enrol them when the pathway is known and
    record the line item their grades go to. Atomic: a refused launch changes nothing."""
    body = launch.get_launch_data()
    deployment = launch.deployment
    binding = _binding(deployment)
    custom = body.get(CUSTOM) or {}
    try:
        with transaction.atomic():
            course, pathway = _course_and_pathway(binding, custom if isinstance(custom, dict) else {})
            identity, user = _learner(deployment, body)
            if not user.is_active:
                raise LaunchRefused(
                    gettext("This account is switched off. Ask your organisation's manager."), 403
                )
            if two_factor.user_must_use(user):
                raise LaunchRefused(SECOND_STEP_REFUSAL, 403)
            membership_add(organisation=binding.organisation, user=user)
            enrolled = False
            if pathway is not None:
                course_services.enrolment_create(learner=user, pathway=pathway)
                enrolled = True
            ags = body.get(AGS) or {}
            if (
                course is not None
                and isinstance(ags, dict)
                and str(ags.get("lineitem") or "").startswith(("https://", "http://"))
                and SCORE_SCOPE in (ags.get("scope") or [])
            ):
                LineItemLink.objects.update_or_create(
                    identity=identity,
                    lineitem_url=str(ags["lineitem"])[:1000],
                    defaults={"user": user, "course": course, "scopes": list(ags.get("scope") or [])},
                )
                transaction.on_commit(partial(grades.line_items_hint_set, user_id=user.pk))
    except IntegrityError as exc:  # the same learner launching twice at once: the other one made the account
        raise LaunchRefused(
            gettext("Please open the course again from your learning platform."), status=409
        ) from exc
    return LaunchResult(
        user=user,
        course=course,
        enrolled=enrolled,
        frame_origin=_origin(binding.deployment.registration.auth_url),
    )
