"""Live workshop under load: 200 phones join and answer while 5 big screens poll every second.

Run from the repo root (on two cores, nice it so the rest of the machine keeps working):

    nice .venv/bin/python bench/bench_workshop.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test nice .venv/bin/python bench/bench_workshop.py

It starts the real server (`samskab serve`, waitress) on a free loopback port with a temporary
SQLite database in a temporary folder, and, when DATABASE_URL is set, a second time on a fresh
PostgreSQL database (`bench_workshop`, created next to the one named and dropped afterwards).
The phones are threads with a plain HTTP client (urllib, one cookie jar each), loopback only,
bounded in number and time. Each phone fetches the join page, joins with the code (no account),
sends a Stacey rating and follows the redirect to the thank-you page (every 20th sends the
rating twice, as after a lost connection), and then asks every 3 seconds whether the next
activity is on, as the waiting page does. Two loads: all phones at the same instant, and phones
arriving over 30 s. Five big screens, logged in as the facilitator, fetch the live fragment once
a second from their own process (a big screen is its own device). Reported: answers per second,
p50/p95 latency of the answer and of the fragment, errors, and how long after an answer the big
screen showed it. The peer, on SQLite in the same run: the same app under plain waitress with
its defaults, which is what `samskab serve` was before it was tuned for rooms of phones.
"""

from __future__ import annotations

import http.cookiejar
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PHONES = int(os.environ.get("BENCH_PHONES", "200"))
SCREENS = 5
LIMIT_S = 120  # each load stops after this, whatever happens
SPREAD_S = 30.0
SERVER_THREADS = int(os.environ.get("BENCH_THREADS", "16"))
ROOT = Path(__file__).resolve().parent.parent
SAMSKAB = str(ROOT / ".venv" / "bin" / "samskab")
PASSWORD = "bench-workshop-password"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COUNT = re.compile(r'data-testid="stacey-n">(\d+) svar')


