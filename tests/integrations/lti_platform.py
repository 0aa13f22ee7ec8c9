"""An independent LTI 1.3 platform (the LMS side) for the integration tests, built on the `lti1p3platform`
package: OIDC login initiation, the authorisation endpoint that signs the id_token, its JWKS, the OAuth2
client-credentials token endpoint and the AGS score endpoint are that library's; this file only wires them
to HTTP (stdlib WSGI on 127.0.0.1, port chosen by the OS) and adds the LTI Dynamic Registration endpoints,
which the package does not have. It runs in its own thread and can be stopped (connections refused) and
started again on the same port, to test grade posts while the platform is down."""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
import typing as t
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from jwcrypto.jwk import JWK
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService


class _Request(Request):
    def build_metadata(self, environ: dict) -> TRequest:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        content_type = environ.get("CONTENT_TYPE", "")
        form = dict(parse_qsl(body.decode())) if "form-urlencoded" in content_type else {}
        data = json.loads(body) if body and "json" in content_type else None
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        return {
            "method": environ["REQUEST_METHOD"],
            "form_data": form,
            "get_data": dict(parse_qsl(environ.get("QUERY_STRING", ""))),
            "headers": headers,
            "content_type": content_type,
            "path": environ.get("PATH_INFO", ""),
            "json": data,
        }


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self._registration


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> tuple[str, list, bytes]:
        return "302 Found", [("Location", url)], b""


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict, **kwargs: t.Any) -> tuple[str, list, bytes]:
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(launch_data[name])}">'
            for name in ("id_token", "state")
        )
        page = (
            f'<!doctype html><title>Launching</title><form id="lti" method="post" '
            f'action="{html.escape(launch_data["launch_url"])}">{fields}<button>Continue</button></form>'
            "<script>document.getElementById('lti').submit()</script>"
        )
        return "200 OK", [("Content-Type", "text/html")], page.encode()


