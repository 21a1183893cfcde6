"""The assurance level of this session's login, on the request's person.

A space may require a minimum NSIS level to take part (`Space.min_assurance`). Permission rules
see only the person, not the request, so this middleware puts the level the session's login
reached on the person as ``login_assurance``: "low", "substantial" or "high" for a login through
a provider that reported one, "" for a password login (or none at all). It runs after Django's
authentication middleware and stays as lazy as it: nothing is read until someone looks at
``request.user``, and a session without a provider login costs no query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import get_user
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from samskab.accounts import oidc

ATTRIBUTE = "login_assurance"


def _person_with_assurance(request: HttpRequest) -> Any:
    user = get_user(request)
    if getattr(user, "is_authenticated", False) and not hasattr(user, ATTRIBUTE):
        setattr(user, ATTRIBUTE, oidc.session_assurance(request, user))
    return user


class LoginAssuranceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = SimpleLazyObject(lambda: _person_with_assurance(request))  # type: ignore[assignment]
        return self.get_response(request)
