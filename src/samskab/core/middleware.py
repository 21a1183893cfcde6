from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class LanguageMiddleware:
    """Danish unless the person chose otherwise (cookie), whatever the browser asks for.

    Django's LocaleMiddleware would follow Accept-Language and show English to most browsers;
    Samskab is Danish first, so only an explicit choice switches language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.allowed = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.allowed else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class AdminScopesMiddleware:
    """The admin site is the operator's tool across every municipality: scopes are off there.

    Only platform superusers/staff reach /admin/; everything else keeps the tenant scope.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/"):
            from django_scopes import scopes_disabled

            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)


class ForbiddenWithoutTraceback(logging.Filter):
    """A refused request (403) is a person trying a page they may not use, not a fault: log its
    one line ("Forbidden (Permission denied): /path/") without the traceback, which would bury
    the real errors in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
