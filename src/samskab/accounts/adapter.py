"""Samskab's allauth adapters: login limits that slow a guesser without locking out the owner, and
logins through a municipality's identity provider (the claims' rules live in accounts.oidc)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, _build_apps_from_settings
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from requests import RequestException

from samskab.accounts import oidc
from samskab.core.ratelimit import client_ip


@dataclass(frozen=True)
class SamskabSite:
    """What allauth's mails call "the site": Samskab by name, not the host it was reached on."""

    name: str
    domain: str


def samskab_site() -> SamskabSite:
    return SamskabSite(
        name=getattr(settings, "SITE_NAME", "Samskab"),
        domain=urlsplit(settings.SITE_URL).netloc or settings.SITE_URL,
    )


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Our own templates (templates/account/email) greet with the site's name; allauth would
        # put the host the request came in on there ("Hej fra 127.0.0.1:8801!").
        super().send_mail(template_prefix, email, {"current_site": samskab_site(), **context})

    def format_email_subject(self, subject: str) -> str:
        return f"{subject} – {samskab_site().name}"

    def get_client_ip(self, request: HttpRequest) -> str:
        # The same address as every other limit of ours (behind TRUSTED_PROXIES), so a login
        # limit never counts the whole municipality behind the proxy as one address.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed logins per account ("key"): anyone could then lock a person out
        # by typing wrong passwords for their address. Counting per address and account pair
        # slows the guesser alone; the owner logging in from elsewhere is not affected.
        # Not allauth's key, which starts with the host the request named: each web process's
        # own address and port, and each name in ALLOWED_HOSTS, would count on its own
        # (tests/production/test_two_processes.py). There is one site.
        account = credentials.get("email", credentials.get("username", "")).lower()
        return f"{self.get_client_ip(request)}:{account}"

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        # Logged in through a municipality's provider: log out there too (RP-initiated logout),
        # so the next person at a shared computer does not walk straight back in.
        after = super().get_logout_redirect_url(request)
        return oidc.end_session_url(request, after) or after


class SamskabOIDCProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with the claim names each municipality configured, CPR
    numbers thrown away before anything is stored, and a provider that cannot be reached when
    the login starts answered with a message instead of an error page."""

    def _config(self) -> oidc.ProviderConfig | None:
        return oidc.config_of(self.app)

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: Any = None,
        data: Any = None,
        **kwargs: Any,
    ) -> Any:
        try:
            return super().redirect(request, process, next_url=next_url, data=data, **kwargs)
        except (RequestException, ValueError, KeyError) as exc:
            return render_authentication_error(request, self, exception=exc)

    def extract_uid(self, data: Any) -> str:
        uid = super().extract_uid(data)
        if oidc.is_cpr_claim("sub", uid):
            raise oidc.CprSubject("subject id reads as a CPR number")
        return uid

    def extract_extra_data(self, data: Any) -> Any:
        return oidc.without_cpr(super().extract_extra_data(data))

    def extract_common_fields(self, data: Any) -> dict[str, Any]:
        fields = super().extract_common_fields(oidc.without_cpr(data))
        config = self._config()
        if config is not None:
            claims = oidc.merged_claims(oidc.without_cpr(data))
            fields["email"] = oidc.first_value(claims, config.claims["email"])
            fields["name"] = oidc.first_value(claims, config.claims["name"])
        return fields

    def extract_email_addresses(self, data: Any) -> list[Any]:
        config = self._config()
        if config is None:
            return super().extract_email_addresses(data)
        claims = oidc.merged_claims(data)
        email = oidc.first_value(claims, config.claims["email"])
        if not email:
            return []
        return [
            EmailAddress(
                email=email.lower(),
                verified=parse_bool_safely(claims.get("email_verified")),
                primary=True,
            )
        ]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Logins through OpenID Connect: every login goes through accounts.oidc, which checks the
    claims and brings roles, affiliations and assurance level in line with them."""

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[Any]:
        # Providers come from the environment alone (settings), never from the database: no
        # query on the login page, and no provider an admin could add behind the operator's back.
        apps = _build_apps_from_settings(provider=provider, client_id=client_id)
        return [app for provider_apps in apps.values() for app in provider_apps]

    def get_provider(self, request: HttpRequest, provider: str, client_id: str | None = None):
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            found.__class__ = SamskabOIDCProvider
            self._probe_on_callback(request, found)
        return found

    def _probe_on_callback(self, request: HttpRequest, provider: Any) -> None:
        # allauth's callback reads the provider's discovery document outside its own error
        # handling: a provider gone since the login started would be a server error. Ask once,
        # first, and answer a provider that is down with the Danish message.
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != "openid_connect_callback":
            return
        if getattr(request, "_samskab_oidc_probed", False):
            return
        request._samskab_oidc_probed = True  # type: ignore[attr-defined]
        try:
            with self.get_requests_session() as session:
                session.get(provider.server_url).raise_for_status()
        except RequestException as exc:
            raise ImmediateHttpResponse(
                render_authentication_error(request, provider, exception=exc)
            ) from exc

    def get_requests_session(self) -> Any:
        # allauth skips the ID token's signature when the token came straight from the provider
        # over TLS (OpenID Connect Core allows that). Samskab checks it anyway: a token that is
        # not signed with a key the provider publishes never logs anyone in.
        session = super().get_requests_session()
        session.hooks["response"].append(_check_id_token_signature)
        return session

    def _refuse(
        self, request: HttpRequest, config: oidc.ProviderConfig | None, reason: str, message: str
    ) -> None:
        if config is not None:
            oidc.record_refusal(config, reason)
        messages.error(request, message)
        raise ImmediateHttpResponse(redirect("account_login"))

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        config = oidc.config_of(sociallogin.provider.app)
        if config is None:
            return
        claims = oidc.merged_claims(sociallogin.account.extra_data)
        connecting = sociallogin.state.get("process") == "connect"
        email = (oidc.first_value(claims, config.claims["email"]) or "").lower()
        taken = (
            not sociallogin.is_existing
            and not connecting
            and bool(email)
            and oidc.email_in_use(email)
        )
        try:
            oidc.check_claims(config, claims, email_taken=taken)
        except oidc.LoginRefused as refusal:
            self._refuse(request, config, refusal.reason, refusal.message)
        person = sociallogin.user if sociallogin.is_existing else None
        if connecting and request.user.is_authenticated:
            person = request.user if person in (None, request.user) else None
        if person is not None:
            oidc.apply_claims(person, config, claims)

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        person = super().save_user(request, sociallogin, form=form)
        config = oidc.config_of(sociallogin.provider.app)
        if config is not None:
            oidc.apply_claims(person, config, oidc.merged_claims(sociallogin.account.extra_data))
        return person

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        config = oidc.config_of(getattr(provider, "app", None))
        reason, message = oidc.describe_error(error, exception, extra_context or {})
        self._refuse(request, config, reason, message)


# Signing algorithms an ID token may use: the provider's public keys only ("none" and shared
# secrets never).
_ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]


def _check_id_token_signature(response: Any, *args: Any, **kwargs: Any) -> Any:
    """A response hook on allauth's requests: the token endpoint's ID token must carry a valid
    signature by a key in the provider's published JWKS. Raises OAuth2Error (which allauth turns
    into a refused login) when it does not. Issuer, audience and expiry stay allauth's check."""
    if response.request.method != "POST" or not response.ok:
        return response
    try:
        body = response.json()
    except ValueError:
        return response
    token = body.get("id_token") if isinstance(body, dict) else None
    if not isinstance(token, str):
        return response
    request = allauth_context.request
    match = getattr(request, "resolver_match", None)
    provider_id = (match.kwargs.get("provider_id") if match else None) or ""
    if not provider_id or match.url_name != "openid_connect_callback":
        return response
    provider = SocialAccountAdapter(request).get_provider(request, provider_id)
    if oidc.config_of(provider.app) is None:
        return response
    keys_url = OpenIDConnectOAuth2Adapter(request, provider_id).openid_config["jwks_uri"]
    try:
        algorithm, key = jwtkit.fetch_key(token, keys_url, jwtkit.lookup_kid_jwk)
        if algorithm not in _ID_TOKEN_ALGORITHMS:
            raise OAuth2Error("Invalid id_token: signing algorithm not allowed")
        jwt.decode(
            token,
            key=key,
            algorithms=[algorithm],
            options={
                "verify_signature": True,
                "verify_aud": False,
                "verify_exp": False,
                "verify_iss": False,
            },
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        raise OAuth2Error("Invalid id_token signature") from exc
    except OAuth2Error as exc:
        raise OAuth2Error(f"Invalid id_token: {exc}") from exc
    return response
