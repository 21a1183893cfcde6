"""ID tokens from the real test provider, checked the way allauth checks them at every login
(issuer, audience, expiry, and the signature against the provider's published keys): a token
for another client, an expired one and a tampered one are refused."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from html import unescape
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

from tests.oidc.fixtures import CLIENT_ID, CLIENT_SECRET, SHORTLIVED_CLIENT_ID, start_provider

CALLBACK = "http://testserver/konto/oidc/test-idp/login/callback/"


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with start_provider(tmp_path_factory.mktemp("idp-tokens"), [CALLBACK]) as provider:
        yield provider


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def id_token_for(idp, client_id: str) -> str:
    """A real code flow for `client_id` at the provider (log in, consent, swap the code)."""
    verifier = secrets.token_urlsafe(48)
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid email profile",
            "state": "s",
            "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
        }
    )
    browser = requests.Session()
    url = f"{idp.issuer}/auth?{query}"
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (302, 303):
            url = urljoin(url, response.headers["Location"])
        else:
            action = unescape(re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1))
            fields = dict(
                re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', response.text)
            )
            if 'name="login"' in response.text:
                fields.update(login="anna", password="x")
            response = browser.post(
                urljoin(url, action), data=fields, allow_redirects=False, timeout=10
            )
            url = urljoin(url, response.headers["Location"])
        if url.startswith(CALLBACK):
            break
    code = parse_qs(urlsplit(url).query)["code"][0]
    tokens = requests.post(
        f"{idp.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
            "client_id": client_id,
            "client_secret": CLIENT_SECRET,
        },
        timeout=10,
    )
    tokens.raise_for_status()
    return tokens.json()["id_token"]


def check(idp, token: str, audience: str) -> dict:
    """allauth's own check of an ID token (jwtkit.verify_and_decode), with the signature."""
    return jwtkit.verify_and_decode(
        credential=token,
        keys_url=f"{idp.issuer}/jwks",
        issuer=idp.issuer,
        audience=audience,
        lookup_kid=jwtkit.lookup_kid_jwk,
    )


def test_a_genuine_token_passes(idp):
    claims = check(idp, id_token_for(idp, CLIENT_ID), CLIENT_ID)
    assert claims["sub"] == "anna" and claims["aud"] == CLIENT_ID


def test_a_token_for_another_client_is_refused(idp):
    token = id_token_for(idp, SHORTLIVED_CLIENT_ID)
    with pytest.raises(OAuth2Error):
        check(idp, token, CLIENT_ID)


def test_a_tampered_token_is_refused(idp):
    header, payload, signature = id_token_for(idp, CLIENT_ID).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "mallory"
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    with pytest.raises(OAuth2Error):
        check(idp, forged, CLIENT_ID)


def test_an_expired_token_is_refused(idp):
    token = id_token_for(idp, SHORTLIVED_CLIENT_ID)
    check(idp, token, SHORTLIVED_CLIENT_ID)  # fine while it lasts
    time.sleep(2.1)
    with pytest.raises(OAuth2Error):
        check(idp, token, SHORTLIVED_CLIENT_ID)
