"""An overloaded `samskab serve` answers 503 with Retry-After at once instead of queueing
without bound, and serves normally again when the burst is over.

A real server on 127.0.0.1 with one thread and room for two requests in flight
(MAX_IN_FLIGHT=2), and bursts of a few dozen requests sent at the same instant: bounded in
requests and time. Each test runs with waitress (`samskab serve`) and with gunicorn (`samskab
serve --workers 2 --server gunicorn`: two processes, each with the same bound; they need Redis)."""

from __future__ import annotations

import http.client
import json
import os
import threading
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import pytest

from samskab.core.gunicorn_worker import BoundedPool, _lane, _overflow_thread, answering_overload
from samskab.core.server import IN_FLIGHT_PER_THREAD, LiveFirstDispatcher, max_in_flight
from tests.helpers import serving
from tests.production.ops import REDIS, need_redis

BURST = 30


SERVERS = {
    "waitress": ("--threads", "1"),
    "gunicorn": ("--threads", "1", "--workers", "2", "--server", "gunicorn"),
}


@pytest.fixture(params=sorted(SERVERS))
def server(request: pytest.FixtureRequest, tmp_path: Path, kommuner: int) -> Iterator[int]:
    env = {**os.environ, "SAMSKAB_DATA_DIR": str(tmp_path), "MAX_IN_FLIGHT": "2"}
    if request.param == "gunicorn":
        need_redis()  # more than one web process shares its cache
        env["REDIS_URL"] = REDIS
    with serving(env, *SERVERS[request.param]) as port:
        yield port


def _get(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read().decode()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def _burst(port: int, path: str, cookie: str = "") -> list[tuple[int, dict[str, str], str]]:
    """BURST requests for `path`, each on its own connection, released at the same instant."""
    start = threading.Barrier(BURST)
    answers: list[tuple[int, dict[str, str], str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            start.wait(timeout=30)
            answer = _get(port, path, cookie)
            with lock:
                answers.append(answer)
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(answers) == BURST
    return answers


@pytest.mark.django_db(transaction=True)
def test_a_full_server_answers_503_with_retry_after_in_danish_and_recovers(server):
    answers = _burst(server, "/")
    statuses = sorted(status for status, _headers, _body in answers)
    assert set(statuses) <= {200, 503}, statuses
    assert 200 in statuses, statuses  # the requests it had room for were served
    assert 503 in statuses, statuses  # the others were turned away, not queued
    for status, headers, body in answers:
        if status == 503:
            assert headers["retry-after"] == "1"
            assert headers["content-type"].startswith("text/html")
            assert "Der er travlt lige nu" in body
            assert "Prøv igen om et øjeblik" in body
            assert headers["content-language"] == "da"
            assert "script-src 'self'" in headers["content-security-policy"]
        else:
            assert "Alle kommuner" in body
    # The burst is over: the next person is served as usual.
    status, _headers, body = _get(server, "/")
    assert status == 200 and "Alle kommuner" in body


@pytest.mark.django_db(transaction=True)
def test_an_overloaded_api_answers_json_and_a_chosen_language_is_kept(server):
    answers = _burst(server, "/api/municipalities", cookie="samskab_language=en")
    refused = [(headers, body) for status, headers, body in answers if status == 503]
    assert refused, [status for status, _h, _b in answers]
    assert {status for status, _h, _b in answers} <= {200, 503}
    for headers, body in refused:
        assert headers["retry-after"] == "1"
        assert headers["content-type"] == "application/json"
        assert headers["content-language"] == "en"
        assert json.loads(body)["detail"]
    served = [body for status, _h, body in answers if status == 200]
    assert served and all(json.loads(body) for body in served)
    assert _get(server, "/api/municipalities")[0] == 200


def test_the_bound_follows_the_threads_unless_set():
    assert max_in_flight(8, 0) == 8 * IN_FLIGHT_PER_THREAD
    assert max_in_flight(16, 0) == 16 * IN_FLIGHT_PER_THREAD
    assert max_in_flight(4, 2) == 4  # never fewer than the threads that serve
    assert max_in_flight(4, 100) == 100


def test_the_big_screen_is_never_turned_away():
    """Its poll is what the whole room looks at; it goes first in line even when full."""

    class Request:
        def __init__(self, path: str) -> None:
            self.path = path

    class Channel:
        def __init__(self, path: str) -> None:
            self.requests = [Request(path)]

    dispatcher = LiveFirstDispatcher(limit=1)
    dispatcher.add_task(Channel("/kommuner/x/"))  # no thread started: it stays queued
    screen = Channel("/kommuner/x/workshop/1/storskaerm/live/")
    phone = Channel("/deltag/ABC123/")
    dispatcher.add_task(phone)
    dispatcher.add_task(screen)
    assert "task_class" in vars(phone)  # answered 503
    assert "task_class" not in vars(screen)
    assert list(dispatcher.queue)[0] is screen


@pytest.mark.django_db(transaction=True)
def test_the_real_server_refuses_an_over_large_api_body_in_danish(server):
    """Through waitress too: 413 and the JSON reason, and the server takes the next request."""
    for size in (70 * 1024, 1024 * 1024):
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=60)
        try:
            conn.request(
                "POST",
                "/api/municipalities/0101/conversations/1/votes",
                body=b"{" + b" " * (size - 2) + b"}",
                headers={"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            body = response.read().decode()
        finally:
            conn.close()
        assert response.status == 413
        assert response.getheader("Content-Type") == "application/json"
        assert "Forespørgslen er for stor" in json.loads(body)["detail"]
    assert _get(server, "/api/municipalities")[0] == 200


def test_over_the_bound_gunicorn_answers_503_but_still_serves_the_big_screen():
    """The requests over the bound go to gunicorn's overflow threads, where the application is
    answered for by the 503, except the big screen's poll, which is served."""
    served: list[str] = []

    def application(environ, start_response):  # type: ignore[no-untyped-def]
        served.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    wsgi = answering_overload(application)
    screen = "/kommuner/x/workshop/1/storskaerm/live/"
    phone = "/deltag/ABC123/"

    def ask(path: str) -> tuple[str, bytes]:
        statuses: list[str] = []
        body = b"".join(wsgi({"PATH_INFO": path}, lambda s, h: statuses.append(s)))
        return statuses[0], body

    with futures.ThreadPoolExecutor(max_workers=1, initializer=_overflow_thread) as overflow:
        in_overflow = {path: overflow.submit(ask, path).result() for path in (screen, phone)}
    assert in_overflow[screen] == ("200 OK", b"ok")
    status, body = in_overflow[phone]
    assert status.startswith("503") and "Der er travlt lige nu" in body.decode()
    # Within the bound (any other thread) every request is the application's.
    assert ask(phone) == ("200 OK", b"ok")
    assert served == [screen, phone]


def test_gunicorns_pool_sends_what_is_over_the_bound_to_the_overflow_threads():
    """One thread and room for two: the third request at once goes to the overflow threads,
    and when the first two are done the next one is the pool's again."""
    pool = BoundedPool(threads=1, limit=2)
    release = threading.Event()

    def request() -> bool:
        """True in an overflow thread (answered at once), else False once released."""
        if getattr(_lane, "overflow", False):
            return True
        release.wait(timeout=30)
        return False

    try:
        held = [pool.submit(request) for _ in range(2)]  # one running, one waiting
        assert pool.submit(request).result(timeout=30) is True  # over the bound: answered
        release.set()
        assert [f.result(timeout=30) for f in held] == [False, False]
        assert pool.submit(request).result(timeout=30) is False
    finally:
        release.set()
        pool.shutdown()
