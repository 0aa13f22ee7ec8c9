"""Public: the issuer's keys (did:web document, JWKS), the status list, checking a pasted or uploaded
credential. Learners: downloading their credential (.jwt, .json)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from certificates import selectors
from certificates.models import Certificate
from certificates.views import _limited, verify_rate

from . import keys, status
from .forms import CredentialCheckForm
from .issue import credential_ensure, pretty_json
from .verify import NotACredential, verify_text


def _public_json(document: dict, *, content_type: str = "application/json") -> HttpResponse:
    response = JsonResponse(document, content_type=content_type, json_dumps_params={"indent": 2})
    response["Cache-Control"] = f"public, max-age={keys.PUBLIC_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers fetch these from anywhere
    return response


@require_GET
def did_document(request: HttpRequest) -> HttpResponse:
    keys.signing_key()  # the first key exists before anyone asks for it
    return _public_json(keys.did_document(), content_type="application/did+json")


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    keys.signing_key()
    return _public_json(keys.public_key_set(), content_type="application/jwk-set+json")


@require_GET
def status_list(request: HttpRequest, number: int) -> HttpResponse:
    if not status.list_exists(number):
        raise Http404("No such status list.")
    response = HttpResponse(status.status_list_jwt(number), content_type="application/vc+jwt")
    response["Cache-Control"] = f"public, max-age={status.http_cache_seconds()}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_GET
def download(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    if kind not in ("jwt", "json"):
        raise Http404("No such file.")
    try:
        certificate = selectors.certificate_get_for_owner(code=code, learner=request.user)
    except Certificate.DoesNotExist as exc:
        raise Http404("No such certificate.") from exc
    if certificate.status != Certificate.Status.ISSUED:  # a revoked credential must not circulate either
        raise Http404("The certificate is not ready, or has been revoked.")
    credential = credential_ensure(certificate)
    if credential is None or not credential.jwt:
        raise Http404("No credential for this certificate.")
    if kind == "jwt":
        body, content_type = credential.jwt, "application/vc+jwt"
    else:
        body, content_type = pretty_json(credential.document), "application/json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=verify_rate, block=False, method="POST")
def check(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return _limited(request)
    posted = request.method == "POST"
    form = CredentialCheckForm(request.POST, request.FILES) if posted else CredentialCheckForm()
    verdict, status_code = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                verdict = verify_text(form.text)
            except NotACredential:
                form.add_error(
                    "credential",
                    gettext(
                        "This is not a credential we can read: paste the whole text of the .jwt or .json file"
                    ),
                )
        if verdict is None or verdict.state == "tampered":
            status_code = 400
        elif verdict.state == "not-ours":
            status_code = 404
    response = render(
        request,
        "credentials/check.html",
        {"form": CredentialCheckForm() if verdict else form, "verdict": verdict, "did": keys.issuer_did()},
        status=status_code,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