class _Scores(AssignmentsGradesService):
    def __init__(self, platform: LtiPlatform, request: Request, config: _Config, item: str) -> None:
        super().__init__(request, config, f"{platform.url}/lineitems", f"{platform.url}/lineitems/{item}")
        self.platform = platform

    def update_score(self, line_item_id: str, score: dict) -> UpdateScoreStatus:
        self.platform.scores.append({"lineitem": line_item_id, **score})
        return UpdateScoreStatus.SUCCESS

    def find_lineitems(self, **kwargs):  # the tool never lists or edits line items
        raise NotImplementedError

    find_lineitem = create_lineitem = update_lineitem = delete_lineitem = get_results = find_lineitems


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: t.Any) -> None:
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class LtiPlatform:
    """`launch_overrides` changes claims of the next id_tokens (wrong audience, say); `id_token_seconds`
    below zero signs expired ones."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        key = JWK.generate(kty="RSA", size=2048)
        self.private_key = key.export_to_pem(private_key=True, password=None).decode()
        self.public_key = key.export_to_pem().decode()
        self.registration_token = secrets.token_urlsafe(16)
        self.tool: dict[str, t.Any] = {}
        self.client_id = ""
        self.deployment_id = "deployment-" + secrets.token_hex(4)
        self.scores: list[dict] = []
        self.launch_overrides: dict[str, t.Any] = {}
        self.id_token_seconds = 300
        self.custom: dict[str, str] = {}
        self.refuse_scores = False  # answer 400 to scores, as a platform that will never take them
        self._server: _Server | None = None
        self.port = 0
        self.start()

    # lifecycle --------------------------------------------------------------------------------------------
    def start(self) -> None:
        self._server = make_server(
            "127.0.0.1", self.port, self.app, server_class=_Server, handler_class=_QuietHandler
        )
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def openid_configuration_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def registration(self) -> Registration:
        return (
            Registration()
            .set_iss(self.url)
            .set_client_id(self.client_id)
            .set_deployment_id(self.deployment_id)
            .set_oidc_login_url(self.tool["initiate_login_uri"])
            .set_launch_url(self.tool["target_link_uri"])
            .set_tool_key_set_url(self.tool["jwks_uri"])
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
        )

    def start_url(self, *, user: str, name: str, email: str, lineitem: str = "1") -> str:
        return f"{self.url}/start?" + urlencode(
            {"user": user, "name": name, "email": email, "item": lineitem}
        )

    # HTTP -------------------------------------------------------------------------------------------------
    def app(self, environ: dict, start_response) -> list[bytes]:
        request = _Request(environ)
        path = request.path
        try:
            if path == "/.well-known/openid-configuration":
                status, headers, body = self._openid_configuration(request)
            elif path == "/register":
                status, headers, body = self._register(request)
            elif path == "/jwks":
                status, headers, body = _json({"keys": self.registration().get_jwks()})
            elif path == "/course-page":  # the LMS page that shows the tool in a frame, as LMSs do
                start = html.escape(f"/start?{environ.get('QUERY_STRING', '')}")
                page = (
                    "<!doctype html><title>LMS course</title><h1>LMS</h1>"
                    f'<iframe id="tool" title="Tool" src="{start}"></iframe>'
                )
                status, headers, body = "200 OK", [("Content-Type", "text/html")], page.encode()
            elif path == "/start":
                status, headers, body = self._start(request)
            elif path == "/authorize":
                status, headers, body = self._authorize(request)
            elif path == "/token":
                config = _Config(registration=self.registration())
                status, headers, body = _json(config.get_access_token(request.form_data))
            elif self.refuse_scores and path.endswith("/scores"):
                status, headers, body = "400 Bad Request", [("Content-Type", "application/json")], b"{}"
            elif match := re.fullmatch(r"/lineitems/([\w-]+)/scores", path):
                config = _Config(registration=self.registration())
                response = _Scores(self, request, config, match[1]).handle_update_score(match[1])
                status, headers, body = f"{response.code} X", [("Content-Type", "application/json")], b"{}"
            else:
                status, headers, body = "404 Not Found", [], b""
        except Exception as exc:  # the tool must see a platform error as an HTTP error
            status, headers, body = "400 Bad Request", [("Content-Type", "text/plain")], str(exc).encode()
        start_response(status, headers)
        return [body]

    def _openid_configuration(self, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.registration_token}":
            return "401 Unauthorized", [], b""
        return _json(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "registration_endpoint": f"{self.url}/register",
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                "scopes_supported": ["openid", "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "response_types_supported": ["id_token"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "lti1p3platform-test",
                    "version": "0.1.8",
                    "messages_supported": [{"type": "LtiResourceLinkRequest"}],
                },
            }
        )

    def _register(self, request: Request):
        if request.headers.get("Authorization") != f"Bearer {self.registration_token}":
            return "401 Unauthorized", [], b""
        tool = request.json or {}
        config = tool.get("https://purl.imsglobal.org/spec/lti-tool-configuration") or {}
        self.tool = {
            "initiate_login_uri": tool["initiate_login_uri"],
            "target_link_uri": config["target_link_uri"],
            "redirect_uris": tool["redirect_uris"],
            "jwks_uri": tool["jwks_uri"],
            "scope": tool.get("scope", ""),
        }
        self.client_id = "client-" + secrets.token_hex(6)
        answer = dict(tool, client_id=self.client_id)
        answer["https://purl.imsglobal.org/spec/lti-tool-configuration"] = dict(
            config, deployment_id=self.deployment_id
        )
        return _json(answer)

    def _start(self, request: Request):
        login = _Login(request, _Config(registration=self.registration()))
        login.set_lti_message_hint(hint=urlencode(request.get_data))
        return login.initiate_login(request.get_data["user"])

    def _authorize(self, request: Request):
        params = request.get_data or request.form_data
        if params.get("redirect_uri") not in self.tool["redirect_uris"]:
            return "400 Bad Request", [], b"redirect_uri not registered"
        hint = dict(parse_qsl(params.get("lti_message_hint", "")))
        if params.get("login_hint") != hint.get("user"):
            return "400 Bad Request", [], b"login_hint does not match"
        launch = _Launch(request, _Config(registration=self.registration()))
        launch.set_user_data(
            hint["user"],
            ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            full_name=hint.get("name"),
            email_address=hint.get("email"),
        )
        launch.set_resource_link_claim("resource-link-1", title="CSE awareness")
        launch.set_launch_context_claim("context-1", context_title="Mandatory training")
        if self.custom:
            launch.set_custom_parameters_claim(dict(self.custom))
        launch.set_ags(
            f"{self.url}/lineitems",
            f"{self.url}/lineitems/{hint.get('item', '1')}",
            allow_creating_lineitems=False,
        )
        launch.set_id_token_expiration(self.id_token_seconds)
        if self.launch_overrides:
            launch.set_extra_claims(dict(self.launch_overrides))
        return launch.lti_launch()


def _json(data: t.Any):
    return "200 OK", [("Content-Type", "application/json")], json.dumps(data).encode()


def launch_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the platform's auto-submitting launch form."""
    action = html.unescape(re.search(r'action="([^"]+)"', page)[1])
    fields = {m[1]: html.unescape(m[2]) for m in re.finditer(r'name="(\w+)" value="([^"]*)"', page)}
    return action, fields


def host_of(url: str) -> str:
    return urlsplit(url).netloc
