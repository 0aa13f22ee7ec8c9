"""LTI Dynamic Registration (1EdTech LTI-DR 1.0), the tool side: an LMS admin pastes our one-off URL, the
LMS opens it with its OpenID configuration, and we register with each other.

Uses django-lti-dynamic-registration's registration types; the HTTP calls are ours (timeouts, no prints)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import requests
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from lti_dynamic_registration.types import LmsLtiRegistration, LmsLtiToolConfiguration, LtiMessage
from lti_tool.models import LtiDeployment, LtiRegistration

from .ags import SCORE_SCOPE
from .keys import tool_key_ensure
from .models import DeploymentBinding, RegistrationInvite

TIMEOUT_SECONDS = 15
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = [SCORE_SCOPE, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"]


class RegistrationFailed(Exception):
    """Shown to the LMS admin: what went wrong, in words."""


class _Message(LtiMessage):
    def to_dict(self) -> dict[str, Any]:  # the add-on's version iterates the dict's keys, not its items
        return {k: v for k, v in self.__dict__.items() if v}


def invite_create(*, organisation, pathway=None, days: int = 7) -> RegistrationInvite:
    return RegistrationInvite.objects.create(
        organisation=organisation, pathway=pathway, expires_at=timezone.now() + dt.timedelta(days=days)
    )


def invite_usable(token: str) -> RegistrationInvite | None:
    return (
        RegistrationInvite.objects.select_related("organisation")
        .filter(token=token, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def _openid_configuration(url: str, registration_token: str) -> dict:
    if not url.startswith(("https://", "http://")):
        raise RegistrationFailed(gettext("The LMS sent an OpenID configuration address we cannot use."))
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        response = requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False)
        response.raise_for_status()
        config = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationFailed(
            gettext("We could not read the LMS's OpenID configuration (%(error)s).")
            % {"error": type(exc).__name__}
        ) from exc
    needed = ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"]
    if not isinstance(config, dict) or any(not isinstance(config.get(k), str) for k in needed):
        raise RegistrationFailed(gettext("The LMS's OpenID configuration is missing required fields."))
    if not url.startswith(config["issuer"]):  # LTI-DR 3.5.1: the configuration URL is under the issuer
        raise RegistrationFailed(gettext("The LMS's OpenID configuration does not belong to its issuer."))
    return config


def registration_complete(
    *,
    invite: RegistrationInvite,
    openid_configuration_url: str,
    registration_token: str,
    urls: dict[str, str],
) -> LtiRegistration:
    """Fetch the platform's configuration, register our tool there, and record the platform here with an
    active deployment bound to the invite's organisation. `urls`: absolute jwks, login
    (with {uuid}), launch."""
    config = _openid_configuration(openid_configuration_url, registration_token)
    tool_key_ensure()
    reg_uuid = uuid.uuid4()
    launch_url = urls["launch"]
    domain = launch_url.split("/")[2]
    payload = LmsLtiRegistration(
        client_name="CSE awareness training",
        jwks_uri=urls["jwks"],
        initiate_login_uri=urls["login"].format(uuid=reg_uuid),
        target_link_uri=launch_url,
        scopes=SCOPES,
        lti_tool_configuration=LmsLtiToolConfiguration(
            domain=domain,
            target_link_uri=launch_url,
            claims=["iss", "sub", "name", "given_name", "family_name", "email"],
            messages=[_Message(type="LtiResourceLinkRequest", label="CSE awareness training")],
            description="Child sexual exploitation awareness training, with certificates.",
        ),
    ).to_dict()
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        response = requests.post(
            config["registration_endpoint"], json=payload, headers=headers, timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        answer = response.json()
        client_id = str(answer["client_id"])
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise RegistrationFailed(
            gettext("The LMS did not accept our registration (%(error)s).") % {"error": type(exc).__name__}
        ) from exc
    tool_conf = answer.get(TOOL_CONFIGURATION) or {}
    deployment_id = str(tool_conf.get("deployment_id") or "") if isinstance(tool_conf, dict) else ""
    platform = config.get(PLATFORM_CONFIGURATION) or {}
    platform_name = platform.get("product_family_code") or config["issuer"]
    try:
        with transaction.atomic():
            invite = RegistrationInvite.objects.select_for_update().get(pk=invite.pk)
            if invite.used_at is not None:
                raise RegistrationFailed(gettext("This registration link was already used."))
            registration = LtiRegistration.objects.create(
                name=f"{invite.organisation.name}: {platform_name}"[:255],
                uuid=reg_uuid,
                issuer=config["issuer"],
                client_id=client_id,
                auth_url=config["authorization_endpoint"],
                token_url=config["token_endpoint"],
                keyset_url=config["jwks_uri"],
            )
            if deployment_id:
                deployment = LtiDeployment.objects.create(
                    registration=registration, deployment_id=deployment_id, is_active=True
                )
                DeploymentBinding.objects.create(
                    deployment=deployment, organisation=invite.organisation, pathway=invite.pathway
                )
            invite.used_at = timezone.now()
            invite.registration = registration
            invite.save(update_fields=["used_at", "registration"])
    except IntegrityError as exc:  # this LMS (issuer, client id) is registered here already
        raise RegistrationFailed(
            gettext(
                "This learning platform is already registered with us under the same client id. Ask us to "
                "connect the existing registration to your organisation instead."
            )
        ) from exc
    return registration