def setup_data() -> None:
    """Runs in a child process with the bench's environment: people, a challenge, a workshop."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    django.setup()
    from django_scopes import scopes_disabled

    from samskab.accounts.models import Membership, User
    from samskab.challenges import services as challenge_services
    from samskab.challenges.models import Challenge
    from samskab.municipalities import services as m_services
    from samskab.municipalities.models import Municipality
    from samskab.workshops import services

    with scopes_disabled():
        municipality = Municipality.objects.get(code="0265")
        if "--again" in sys.argv:
            facilitator = User.objects.get(email="facilitator@bench.dk")
            challenge = Challenge.objects.get(title="Hvor skal regnvandet hen?")
            session = services.create_session(
                challenge, facilitator, title="Bench 2", kinds=["stacey"], code="AEKDR9"
            )
            print(f"{municipality.slug} {session.pk} {session.code}")
            return
        facilitator = User.objects.create_user("facilitator@bench.dk", PASSWORD)
        Membership.objects.create(municipality=municipality, person=facilitator, role="facilitator")
        movement = m_services.open_movement(municipality, facilitator, title="Bench")
        space = m_services.create_space(movement, facilitator, title="Rum")
        challenge = challenge_services.pose_challenge(
            space, facilitator, title="Hvor skal regnvandet hen?", description="Skybrud."
        )
        session = services.create_session(
            challenge, facilitator, title="Bench", kinds=["stacey"], code="AEKDR7"
        )
        print(f"{municipality.slug} {session.pk} {session.code}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def opener_no_redirect(jar: http.cookiejar.CookieJar) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def post(op, url: str, data: dict[str, str], referer: str) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": referer})
    try:
        with op.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# The peer: the same app under plain waitress with its defaults (100 open connections, requests
# served strictly in arrival order), which is what `samskab serve` was before it was tuned.
PLAIN_WAITRESS = (
    "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'samskab.settings'); "
    "from samskab.wsgi import application; from waitress import serve; "
    "serve(application, host='127.0.0.1', port=int(sys.argv[1]), threads=int(sys.argv[2]))"
)


def run_once(label: str, env: dict[str, str], plain: bool = False) -> list[dict[str, object]]:
    subprocess.run([SAMSKAB, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    out = subprocess.run(
        [sys.executable, __file__, "--setup"], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    slug, session_id, code = out[-3:]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if plain:
        command = [sys.executable, "-c", PLAIN_WAITRESS, str(port), str(SERVER_THREADS)]
    else:
        command = [SAMSKAB, "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--threads", str(SERVER_THREADS)]
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _i in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        # All 200 at the same instant (the worst case), then a fresh workshop where the phones
        # arrive over SPREAD_S seconds, as a room does when the code goes up on the screen.
        burst = load(f"{label}, all at once", base, slug, session_id, code, 0.0)
        out = subprocess.run(
            [sys.executable, __file__, "--setup", "--again"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        spread = load(f"{label}, over {SPREAD_S:.0f} s", base, *out[-3:], SPREAD_S)
        return [burst, spread]
    finally:
        server.terminate()
        server.wait(timeout=20)


def screens_main(base: str, live: str, go, halt, results, limit_s: float) -> None:  # type: ignore[no-untyped-def]
    """The big screens' process: log in as the facilitator, then poll the fragment once a second.
    Sends "ready" once logged in, then (latencies, (time, count) seen, errors) when told to halt.
    time.monotonic() is the same clock in both processes (CLOCK_MONOTONIC)."""
    lock = threading.Lock()
    screen_lat: list[float] = []
    seen: list[tuple[float, int]] = []  # (time a poll returned, answers it showed)
    errors: list[str] = []
    logged_in = threading.Barrier(SCREENS + 1)

    def screen() -> None:
        op = opener()
        login = f"{base}/konto/login/"
        token = CSRF.search(op.open(login, timeout=30).read().decode()).group(1)
        post(
            op,
            login,
            {"csrfmiddlewaretoken": token, "login": "facilitator@bench.dk", "password": PASSWORD},
            login,
        )
        logged_in.wait(timeout=120)
        go.wait(timeout=120)
        deadline = time.monotonic() + limit_s
        while not halt.is_set() and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with op.open(live, timeout=30) as response:
                    body = response.read().decode()
                done = time.monotonic()
                found = COUNT.search(body)
                with lock:
                    screen_lat.append(done - started)
                    if found:
                        seen.append((done, int(found.group(1))))
                    else:
                        errors.append("screen: no count in fragment")
            except Exception as e:  # noqa: BLE001 - a benchmark counts every failure
                with lock:
                    errors.append(f"screen: {e}")
            halt.wait(max(0.0, 1.0 - (time.monotonic() - started)))

    threads = [threading.Thread(target=screen, daemon=True) for _i in range(SCREENS)]
    for t in threads:
        t.start()
    logged_in.wait(timeout=120)
    results.put("ready")
    halt.wait(timeout=limit_s + 60)
    for t in threads:
        t.join(timeout=35)
    results.put((screen_lat, seen, errors))


def load(
    label: str, base: str, slug: str, session_id: str, code: str, spread_s: float
) -> dict[str, object]:
    deadline = time.monotonic() + LIMIT_S
    lock = threading.Lock()
    answer_lat: list[float] = []
    answered_at: list[float] = []
    errors: list[str] = []
    stop = threading.Event()

    # The big screens run in their own process, as a big screen is its own device: their polls
    # do not wait for the 200 phone threads' turn in this process.
    live = f"{base}/kommuner/{slug}/workshop/{session_id}/storskaerm/live/"
    ctx = multiprocessing.get_context("spawn")
    go, halt, results = ctx.Event(), ctx.Event(), ctx.Queue()
    screens = ctx.Process(target=screens_main, args=(base, live, go, halt, results, LIMIT_S))
    screens.start()

    gate = threading.Barrier(PHONES)

    def phone(n: int) -> None:
        jar = http.cookiejar.CookieJar()
        op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        raw = opener_no_redirect(jar)
        join = f"{base}/deltag/?kode={code}"
        try:
            gate.wait(timeout=60)
            time.sleep(spread_s * n / PHONES)
            page = op.open(join, timeout=30).read().decode()
            token = CSRF.search(page).group(1)
            status, page = post(
                op,
                f"{base}/deltag/",
                {"csrfmiddlewaretoken": token, "code": code, "pseudonym": f"Telefon {n}"},
                join,
            )
            if status != 200 or 'name="agreement"' not in page:
                raise RuntimeError(f"join answered {status}")
            activity = re.search(r'name="activity" value="(\d+)"', page).group(1)
            token = CSRF.search(page).group(1)
            play = f"{base}/deltag/{code}/"
            data = {
                "csrfmiddlewaretoken": token,
                "activity": activity,
                "agreement": str(1 + n % 5),
                "certainty": str(1 + (n * 7) % 5),
            }
            started = time.monotonic()
            status, _body = post(raw, play, data, play)
            done = time.monotonic()
            if status != 302:
                raise RuntimeError(f"answer answered {status}")
            # The browser follows the redirect to the "thank you, wait" page.
            if "Tak for dit svar" not in op.open(play, timeout=30).read().decode():
                raise RuntimeError("no thank-you page after the answer")
            # A phone that lost the answer's reply sends it again: it must not count twice.
            if n % 20 == 0:
                post(raw, play, data, play)
            with lock:
                answer_lat.append(done - started)
                answered_at.append(done)
            # Then wait for the next activity as the page does: ask every 3 seconds.
            waiting = f"{base}/deltag/{code}/venter/?activity={activity}-1"
            while not stop.wait(3.0) and time.monotonic() < deadline:
                with raw.open(waiting, timeout=30) as response:
                    if response.status != 204 or response.headers.get("HX-Refresh"):
                        raise RuntimeError(f"waiting answered {response.status}")
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append(f"phone: {e}")

    # The screens log in first (password hashing is slow on purpose), then start polling.
    ready_msg = results.get(timeout=120)
    if ready_msg != "ready":
        raise RuntimeError(f"screens did not start: {ready_msg}")
    go.set()
    time.sleep(1.5)
    phones = [threading.Thread(target=phone, args=(n,), daemon=True) for n in range(PHONES)]
    t0 = time.monotonic()
    for t in phones:
        t.start()
    # Wait until every phone has answered (or given up), let the screens catch up, then stop.
    while time.monotonic() < deadline:
        with lock:
            if len(answered_at) + len(errors) >= PHONES:
                break
        time.sleep(0.2)
    t1 = max(answered_at, default=time.monotonic())
    time.sleep(2.5)
    stop.set()
    halt.set()
    screen_lat, seen, screen_errors = results.get(timeout=60)
    errors.extend(screen_errors)
    screens.join(timeout=35)
    for t in phones:
        t.join(timeout=35)

    answered_at.sort()
    delays = []
    for k, t in enumerate(answered_at, start=1):
        shown = [when for when, count in seen if when >= t and count >= k]
        if shown:
            delays.append(min(shown) - t)
    final = max((count for _when, count in seen), default=0)
    return {
        "label": label,
        "phones": PHONES,
        "answers": len(answered_at),
        "final_count_on_screen": final,
        "answers_per_s": len(answered_at) / max(1e-9, t1 - t0),
        "answer_p50_ms": 1000 * pct(answer_lat, 0.5),
        "answer_p95_ms": 1000 * pct(answer_lat, 0.95),
        "screen_polls": len(screen_lat),
        "screen_p50_ms": 1000 * pct(screen_lat, 0.5),
        "screen_p95_ms": 1000 * pct(screen_lat, 0.95),
        "visible_p50_ms": 1000 * pct(delays, 0.5),
        "visible_p95_ms": 1000 * pct(delays, 0.95),
        "visible_max_ms": 1000 * max(delays, default=float("nan")),
        "errors": len(errors),
        "error_sample": sorted(set(errors))[:3],
    }


def postgres_env(url: str) -> tuple[str, object]:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    admin = psycopg.connect(url, autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS bench_workshop")
    admin.execute("CREATE DATABASE bench_workshop")
    return parsed._replace(path="/bench_workshop").geturl(), admin


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SAMSKAB_DATA_DIR": tmp, "LOG_LEVEL": "WARNING"}
        env.pop("DATABASE_URL", None)
        results.extend(run_once("SQLite", env))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SAMSKAB_DATA_DIR": tmp, "LOG_LEVEL": "WARNING"}
        env.pop("DATABASE_URL", None)
        results.extend(run_once("SQLite, plain waitress (peer)", env, plain=True))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SAMSKAB_DATA_DIR": tmp, "LOG_LEVEL": "WARNING"}
        env.pop("DATABASE_URL", None)
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            url, admin = postgres_env(os.environ["DATABASE_URL"])
            try:
                results.extend(run_once("PostgreSQL", {**env, "DATABASE_URL": url}))
            finally:
                admin.execute("DROP DATABASE IF EXISTS bench_workshop WITH (FORCE)")  # type: ignore[attr-defined]
    print(f"{PHONES} phones, {SCREENS} big screens polling every second, {os.cpu_count()} cores")
    for r in results:
        print(
            f"{r['label']}: {r['answers']}/{r['phones']} answers, {r['answers_per_s']:.0f} answers/s; "
            f"answer p50 {r['answer_p50_ms']:.0f} ms, p95 {r['answer_p95_ms']:.0f} ms; "
            f"fragment p50 {r['screen_p50_ms']:.0f} ms, p95 {r['screen_p95_ms']:.0f} ms "
            f"({r['screen_polls']} polls); on screen after p50 {r['visible_p50_ms']:.0f} ms, "
            f"p95 {r['visible_p95_ms']:.0f} ms, max {r['visible_max_ms']:.0f} ms; "
            f"screen shows {r['final_count_on_screen']}; errors {r['errors']} {r['error_sample']}"
        )


if __name__ == "__main__":
    if "--setup" in sys.argv:
        setup_data()
    else:
        main()
