"""`samskab serve` behind an HTTPS reverse proxy, as the README's production settings put it:
the proxy's X-Forwarded-* headers decide the scheme, host and client address."""

from __future__ import annotations

import http.client
import os
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.urls import reverse

from tests.helpers import serving
from tests.workshops.conftest import make_facilitator, make_workshop_challenge, open_workshop

SITE = "samskab.example.dk"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    env = {
        **os.environ,
        "SAMSKAB_DATA_DIR": str(tmp_path),
        "BEHIND_HTTPS_PROXY": "true",
        "TRUSTED_PROXIES": "1",
        "ALLOWED_HOSTS": SITE,
        "CSRF_TRUSTED_ORIGINS": f"https://{SITE}",
        "SITE_URL": f"https://{SITE}",
    }
    with serving(env) as port:
        yield port


class Proxy:
    """What a reverse proxy in front of `samskab serve` sends: the upstream's Host, and the
    browser's scheme, host and address in X-Forwarded-* headers."""

    def __init__(self, port: int, client: str = "203.0.113.7") -> None:
        self.port = port
        self.client = client
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": SITE,
            "X-Forwarded-For": self.client,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body.encode(), headers=sent)
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, text


@pytest.mark.django_db(transaction=True)
def test_behind_an_https_proxy_forms_work_hsts_is_sent_and_links_say_https(server, town_a):
    from urllib.parse import urlencode

    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    facilitator = make_facilitator(town_a)
    # The server is not under pytest, so it knows only the real hashers, not the tests' MD5.
    hasher = PBKDF2PasswordHasher()
    facilitator.password = hasher.encode("correct horse battery", hasher.salt())
    facilitator.save(update_fields=["password"])
    workshop = open_workshop(town_a, facilitator, *make_workshop_challenge(town_a))
    browser = Proxy(server)

    page, html = browser.request("GET", reverse("account_login"))
    assert page.status == 200, html[:500]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    assert "csrftoken" in browser.cookies

    form = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "login": facilitator.email,
            "password": "correct horse battery",
        }
    )
    answer, html = browser.request(
        "POST",
        reverse("account_login"),
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{SITE}",
            "Referer": f"https://{SITE}{reverse('account_login')}",
        },
    )
    assert answer.status == 302, html[html.find("alert-body") :][
        :800
    ]  # logged in, not refused by CSRF (403)
    assert answer.headers["Location"].startswith("/") or answer.headers["Location"].startswith(
        f"https://{SITE}/"
    )

    control, html = browser.request(
        "GET",
        reverse(
            "workshops:control",
            kwargs={"municipality": town_a.municipality.slug, "session": workshop.pk},
        ),
    )
    assert control.status == 200, html[:500]
    assert f"https://{SITE}/deltag/?kode={workshop.code}" in html
    assert f"http://{SITE}" not in html


def _wrong_code(browser: Proxy) -> str:
    if "csrftoken" not in browser.cookies:
        browser.request("GET", reverse("workshops:join"))
    token = browser.cookies["csrftoken"]
    _answer, html = browser.request(
        "POST",
        reverse("workshops:join"),
        f"csrfmiddlewaretoken={token}&code=ZZZZZZ&pseudonym=x",
        {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{SITE}"},
    )
    return html


@pytest.mark.django_db(transaction=True)
def test_behind_a_proxy_wrong_codes_are_counted_per_browser_address_not_the_proxys(server):
    """Every request arrives from the proxy's address; the limit must see each phone's own."""
    from samskab.workshops.services import JOIN_LIMITS

    blocked = "Du har prøvet mange forkerte koder"
    for _n in range(JOIN_LIMITS["ip"][0] + 1):
        html = _wrong_code(Proxy(server, client="198.51.100.66"))  # a fresh browser each time
    assert blocked in html
    assert blocked not in _wrong_code(Proxy(server, client="198.51.100.7"))
