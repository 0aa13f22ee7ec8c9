"""The OpenID Connect relying party, with authlib: discovery, the authorisation code flow with PKCE (S256),
state and nonce, and the id_token checked against the provider's published keys (signature, iss, aud, azp,
exp, iat, nonce). Nothing here trusts the browser: the code is exchanged server to server."""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

# authlib 1.x warns on importing authlib.jose (to be replaced by joserfc in authlib 2.0; still supported in
# 1.x, which pyproject pins). The warning went to stderr of every manage.py command; keep it out of there.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")
    from authlib.jose import JsonWebKey, JsonWebToken
    from authlib.oidc.core import CodeIDToken

from .models import OrganisationSSO

TIMEOUT = 10
DISCOVERY_SECONDS = 60 * 60
# Asymmetric signatures only: never "none", never HS256 (which a client secret could forge).
_JWT = JsonWebToken(["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"])


class OIDCError(Exception):
    """The sign-in cannot go on; the message is safe to show."""


@dataclass(frozen=True)
class Flow:
    url: str
    state: str
    nonce: str
    code_verifier: str


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OIDCError(_("Your organisation's sign-in service did not answer. Try again later.")) from exc


def discovery(issuer: str) -> dict:
    issuer = issuer.rstrip("/")
    key = f"sso:discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        document = _get_json(f"{issuer}/.well-known/openid-configuration")
        if document.get("issuer", "").rstrip("/") != issuer:  # OpenID Connect Discovery 1.0, section 4.3
            raise OIDCError(_("Your organisation's sign-in service is not set up as we expect."))
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def authorization(config: OrganisationSSO, *, redirect_uri: str, login_hint: str = "") -> Flow:
    meta = discovery(config.issuer)
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), generate_token(64)
    session = OAuth2Session(config.client_id, scope="openid email profile", redirect_uri=redirect_uri)
    url, _ = session.create_authorization_url(
        meta["authorization_endpoint"],
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
        **({"login_hint": login_hint} if login_hint else {}),
    )
    return Flow(url=url, state=state, nonce=nonce, code_verifier=verifier)


def exchange_code(config: OrganisationSSO, *, code: str, code_verifier: str, redirect_uri: str) -> str:
    """The id_token for the code (with the PKCE verifier and the client's secret)."""
    meta = discovery(config.issuer)
    session = OAuth2Session(
        config.client_id,
        config.client_secret,
        redirect_uri=redirect_uri,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name, not a secret
    )
    try:
        token = session.fetch_token(
            meta["token_endpoint"], code=code, code_verifier=code_verifier, timeout=TIMEOUT
        )
    except Exception as exc:  # authlib raises OAuthError, requests its own: all mean no token
        raise OIDCError(_("Your organisation's sign-in service refused the sign-in. Try again.")) from exc
    id_token = token.get("id_token")
    if not id_token:
        raise OIDCError(_("Your organisation's sign-in service sent no identity."))
    return id_token


def verify_id_token(config: OrganisationSSO, *, id_token: str, nonce: str) -> dict:
    meta = discovery(config.issuer)
    keys = JsonWebKey.import_key_set(_get_json(meta["jwks_uri"]))
    options = {
        "iss": {"essential": True, "value": meta["issuer"]},
        "aud": {"essential": True, "value": config.client_id},
        "sub": {"essential": True},
        "nonce": {"essential": True},
    }
    try:
        claims = _JWT.decode(
            id_token,
            keys,
            claims_cls=CodeIDToken,
            claims_options=options,
            claims_params={"nonce": nonce, "client_id": config.client_id},
        )
        claims.validate(leeway=60)
    except Exception as exc:  # authlib's and joserfc's JoseError, ValueError on bad base64/JSON: all refuse
        raise OIDCError(
            _("The identity from your organisation's sign-in service could not be checked.")
        ) from exc
    return dict(claims)
