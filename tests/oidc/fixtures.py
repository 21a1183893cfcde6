"""A real OpenID Provider for the tests: panva's `oidc-provider` on Node.js, on 127.0.0.1.

`start_provider` runs tests/oidc/provider/server.js with one test client and a file of people
(login name → claims) that a test may rewrite between logins. Without node_modules (run
`npm ci` in tests/oidc/provider) the tests skip loudly on a laptop and fail in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID = "samskab-test"
CLIENT_SECRET = "samskab-test-secret"
# A second client of the same provider, whose ID tokens expire after one second.
SHORTLIVED_CLIENT_ID = "samskab-shortlived"
# Clients the provider answers with a broken ID token (tests/oidc/provider/server.js): one whose
# payload was changed after signing, one signed for another audience, one already expired.
FORGED_CLIENT_ID = "samskab-forged"
WRONG_AUDIENCE_CLIENT_ID = "samskab-wrongaud"
EXPIRED_CLIENT_ID = "samskab-expired"
BROKEN_CLIENT_IDS = (FORGED_CLIENT_ID, WRONG_AUDIENCE_CLIENT_ID, EXPIRED_CLIENT_ID)
PROVIDER_ID = "test-idp"

# Who can log in at the test provider, and what it says about them.
PEOPLE: dict[str, dict[str, Any]] = {
    "anna": {
        "email": "anna@kbh.test",
        "email_verified": True,
        "name": "Anna Ansat",
        "groups": ["samskab-medarbejdere"],
        "loa": "https://data.gov.dk/concept/core/nsis/loa/Substantial",
        "department": "Teknik- og Miljøforvaltningen",
        "job_level": "Leder",
        "cpr": "0101901234",
    },
}


def require_node() -> str:
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "no `node` on PATH (apt-get install nodejs npm)"
    elif not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        problem = f"no oidc-provider installed: run `npm ci` in {PROVIDER_DIR}"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"The OpenID Connect tests need a real provider in CI: {problem}")
        pytest.skip(f"LOUD SKIP: OpenID Connect tests not run: {problem}")
    return node  # type: ignore[return-value]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningProvider:
    issuer: str
    accounts_file: Path
    process: subprocess.Popen[bytes] | None

    def set_person(self, login: str, **claims: Any) -> None:
        """Change (or add) a person at the provider; the next login sees it."""
        people = json.loads(self.accounts_file.read_text(encoding="utf-8"))
        people[login] = claims
        self.accounts_file.write_text(json.dumps(people), encoding="utf-8")

    def person(self, login: str) -> dict[str, Any]:
        return json.loads(self.accounts_file.read_text(encoding="utf-8"))[login]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def start_provider(tmp: Path, redirect_uris: list[str]) -> Iterator[RunningProvider]:
    node = require_node()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    accounts = tmp / "people.json"
    accounts.write_text(json.dumps(PEOPLE), encoding="utf-8")
    config = tmp / "provider.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "issuer": issuer,
                "accounts": str(accounts),
                "clients": [
                    {
                        "client_id": client_id,
                        "client_secret": CLIENT_SECRET,
                        "redirect_uris": redirect_uris,
                        # RP-initiated logout sends the person back to the site's front page.
                        "post_logout_redirect_uris": sorted(
                            {uri.split("/konto/")[0] + "/" for uri in redirect_uris}
                        ),
                        "grant_types": ["authorization_code"],
                        "response_types": ["code"],
                        "token_endpoint_auth_method": "client_secret_post",
                    }
                    for client_id in (CLIENT_ID, SHORTLIVED_CLIENT_ID, *BROKEN_CLIENT_IDS)
                ],
            }
        ),
        encoding="utf-8",
    )
    log = (tmp / "provider.log").open("wb")
    process = subprocess.Popen(  # noqa: S603
        [node, str(PROVIDER_DIR / "server.js"), str(config)],
        cwd=PROVIDER_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = RunningProvider(issuer, accounts, process)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (tmp / "provider.log").read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"The test OpenID provider did not start:\n{output[-3000:]}")
            time.sleep(0.1)
        yield provider
    finally:
        provider.stop()
        log.close()


def provider_app(issuer: str, **overrides: Any) -> dict[str, Any]:
    """The allauth app for the test provider, as SAMSKAB_OIDC_PROVIDERS would configure it."""
    from samskab.accounts import oidc

    entry = {
        "id": PROVIDER_ID,
        "name": "Københavns Kommune",
        "municipalities": ["0101"],
        "button": "employee",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "claims": {"acr": "loa", "organisation": "department", "staff_level": "job_level"},
        "roles": {"samskab-medarbejdere": "medarbejder", "samskab-ledere": "leder"},
        "staff_levels": {"Direktør": "director", "Chef": "head", "Leder": "manager"},
        **overrides,
    }
    (app,) = oidc.load_providers({"SAMSKAB_OIDC_PROVIDERS": json.dumps([entry])})
    return app


def use_provider(settings: Any, *apps: dict[str, Any]) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": list(apps), "OAUTH_PKCE_ENABLED": True}
    }


# --- Playing the person's browser (Django's test client at Samskab, requests at the provider) --


def _form(html: str) -> tuple[str, dict[str, str]]:
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', html).group(1))
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    return action, fields


def at_provider(location: str, callback: str, login: str = "anna") -> str:
    """At the provider: log in, consent, and return the URL it sends the browser back to."""
    browser = requests.Session()
    url = location
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (302, 303):
            url = urljoin(url, response.headers["Location"])
        elif 'name="login"' in response.text or 'value="consent"' in response.text:
            action, fields = _form(response.text)
            if 'name="login"' in response.text:
                fields.update(login=login, password="hvad som helst")
            response = browser.post(
                urljoin(url, action), data=fields, allow_redirects=False, timeout=10
            )
            url = urljoin(url, response.headers["Location"])
        else:
            raise AssertionError(f"unexpected page at the provider: {response.text[:500]}")
        if url.startswith(callback):
            return url
    raise AssertionError("the provider never sent the browser back")


def log_in(client: Any, login: str = "anna", provider_id: str = PROVIDER_ID) -> Any:
    """The whole round through Samskab's button, the provider and the callback, with Django's
    test client as the browser at Samskab. Returns Samskab's answer to the callback."""
    start = client.post(f"/konto/oidc/{provider_id}/login/")
    assert start.status_code == 302, start
    callback = f"http://testserver/konto/oidc/{provider_id}/login/callback/"
    back = urlsplit(at_provider(start["Location"], callback, login))
    return client.get(f"{back.path}?{back.query}")
