"""A provider that answers a real login with a broken ID token: one changed after signing, one
signed for another client, one already expired (tests/oidc/provider/server.js makes them). Each
is refused with a plain Danish message, creates or changes no account, and is audited.

allauth alone skips the signature when the token comes straight from the provider, so the
forged token is the case that shows Samskab's own signature check (accounts.adapter) at work."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.messages import get_messages
from django_scopes import scopes_disabled

from samskab.accounts.models import ExternalLogin, Membership, Role, User
from samskab.core.models import AuditEvent
from tests.oidc.fixtures import (
    EXPIRED_CLIENT_ID,
    FORGED_CLIENT_ID,
    WRONG_AUDIENCE_CLIENT_ID,
    log_in,
    provider_app,
    use_provider,
)

BROKEN = pytest.mark.parametrize(
    "client_id",
    [FORGED_CLIENT_ID, WRONG_AUDIENCE_CLIENT_ID, EXPIRED_CLIENT_ID],
    ids=["bad-signature", "wrong-audience", "expired"],
)
MESSAGE = "Svaret fra login-udbyderen kunne ikke bekræftes"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def refusals() -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(
            action="login.refused", detail__reason="bad_id_token"
        ).count()


def roles_of(person: User) -> set[str]:
    with scopes_disabled():
        return set(Membership.objects.filter(person=person).values_list("role", flat=True))


@BROKEN
def test_a_broken_id_token_creates_no_account(configured, settings, client, client_id):
    use_provider(settings, provider_app(configured.issuer, client_id=client_id))
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == "/konto/login/"
    assert any(MESSAGE in m for m in messages_of(response)), messages_of(response)
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.exists() and not SocialAccount.objects.exists()
    assert not ExternalLogin.objects.exists()
    assert refusals() == 1
    with scopes_disabled():
        event = AuditEvent.objects.get(action="login.refused")
    assert event.actor is None and event.detail == {
        "provider": "test-idp",
        "reason": "bad_id_token",
    }


@BROKEN
def test_a_broken_id_token_changes_nothing_of_an_existing_account(
    configured, settings, client, client_id
):
    log_in(client)  # a genuine login first: Anna, employee
    person = User.objects.get(email="anna@kbh.test")
    assert roles_of(person) == {Role.EMPLOYEE}
    seen = ExternalLogin.objects.get(person=person).last_login_at
    client.post("/konto/logout/")
    # The provider now says she is a manager, but answers with a broken token.
    configured.set_person("anna", **{**configured.person("anna"), "groups": ["samskab-ledere"]})
    use_provider(settings, provider_app(configured.issuer, client_id=client_id))
    response = log_in(client)
    assert any(MESSAGE in m for m in messages_of(response))
    assert not response.wsgi_request.user.is_authenticated
    assert roles_of(person) == {Role.EMPLOYEE}
    assert ExternalLogin.objects.get(person=person).last_login_at == seen
    assert SocialAccount.objects.count() == 1 and User.objects.count() == 1
    assert refusals() == 1


def test_the_genuine_client_of_the_same_provider_still_logs_in(configured, client):
    response = log_in(client)
    assert response["Location"] == "/mig/"
    assert response.wsgi_request.user.email == "anna@kbh.test"
    assert refusals() == 0
