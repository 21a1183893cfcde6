"""Hardening that every response and request passes through: a strict Content-Security-Policy,
a limit on API request bodies, and the short answer an overloaded server gives.

Django 5.2 has no Content-Security-Policy of its own (6.0 adds one); this small middleware is
all Samskab needs, since no page has inline script or a style attribute: every script and style
sheet is a file under /static/, every chart is server-rendered SVG coloured with presentation
attributes (fill=, stroke=, which a policy does not govern), and bar widths are classes
(static/samskab/widths.css). One page keeps a <style> element of its own, the workshop's big
screen (a standalone page sized for a projector): it carries the request's nonce
(`{{ request.csp_nonce }}`), which the policy then allows for that response alone.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from functools import lru_cache
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.translation import gettext as _

# --- Content-Security-Policy --------------------------------------------------------------------

BASE_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("frame-ancestors", "'none'"),
)


def origin_of(url: str) -> str | None:
    """`https://login.example.dk` for `https://login.example.dk/realms/x`; None if not a URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def provider_origins() -> tuple[str, ...]:
    """The origins of the configured OpenID providers: a login (and a logout) is a form POST
    here that redirects there, and browsers hold such a redirect to `form-action` as well."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    found: list[str] = []
    for app in apps:
        origin = origin_of(str(app.get("settings", {}).get("server_url", "")))
        if origin and origin not in found:
            found.append(origin)
    return tuple(found)


@lru_cache(maxsize=8)
def policy_for(form_origins: tuple[str, ...]) -> str:
    directives = [*BASE_POLICY, ("form-action", " ".join(("'self'", *form_origins)))]
    return "; ".join(f"{name} {value}" for name, value in directives)


def content_security_policy(style_nonce: str = "") -> str:
    policy = policy_for(provider_origins())
    if style_nonce:
        policy = policy.replace("style-src 'self'", f"style-src 'self' 'nonce-{style_nonce}'", 1)
    return policy


class ContentSecurityPolicyMiddleware:
    """Sends the policy with every response (HTML or not: a JSON or SVG file opened on its own
    is held to it too). A view that sets its own header keeps it. `request.csp_nonce` is made
    only when a template uses it, and only then named in the policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        made: list[str] = []

        def make() -> str:
            made.append(secrets.token_urlsafe(18))
            return made[0]

        request.csp_nonce = SimpleLazyObject(make)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            nonce = made[0] if made else ""
            response.headers["Content-Security-Policy"] = content_security_policy(nonce)
        return response


# --- Request bodies sent to the API ---------------------------------------------------------------

API_PREFIX = "/api/"
KIB = 1024
MIB = 1024 * KIB
# Every API request body: a vote, a statement, an idea is a few hundred bytes.
API_BODY_LIMIT = 64 * KIB
# The endpoints that legitimately take a file: the JSON imports of initiatives and experiments
# (the same 10 MiB the import pages allow) and an initiative's documents (10 MiB files,
# plus room for the multipart framing). Path suffixes under /api/municipalities/{code}/.
LARGE_BODY_ENDPOINTS: tuple[tuple[str, int], ...] = (
    ("/initiatives/import", 10 * MIB),
    ("/experiments/import", 10 * MIB),
    ("/documents", 10 * MIB + 64 * KIB),
)
# The imports read their JSON body in full; Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) would
# refuse an import the limit above allows, so the middleware reads those bodies itself.
JSON_IMPORT_SUFFIXES = ("/initiatives/import", "/experiments/import")


def body_limit(path: str) -> int:
    for suffix, limit in LARGE_BODY_ENDPOINTS:
        if path.startswith("/api/municipalities/") and path.rstrip("/").endswith(suffix):
            return limit
    return API_BODY_LIMIT


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit // KIB} KiB"


class ApiBodyLimitMiddleware:
    """An API request whose body is larger than its limit gets 413 and a JSON reason, before
    anything reads the body: no view runs and nothing is stored. Pages' forms keep Django's
    own limit (DATA_UPLOAD_MAX_MEMORY_SIZE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limit = body_limit(request.path)
        length = declared_length(request)
        if length > limit:
            message = _(
                "Forespørgslen er for stor: højst %(limit)s, men der blev sendt %(sent)s. "
                "Send mindre ad gangen."
            ) % {"limit": _size(limit), "sent": _size_of(length)}
            return JsonResponse({"detail": message}, status=413)
        if (
            limit > API_BODY_LIMIT
            and length
            and request.method == "POST"
            and request.path.rstrip("/").endswith(JSON_IMPORT_SUFFIXES)
            and request.content_type == "application/json"
        ):
            request._body = request.read()  # within the limit above, checked
        return self.get_response(request)


def _size_of(length: int) -> str:
    if length >= MIB:
        return f"{length / MIB:.1f} MiB".replace(".", "," if _is_danish() else ".")
    return f"{-(-length // KIB)} KiB"


def _is_danish() -> bool:
    return (translation.get_language() or "da").startswith("da")


# --- The answer under overload ------------------------------------------------------------------


def language_from_cookie(cookie_header: str) -> str:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header or "")
    except Exception:  # noqa: BLE001 - a malformed cookie header means the default language
        return settings.LANGUAGE_CODE
    morsel = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    allowed = {code for code, _name in settings.LANGUAGES}
    if morsel is not None and morsel.value in allowed:
        return morsel.value
    return settings.LANGUAGE_CODE


RETRY_AFTER_S = 1


def overloaded_response(path: str, cookie_header: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, headers and body of the 503 a full server answers with (see core.server): JSON
    for the API, a short page otherwise, Danish unless the person chose English."""
    language = language_from_cookie(cookie_header)
    with translation.override(language):
        title = _("Der er travlt lige nu")
        text = _("Samskab har mange besøgende i øjeblikket. Prøv igen om et øjeblik.")
    if path.startswith(API_PREFIX):
        body = json.dumps({"detail": f"{title}. {text}"}, ensure_ascii=False).encode()
        content_type = "application/json"
    else:
        body = (
            f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} – Samskab</title></head>"
            f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>\n"
        ).encode()
        content_type = "text/html; charset=utf-8"
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Retry-After", str(RETRY_AFTER_S)),
        ("Cache-Control", "no-store"),
        ("Content-Language", language),
        ("Content-Security-Policy", content_security_policy()),
        ("X-Content-Type-Options", "nosniff"),
    ]
    return "503 Service Unavailable", headers, body
