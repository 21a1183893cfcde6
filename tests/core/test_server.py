"""The web server puts a big screen's poll ahead of the phones waiting in line."""

from __future__ import annotations

import http.client
import threading
import time

import pytest
from waitress.server import create_server

from samskab.core.server import LiveFirstDispatcher, first_in_line, make_server


def test_only_the_big_screen_fragment_is_first_in_line():
    assert first_in_line("/kommuner/roskilde/workshop/4/storskaerm/live/")
    assert not first_in_line("/kommuner/roskilde/workshop/4/storskaerm/")
    assert not first_in_line("/deltag/AEKDR7/")


def test_a_big_screen_poll_is_served_before_requests_that_came_first():
    served: list[str] = []
    release = threading.Event()

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        path = environ["PATH_INFO"]
        if path == "/busy/":
            release.wait(10)
        served.append(path)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    dispatcher = LiveFirstDispatcher()
    dispatcher.set_thread_count(1)  # one thread, so the others must wait in the queue
    server = create_server(app, host="127.0.0.1", port=0, _dispatcher=dispatcher)
    port = server.effective_port
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    try:
        paths = ["/busy/", "/deltag/A/", "/deltag/B/", "/kommuner/x/workshop/1/storskaerm/live/"]
        connections = []
        for path in paths:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            connections.append(connection)
            # Let the server read each request before the next, so they queue in this order.
            deadline = time.monotonic() + 5
            while (
                time.monotonic() < deadline
                and len(dispatcher.queue) + len(served) < len(connections) - 1
            ):
                time.sleep(0.01)
        time.sleep(0.1)
        release.set()
        for connection in connections:
            assert connection.getresponse().status == 200
            connection.close()
    finally:
        server.close()
        dispatcher.shutdown()
    assert served == paths[:1] + paths[-1:] + paths[1:-1]


def test_a_room_of_phones_keeping_their_connections_open_does_not_lock_out_the_big_screen():
    """Browsers keep a connection open between requests. Waitress's default limit of 100 open
    connections left the 101st phone, and the big screen, waiting for one to time out."""

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    server = make_server(app, host="127.0.0.1", port=0, threads=2)
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    phones = []
    try:
        for _n in range(210):  # a room of phones, each with its kept-alive connection
            phone = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
            phone.request("GET", "/deltag/")
            assert phone.getresponse().read() == b"ok"
            phones.append(phone)
        screen = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=3)
        screen.request("GET", "/kommuner/x/workshop/1/storskaerm/live/")
        assert screen.getresponse().read() == b"ok"
        screen.close()
    finally:
        for phone in phones:
            phone.close()
        server.close()
        server.task_dispatcher.shutdown()


@pytest.mark.django_db(transaction=True)
def test_the_web_server_runs_queued_tasks_in_a_thread(settings):
    from django_tasks import TaskResultStatus

    from samskab.core.server import DATABASE_TASKS, start_task_worker
    from samskab.workshops.services import forget_guests_task as forget_guests

    assert start_task_worker() is None  # the immediate backend runs tasks inline
    settings.TASKS = {"default": {"BACKEND": DATABASE_TASKS}}
    result = forget_guests.enqueue()
    assert result.status == TaskResultStatus.READY  # queued, not run by enqueueing
    started = start_task_worker(interval=0.1)
    assert started is not None
    worker, thread = started
    try:
        deadline = time.monotonic() + 20
        while result.status != TaskResultStatus.SUCCESSFUL and time.monotonic() < deadline:
            time.sleep(0.1)
            result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 0
    finally:
        worker.running = False
        thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_samskab_serve_runs_what_others_queued_and_stops_cleanly_when_told(settings, tmp_path):
    """The laptop set-up: a task queued by another process (a vote, `samskab demo`) is run by
    the web server's worker thread, and a service manager's SIGTERM stops the server cleanly."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection
    from django_tasks import TaskResultStatus

    from samskab.core.server import DATABASE_TASKS
    from samskab.workshops.services import forget_guests_task as forget_guests

    settings.TASKS = {"default": {"BACKEND": DATABASE_TASKS}}
    result = forget_guests.enqueue()
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        "SAMSKAB_DATA_DIR": str(tmp_path),
    }
    samskab = Path(sys.executable).parent / "samskab"
    server = subprocess.Popen(
        [str(samskab), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while result.status != TaskResultStatus.SUCCESSFUL and time.monotonic() < deadline:
            time.sleep(0.2)
            result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
        output = server.communicate(timeout=10)[0]
    assert "Baggrundsopgaver køres i denne proces." in output
