"""Samskab's allauth adapter: login limits that slow a guesser without locking out the owner."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from samskab.core.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
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
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{self.get_client_ip(request)}:{account}"
