"""The independent OpenID Connect provider (tests/sso/provider.py) in its own process, and a browser-less
person who logs in there (a requests session posting the provider's own log-in form)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent
REDIRECT_URI = "http://testserver/sso/callback/"
PEOPLE = {
    "alice": {"email": "alice@cardiff.gov.uk", "name": "Alice Adams", "email_verified": True},
    "mallory": {"email": "mallory@cardiff.gov.uk", "name": "Mallory", "email_verified": False},
    "bob": {"email": "bob@cardiff.gov.uk", "name": "Bob Brown", "email_verified": False},
    "carol": {"email": "carol@cardiff.gov.uk", "name": "Carol Jones", "email_verified": True},
    "outsider": {"email": "olly@elsewhere.example", "name": "Olly", "email_verified": True},
}
IDP_PASSWORD = "provider-pass-1"
CLIENTS = {"rp-a": "secret-a-0123456789", "rp-b": "secret-b-0123456789"}


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    config = {
        "clients": [
            {"client_id": cid, "client_secret": secret, "redirect_uri": REDIRECT_URI}
            for cid, secret in CLIENTS.items()
        ],
        "users": [{"username": name, "password": IDP_PASSWORD, **data} for name, data in PEOPLE.items()],
    }
    path = tmp_path_factory.mktemp("idp") / "config.json"
    path.write_text(json.dumps(config))
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    process = subprocess.Popen(
        [sys.executable, str(HERE / "provider.py"), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"the OIDC provider did not start: {line}{process.stderr.read()}")
    port = int(line.split()[1])
    yield SimpleNamespace(issuer=f"http://127.0.0.1:{port}/o", port=port, clients=CLIENTS)
    process.terminate()
    process.wait(timeout=10)


def idp_log_in(authorize_url: str, username: str) -> str:
    """Follow the authorisation request at the provider as `username`; the redirect back to us."""
    person = requests.Session()
    response = person.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    login_url = urljoin(authorize_url, response.headers["Location"])
    person.get(login_url, timeout=10)
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    response = person.post(
        login_url,
        data={
            "username": username,
            "password": IDP_PASSWORD,
            "next": next_url,
            "csrfmiddlewaretoken": person.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    response = person.get(
        urljoin(authorize_url, response.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text[:500]
    back = response.headers["Location"]
    assert back.startswith(REDIRECT_URI), back
    return back
