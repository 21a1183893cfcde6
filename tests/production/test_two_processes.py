"""Stateless web processes: two real `samskab serve` processes on different ports, with the same
PostgreSQL database and the same Redis cache (the README's production set-up), behave as one
site. A session, a CSRF token, a logout and the login limit all hold across them, and the last
opinion analysis, whichever process took the votes, is the one both show."""

from __future__ import annotations

import contextlib
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.production.fault import _vote
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


VOTERS = 6  # enough for the map's groups to show (MIN_GROUP_SIZE 5)
CODE = "0751"

# A public conversation with three statements, and a citizen with a session per voter.
SETUP_CONVERSATION = """
import json, secrets
from django.conf import settings
from django.utils.module_loading import import_string
from django_scopes import scope, scopes_disabled
from samskab.accounts.models import Membership, Role, User
from samskab.municipalities import services as municipality_services
from samskab.municipalities.models import Municipality, Visibility
from samskab.opinions import services
from samskab.opinions.models import Statement

store = import_string(settings.SESSION_ENGINE + ".SessionStore")
with scopes_disabled():
    municipality = Municipality.objects.get(code=%(code)r)
    owner = User.objects.create_user("ejer@to.test", "x" * 20, display_name="Ejer")
    Membership.objects.create(municipality=municipality, person=owner, role=Role.ADMINISTRATOR)
    movement = municipality_services.open_movement(municipality, owner, title="To processer")
    space = municipality_services.create_space(
        movement, owner, title="Samtaler", visibility=Visibility.PUBLIC
    )
with scope(municipality=municipality):
    conversation = services.create_conversation(
        space, owner, title="Byen", statements=["Flere cykelstier", "Flere bænke", "Mindre støj"]
    )
    statements = sorted(
        Statement.objects.filter(conversation=conversation).values_list("pk", flat=True)
    )
sessions = []
for i in range(%(voters)d):
    person = User.objects.create_user(f"stemmer{i}@to.test", "x" * 20, display_name=f"S{i}")
    Membership.objects.create(municipality=municipality, person=person, role=Role.CITIZEN)
    session = store()
    session["_auth_user_id"] = str(person.pk)
    session["_auth_user_backend"] = "samskab.accounts.backends.ModelBackend"
    session["_auth_user_hash"] = person.get_session_auth_hash()
    session.create()
    sessions.append([session.session_key, secrets.token_hex(16)])
print(json.dumps({"conversation": conversation.pk, "statements": statements, "sessions": sessions}))
"""


@dataclass
class Site:
    a: str
    b: str
    conversation: int = 0
    statements: list[int] = field(default_factory=list)
    sessions: list[list[str]] = field(default_factory=list)


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
        out = python(SETUP_CONVERSATION % {"code": CODE, "voters": VOTERS}, env)
        opinion = json.loads(out.strip().splitlines()[-1])
        a = stack.enter_context(served(env, "--no-worker"))
        b = stack.enter_context(served(env, "--no-worker"))
        assert a != b
        yield Site(a, b, opinion["conversation"], opinion["statements"], opinion["sessions"])
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


def _analysis(base: str, site: Site) -> dict[str, object]:
    url = f"{base}/api/municipalities/{CODE}/conversations/{site.conversation}/analysis"
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - loopback only
        assert answer.status == 200
        return dict(json.loads(answer.read()))


def test_the_last_opinion_analysis_is_the_same_on_both_processes(site: Site):
    """The votes go to one process, then to the other; each time both show the map of all the
    votes so far (it is stored in the database, not kept per process)."""
    votes_url = f"/api/municipalities/{CODE}/conversations/{site.conversation}/votes"
    first, second = site.statements[0], site.statements[1]
    # Everyone votes on the first statement through A: four agree, two disagree.
    for i, (sid, csrf) in enumerate(site.sessions):
        assert _vote(site.a + votes_url, sid, csrf, first, 1 if i < 4 else -1) == 200
    on_a, on_b = _analysis(site.a, site), _analysis(site.b, site)
    assert on_a == on_b
    assert on_b["dirty"] is False and on_b["computed_at"]
    result = on_b["result"]
    assert result["n_votes"] == len(site.sessions)
    assert result["statements"][str(first)]["agree"] == 4

    # Then through B: everyone votes on the second statement, and two change their first vote.
    for i, (sid, csrf) in enumerate(site.sessions):
        assert _vote(site.b + votes_url, sid, csrf, second, -1 if i % 2 else 1) == 200
    for sid, csrf in site.sessions[:2]:
        assert _vote(site.b + votes_url, sid, csrf, first, -1) == 200
    later_a, later_b = _analysis(site.a, site), _analysis(site.b, site)
    assert later_a == later_b
    assert later_a["computed_at"] != on_a["computed_at"]
    result = later_a["result"]
    assert result["n_votes"] == 2 * len(site.sessions)
    assert result["statements"][str(first)]["agree"] == 2
    assert result["statements"][str(second)]["agree"] == 3
