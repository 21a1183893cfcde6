"""The README's production settings, as written there: `samskab check --deploy` finds nothing,
and behind the HTTPS proxy every cookie is Secure, HttpOnly and SameSite, with the security
headers a browser needs (a real `samskab serve` on 127.0.0.1)."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.helpers import serving

README = Path(__file__).resolve().parents[2] / "README.md"
SAMSKAB = str(Path(sys.executable).parent / "samskab")
SITE = "samskab.example.dk"


def readme_environment() -> dict[str, str]:
    """The `export NAME=value` lines of the README's production section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Production") :]
    section = section[: section.index("\n## ", 1)]
    found = dict(re.findall(r"^export (\w+)=(\S+)", section, flags=re.M))
    assert {"DATABASE_URL", "SECRET_KEY_FILE", "BEHIND_HTTPS_PROXY"} <= set(found), found
    return found


def production_env(tmp_path: Path, **changes: str) -> dict[str, str]:
    key = tmp_path / "samskab_key"
    key.write_text("k" * 20 + "-production-secret-0123456789abcdefghij", encoding="utf-8")
    env = {
        name: value
        for name, value in os.environ.items()
        if name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    }
    env.update(readme_environment())
    env.update({"SECRET_KEY_FILE": str(key), "SAMSKAB_DATA_DIR": str(tmp_path / "var")})
    env.update(changes)
    return env


def test_check_deploy_is_clean_with_the_readmes_production_settings(tmp_path):
    result = subprocess.run(
        [SAMSKAB, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_without_the_https_proxy_setting_the_check_warns(tmp_path):
    """The test above is not clean by accident: the same settings without the proxy line fail."""
    result = subprocess.run(
        [SAMSKAB, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path, BEHIND_HTTPS_PROXY="false", TRUSTED_PROXIES="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr or "security.W004" in result.stdout  # no HSTS


# --- A real server behind the (simulated) HTTPS proxy -----------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    env = production_env(
        tmp_path,
        TRUSTED_PROXY_ADDRESS="127.0.0.1",  # the test plays the proxy
        TASKS_BACKEND="immediate",
    )
    env.pop("EMAIL_HOST", None)  # no mail server here: mails go to files
    with serving(env, "--threads", "4") as port:
        yield port


def _request(
    port: int,
    method: str,
    path: str,
    *,
    https: bool = True,
    body: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[http.client.HTTPResponse, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    if https:
        sent.update(
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": SITE, "X-Forwarded-For": "1.2.3.4"}
        )
    conn.request(method, path, body=body.encode(), headers=sent)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response, text


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    """Each Set-Cookie header by its cookie's name, as sent."""
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        (name,) = SimpleCookie(header).keys()
        found[name] = header
    return found


def assert_locked_down(header: str) -> None:
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes, header
    assert re.search(r"SameSite=(Lax|Strict)", header, flags=re.I), header


@pytest.mark.django_db(transaction=True)
def test_behind_https_every_cookie_is_secure_httponly_and_samesite(server, kommuner):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from tests.conftest import make_person

    person = make_person("borger@kbh.test")
    hasher = PBKDF2PasswordHasher()  # the server knows only the real hashers
    person.password = hasher.encode("correct horse battery", hasher.salt())
    person.save(update_fields=["password"])
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )

    page, html = _request(server, "GET", "/konto/login/")
    assert page.status == 200, html[:300]
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    csrf = _cookies(page)["csrftoken"]
    assert_locked_down(csrf)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    jar = f"csrftoken={SimpleCookie(csrf)['csrftoken'].value}"

    from urllib.parse import urlencode

    password = "correct horse battery"
    form = {"csrfmiddlewaretoken": token, "login": person.email, "password": password}
    answer, html = _request(
        server,
        "POST",
        "/konto/login/",
        body=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": jar,
            "Origin": f"https://{SITE}",
            "Referer": f"https://{SITE}/konto/login/",
        },
    )
    assert answer.status == 302, html[:500]
    assert_locked_down(_cookies(answer)["sessionid"])

    language, _html = _request(
        server,
        "POST",
        "/sprog/",
        body=urlencode({"csrfmiddlewaretoken": token, "language": "en", "next": "/"}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": jar,
            "Origin": f"https://{SITE}",
            "Referer": f"https://{SITE}/",
        },
    )
    assert language.status == 302
    assert_locked_down(_cookies(language)["samskab_language"])


@pytest.mark.django_db(transaction=True)
def test_plain_http_is_sent_to_https_except_the_health_check(server):
    redirected, _html = _request(
        server, "GET", "/om/", https=False, headers={"Host": SITE, "X-Forwarded-Proto": "http"}
    )
    assert redirected.status == 301
    assert redirected.headers["Location"] == f"https://{SITE}/om/"
    health, body = _request(server, "GET", "/healthz", https=False, headers={"Host": SITE})
    assert health.status == 200 and '"database": "ok"' in body
