"""Stateless web processes: two real `samskab serve` processes on different ports, with the same
PostgreSQL database and the same Redis cache (the README's production set-up), behave as one
site. A session, a CSRF token, a logout and the login limit all hold across them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.production.ops import (
    REDIS,
    Browser,
    environment,
    flush_redis,
    need_postgres,
    need_redis,
    new_database,
    python,
    samskab,
    served,
)

PASSWORD = "to processer, en adgangskode"  # noqa: S105
PEOPLE = ["anna@to.test", "bo@to.test", "carl@to.test"]


@dataclass
class Site:
    a: str
    b: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    need_postgres()
    need_redis()
    flush_redis()
    data = tmp_path_factory.mktemp("to-processer")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(new_database("two"))
        env = environment(data, url, REDIS_URL=REDIS)
        samskab("migrate", "--no-input", "-v", "0", env=env)
        python(
            "from allauth.account.models import EmailAddress\n"
            "from samskab.accounts.models import User\n"
            f"for email in {PEOPLE!r}:\n"
            f"    u = User.objects.create_user(email, {PASSWORD!r}, display_name=email[:4])\n"
            "    EmailAddress.objects.create(user=u, email=email, verified=True, primary=True)\n",
            env,
        )
        a = stack.enter_context(served(env, "--no-worker"))
        b = stack.enter_context(served(env, "--no-worker"))
        assert a != b
        yield Site(a, b)
    flush_redis()


def logged_in(browser: Browser, base: str) -> bool:
    status, _page, headers = browser.request(base + "/mig/")
    if status == 200:
        return True
    assert status == 302 and "/konto/login/" in headers.get("Location", ""), status
    return False


def test_a_login_on_one_process_is_a_session_on_the_other(site: Site):
    browser = Browser()
    assert not logged_in(browser, site.b)
    login = "/konto/login/"
    assert browser.log_in(site.a + login, site.a + login, PEOPLE[0], PASSWORD) == 302
    assert logged_in(browser, site.b)
    assert logged_in(browser, site.a)


def test_a_form_from_one_process_is_accepted_by_the_other_and_a_forged_one_by_neither(
    site: Site,
):
    login = "/konto/login/"
    # The login form fetched from A, sent to B: B accepts A's CSRF token.
    browser = Browser()
    assert browser.log_in(site.a + login, site.b + login, PEOPLE[1], PASSWORD) == 302
    assert logged_in(browser, site.a)
    # A token that no process issued is refused by both.
    stranger = Browser()
    stranger.csrf_token(site.a + login)
    for base in (site.a, site.b):
        status, _page, _ = stranger.request(
            base + login,
            {"login": PEOPLE[1], "password": PASSWORD, "csrfmiddlewaretoken": "x" * 64},
        )
        assert status == 403


def test_logging_out_on_one_process_ends_the_session_on_the_other(site: Site):
    """Sessions are cached in Redis: a process must not keep serving one that another ended."""
    browser = Browser()
    login = "/konto/login/"
    assert browser.log_in(site.a + login, site.a + login, PEOPLE[0], PASSWORD) == 302
    assert logged_in(browser, site.a) and logged_in(browser, site.b)
    status, _page, _ = browser.request(
        site.b + "/konto/logout/", {"csrfmiddlewaretoken": browser.cookie("csrftoken")}
    )
    assert status == 302
    # The old session cookie, sent again, is no session on either process.
    assert not logged_in(browser, site.a)
    assert not logged_in(browser, site.b)


def test_failed_logins_on_both_processes_count_towards_one_limit(site: Site):
    """Five wrong passwords for an account from one address within five minutes (README); three
    on A and two on B are five, so the right password is refused next, on either process."""
    login = "/konto/login/"
    guesser = Browser()
    for base in [site.a, site.a, site.a, site.b, site.b]:
        status = guesser.log_in(base + login, base + login, PEOPLE[2], "forkert adgangskode")
        assert status == 200  # the form again, with its error
        assert "for mange" not in guesser.last_page
    for base in (site.a, site.b):
        status = guesser.log_in(base + login, base + login, PEOPLE[2], PASSWORD)
        assert status == 200, "the limit was counted per process"
        assert "for mange mislykkede" in guesser.last_page
        assert not logged_in(guesser, base)


@pytest.mark.django_db
def test_the_login_limit_is_one_whichever_host_name_or_port_a_request_names(client):
    """allauth's own key began with the requested host: each process's address and port, and
    each name in ALLOWED_HOSTS, had five guesses of its own."""
    from allauth.account.models import EmailAddress

    from samskab.accounts.models import User

    person = User.objects.create_user(PEOPLE[2], PASSWORD)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    hosts = ["127.0.0.1:8000", "127.0.0.1:8001", "localhost", "localhost:8001", "[::1]"]
    for host in hosts:
        answer = client.post(
            "/konto/login/", {"login": PEOPLE[2], "password": "forkert"}, HTTP_HOST=host
        )
        assert answer.status_code == 200 and "for mange" not in answer.content.decode()
    answer = client.post(
        "/konto/login/", {"login": PEOPLE[2], "password": PASSWORD}, HTTP_HOST="localhost:8002"
    )
    assert "for mange mislykkede" in answer.content.decode()
    assert "_auth_user_id" not in client.session
