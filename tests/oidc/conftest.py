"""A real OpenID provider for the tests in this folder (see fixtures.py)."""

from __future__ import annotations

import json

import pytest

from tests.oidc.fixtures import PROVIDER_ID, provider_app, start_provider, use_provider

CALLBACK = f"http://testserver/konto/oidc/{PROVIDER_ID}/login/callback/"


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with start_provider(tmp_path_factory.mktemp("idp"), [CALLBACK]) as provider:
        yield provider


@pytest.fixture
def configured(idp, settings, kommuner):
    """Samskab set up with the test provider; the provider's people as they were afterwards."""
    use_provider(settings, provider_app(idp.issuer))
    people = json.loads(idp.accounts_file.read_text(encoding="utf-8"))
    yield idp
    idp.accounts_file.write_text(json.dumps(people), encoding="utf-8")
