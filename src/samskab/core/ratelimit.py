"""Per-person limits on posting, counted in the cache (Redis in production).

A fixed window is enough here: the aim is to stop floods and scripts, not to meter fairly.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from samskab.core.errors import ServiceError

# action: (how many, per how many seconds)
LIMITS: dict[str, tuple[int, int]] = {
    "idea": (10, 3600),
    "comment": (30, 600),
    "flag": (20, 3600),
    "statement": (20, 3600),
    # A person reading and answering statements one by one manages far fewer; a script more.
    "vote": (300, 600),
    # Two ideas and one click: a person thinking about each pair answers a few a minute.
    "compare": (120, 600),
}


class RateLimited(ServiceError):
    pass


def check_rate(person_id: int, action: str, message: str | None = None) -> None:
    """Count one more `action` by this person; refuse it when the window is full, with
    `message` where the default (about text still in the field) does not fit the action."""
    limit, window = LIMITS[action]
    key = f"rate:{action}:{person_id}"
    count_in_window = getattr(cache, "count_in_window", None)
    if count_in_window is not None:
        count = count_in_window(key, window)
    else:
        added = cache.add(key, 1, timeout=window)
        count = 1 if added else cache.incr(key)
    if count > limit:
        raise RateLimited(
            message
            or _(
                "Du har skrevet meget på kort tid. Vent lidt, og prøv så igen. "
                "Din tekst er ikke gemt endnu, men den står stadig i feltet."
            )
        )


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. Behind `TRUSTED_PROXIES` reverse proxies it is the
    one the outermost of them saw (counted from the right of X-Forwarded-For, since a client can
    put anything on the left); otherwise the connection's own address.

    Under `samskab serve` waitress has already done the same count: REMOTE_ADDR is that client
    and X-Forwarded-For is cut to the trusted entries, so this reads the same address again
    rather than one further left. Other WSGI servers leave both as the proxy sent them."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))
