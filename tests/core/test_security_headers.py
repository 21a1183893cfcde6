"""A strict Content-Security-Policy on every page of the demo: no inline script, no plugins, no
framing, forms only to Samskab itself and the configured OpenID providers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.core.security import content_security_policy, origin_of, provider_origins
from samskab.demo.content import Demo, demo_email, load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def demo_pages(demo: Demo) -> dict[str, str]:
    """One of each kind of page a sample of the demo shows, by what it is."""
    from samskab.challenges.models import Challenge, Idea
    from samskab.opinions.models import Conversation
    from samskab.workshops.models import LiveSession

    slug = demo.municipality.slug
    with scopes_disabled():
        challenge = Challenge.objects.filter(municipality=demo.municipality).order_by("pk")[0]
        idea = Idea.objects.filter(challenge__municipality=demo.municipality).order_by("pk")[0]
        conversation = Conversation.objects.filter(municipality=demo.municipality).order_by("pk")[0]
        workshop = LiveSession.objects.filter(municipality=demo.municipality).order_by("pk")[0]
    return {
        "start": "/",
        "municipality": demo.municipality.get_absolute_url(),
        "challenge": challenge.get_absolute_url(),
        "idea": idea.get_absolute_url(),
        "opinion map": reverse(
            "opinions:map", kwargs={"municipality": slug, "conversation": conversation.pk}
        ),
        "big screen": reverse(
            "workshops:screen", kwargs={"municipality": slug, "session": workshop.pk}
        ),
        "landscape": reverse("landscape:landscape", kwargs={"municipality": slug}),
        "report": reverse(
            "reports:report", kwargs={"municipality": slug, "challenge": challenge.pk}
        ),
        "login": reverse("account_login"),
        "API docs": "/api/docs",
    }


# Whom each page is for: the big screen is the facilitator's, the login page a visitor's (None),
# the rest the administrator's.
PAGE_PERSON = {"big screen": "facilitator", "login": None}


def directives(header: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def assert_strict(header: str) -> None:
    policy = directives(header)
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["default-src"] == ["'self'"]
    assert policy["form-action"][0] == "'self'"
    assert policy["style-src"][0] == "'self'"
    assert all(re.fullmatch(r"'nonce-[\w-]+'", v) for v in policy["style-src"][1:])


@pytest.fixture
def demo(db) -> Demo:
    load_municipalities(Municipality)
    return load_demo()


def test_every_kind_of_demo_page_carries_the_policy(demo, client):
    from samskab.accounts.models import User

    pages = demo_pages(demo)
    for role in ("administrator", "facilitator", None):
        client.logout()
        if role:
            client.force_login(User.objects.get(email=demo_email(role)))
        for name, path in pages.items():
            if PAGE_PERSON.get(name, "administrator") != role:
                continue
            response = client.get(path)
            assert response.status_code == 200, (name, path, response.status_code)
            assert response["Content-Type"].startswith("text/html"), name
            assert_strict(response["Content-Security-Policy"])
            html = response.content.decode()
            # Nothing on the page needs what the policy refuses.
            assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), name
            assert ' style="' not in html, name
            assert not re.search(r"\son[a-z]+=", html), name
            for tag in re.findall(r"<style[^>]*>", html):
                nonce = re.search(r'nonce="([^"]+)"', tag)
                assert nonce, (name, tag)
                assert f"'nonce-{nonce.group(1)}'" in response["Content-Security-Policy"]


def test_anonymous_pages_errors_and_the_api_carry_it_too(demo, client):
    for path in ("/", reverse("account_login"), "/findes/ikke/", "/api/municipalities"):
        response = client.get(path)
        assert_strict(response["Content-Security-Policy"])
    # Without a nonce used, none is named: a <style> element anywhere else would be refused.
    assert "nonce" not in client.get("/").headers["Content-Security-Policy"]


def test_the_nonce_is_new_for_every_response(demo, client):
    from samskab.accounts.models import User

    client.force_login(User.objects.get(email=demo_email(Role.FACILITATOR)))
    path = demo_pages(demo)["big screen"]
    first = directives(client.get(path)["Content-Security-Policy"])["style-src"]
    second = directives(client.get(path)["Content-Security-Policy"])["style-src"]
    assert len(first) == len(second) == 2 and first[1] != second[1]


def test_forms_may_go_to_the_configured_openid_providers_and_nowhere_else(settings):
    from tests.oidc.fixtures import provider_app, use_provider

    assert provider_origins() == ()
    assert directives(content_security_policy())["form-action"] == ["'self'"]
    use_provider(
        settings,
        provider_app("https://login.microsoftonline.com/tenant-id/v2.0"),
        provider_app("https://mitid-broker.example.dk/realms/borgere", id="mitid"),
    )
    assert directives(content_security_policy())["form-action"] == [
        "'self'",
        "https://login.microsoftonline.com",
        "https://mitid-broker.example.dk",
    ]


def test_origin_of_an_issuer():
    assert origin_of("https://idp.example.dk:8443/realms/x") == "https://idp.example.dk:8443"
    assert origin_of("http://127.0.0.1:5001") == "http://127.0.0.1:5001"
    assert origin_of("javascript:alert(1)") is None
    assert origin_of("") is None
