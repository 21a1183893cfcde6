"""Vote ingestion at a national peak: the real HTTP API against `samskab serve` on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_h11
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_h11 REDIS_URL=redis://127.0.0.1:6379/11 \
        nice .venv/bin/python bench/bench_votes.py [--workers 2 --threads 8 --server waitress]

Sets up (in the named database, whose opinion tables it fills) one municipality's conversation
of 200 statements and 5,000 participants, each a citizen with a session of their own. A few of
them log in through the real login form (GET the page for the CSRF token, POST the form) and
vote with that session, to show the flow end to end; the others get their sessions from
Django's own session store (logging 5,000 people in would measure the password hasher, which
is deliberately slow). Then `wrk` on loopback (32 connections, 2 threads, bounded in time and in
requests) POSTs votes to /api/.../votes with each participant's session cookie and CSRF token,
a random statement and value, and reports votes/s, p50/p95/p99 and errors. In the same run
pgbench does what a vote must do at the least, the upsert of the vote plus its history row, on
the same tables with the same 32 connections: the ratio is Samskab's share of its database.
Afterwards it checks that every 2xx was stored once (history rows = acknowledged votes).

Also in the same run, Django's own floor: the same server, sessions and load against an
endpoint that authenticates the session, checks CSRF, reads the JSON and answers, and does
nothing else (bench/django_floor). No vote path written in Django gets past it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMSKAB = str(ROOT / ".venv" / "bin" / "samskab")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CODE = "0751"  # Aarhus
PASSWORD = "bench-votes-password"

LUA = r"""
local sessions = {}
for line in io.lines("%(sessions)s") do
  local sid, csrf = line:match("(%%S+) (%%S+)")
  sessions[#sessions + 1] = {sid, csrf}
end
local statements = {%(statements)s}
local path = "%(path)s"
local limit = %(limit)d
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(id * 7919 + 1)
  ok = 0
  bad = 0
  sent = 0
end

function request()
  sent = sent + 1
  if sent > limit then
    wrk.thread:stop()
  end
  local s = sessions[math.random(#sessions)]
  local body = '{"statement": ' .. statements[math.random(#statements)] ..
    ', "value": ' .. (math.random(3) - 2) .. '}'
  return wrk.format("POST", path, {
    ["Host"] = "127.0.0.1",
    ["Content-Type"] = "application/json",
    ["Cookie"] = "sessionid=" .. s[1] .. "; csrftoken=" .. s[2],
    ["X-CSRFToken"] = s[2],
    ["Referer"] = "http://127.0.0.1/",
  }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
  end
  io.write(string.format(
    'RESULT {"ok": %%d, "bad": %%d, "requests": %%d, "duration_us": %%d, ' ..
    '"socket_errors": %%d, "p50_ms": %%.2f, "p95_ms": %%.2f, "p99_ms": %%.2f}\n',
    o, b, summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def setup_data(participants: int, n_statements: int, sessions_file: str) -> dict[str, object]:
    """In a child process with the bench's environment: the conversation, people, sessions."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.base import SessionBase
    from django.utils.module_loading import import_string
    from django_scopes import scope, scopes_disabled

    from samskab.accounts.models import Membership, Role, User
    from samskab.municipalities import services as municipality_services
    from samskab.municipalities.models import Movement, Municipality, Visibility
    from samskab.opinions import services
    from samskab.opinions.models import Participant, Statement

    store: type[SessionBase] = import_string(settings.SESSION_ENGINE + ".SessionStore")
    with scopes_disabled():
        municipality = Municipality.objects.get(code=CODE)
        tag = secrets.token_hex(3)
        owner = User.objects.create_user(f"owner-{tag}@bench.test", PASSWORD, email_verified=True)
        Membership.objects.create(municipality=municipality, person=owner, role=Role.ADMINISTRATOR)
        movement = Movement.objects.filter(municipality=municipality).first()
        if movement is None:
            movement = municipality_services.open_movement(municipality, owner, title="Bænk")
        space = municipality_services.create_space(
            movement, owner, title=f"Stemmebænk {tag}", visibility=Visibility.PUBLIC
        )
    with scope(municipality=municipality):
        conversation = services.create_conversation(
            space,
            owner,
            title="Hvordan bliver byen bedre?",
            statements=[f"Udsagn nummer {i} om byen" for i in range(n_statements)],
        )
        statement_ids = list(
            Statement.objects.filter(conversation=conversation).values_list("pk", flat=True)
        )
    hashed = make_password(PASSWORD)
    people = User.objects.bulk_create(
        [
            User(email=f"p{i}-{tag}@bench.test", display_name=f"Deltager {i}", password=hashed)
            for i in range(participants)
        ],
        batch_size=1000,
    )
    Membership.objects.bulk_create(
        [Membership(municipality=municipality, person=p, role=Role.CITIZEN) for p in people],
        batch_size=1000,
    )
    # allauth wants a verified address to log in with mandatory verification.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people[:10]]
    )
    with scopes_disabled():
        participant_rows = Participant.objects.bulk_create(
            [
                Participant(
                    municipality=municipality,
                    conversation=conversation,
                    person=p,
                    role=Role.CITIZEN,
                )
                for p in people
            ],
            batch_size=1000,
        )
    lines = []
    for person in people[10:]:
        session = store()
        session["_auth_user_id"] = str(person.pk)
        session["_auth_user_backend"] = "samskab.accounts.backends.ModelBackend"
        session["_auth_user_hash"] = person.get_session_auth_hash()
        session.create()
        session.save()
        lines.append(f"{session.session_key} {secrets.token_hex(16)}")
    Path(sessions_file).write_text("\n".join(lines) + "\n")
    pids = [p.pk for p in participant_rows]
    return {
        "municipality_id": municipality.pk,
        "conversation_id": conversation.pk,
        "statements": statement_ids,
        "pmin": min(pids),
        "pmax": max(pids),
        "login_emails": [p.email for p in people[:10]],
    }


def free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def wait_for(port: int, limit_s: float = 60) -> None:
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if not free(port):
            return
        time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not start")


def login_and_vote(base: str, email: str, path: str, statement: int) -> int:
    """The real flow: GET the login page (CSRF cookie and token), POST it, vote with the session."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())

    def send(
        url: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        request = urllib.request.Request(base + url, data=data, headers=headers or {})
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    status, page = send("/konto/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, status
    form = {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    status, text = send(
        "/konto/login/",
        urllib.parse.urlencode(form).encode(),
        {"Referer": base + "/konto/login/"},
    )
    assert status in (302, 303), (status, text[:300])
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    status, _text = send(
        path,
        json.dumps({"statement": statement, "value": 1}).encode(),
        {"X-CSRFToken": csrf, "Referer": base + "/", "Content-Type": "application/json"},
    )
    return status


PGBENCH = """\\set p random({pmin}, {pmax})
\\set s random({smin}, {smax})
\\set v random(-1, 1)
BEGIN;
INSERT INTO opinions_vote (municipality_id, conversation_id, statement_id, participant_id, value, role, created_at) VALUES ({mid}, {cid}, :s, :p, :v, 'borger', now()) ON CONFLICT (participant_id, statement_id) DO UPDATE SET value = excluded.value, role = excluded.role, created_at = excluded.created_at;
INSERT INTO opinions_voteevent (municipality_id, conversation_id, statement_id, participant_id, value, role, created_at) VALUES ({mid}, {cid}, :s, :p, :v, 'borger', now());
END;
"""


def pgbench(url: str, info: dict, connections: int, duration: int) -> dict[str, float]:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    sids = info["statements"]
    script = PGBENCH.format(
        pmin=info["pmin"],
        pmax=info["pmax"],
        smin=min(sids),
        smax=max(sids),
        mid=info["municipality_id"],
        cid=info["conversation_id"],
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-h",
            parsed.hostname or "127.0.0.1",
            "-p",
            str(parsed.port or 5432),
            "-U",
            parsed.username or "postgres",
            "-c",
            str(connections),
            "-j",
            "2",
            "-T",
            str(duration),
            "-r",
            "-f",
            f.name,
            parsed.path.lstrip("/"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    return {"tps": tps, "latency_avg_ms": latency}


def count_events(info: dict, env: dict[str, str]) -> int:
    code = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','samskab.settings');"
        "django.setup();from django_scopes import scopes_disabled;"
        "from samskab.opinions.models import VoteEvent\n"
        f"with scopes_disabled(): print(VoteEvent.objects.filter(conversation_id={info['conversation_id']}).count())"
    )
    return int(
        subprocess.run(
            [PYTHON, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--server", default="waitress")
    parser.add_argument("--port", type=int, default=8850)
    parser.add_argument("--label", default="")
    parser.add_argument("--setup-only", default="")
    args = parser.parse_args()
    if args.setup_only:
        info = setup_data(args.participants, args.statements, args.setup_only)
        print("INFO " + json.dumps(info))
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL database of its own (createdb bench_h11)."
        )
    env = {**os.environ, "TASKS_BACKEND": "database"}
    subprocess.run([SAMSKAB, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    work = Path(tempfile.mkdtemp(prefix="bench-votes-"))
    sessions = work / "sessions.txt"
    out = subprocess.run(
        [
            PYTHON,
            __file__,
            "--setup-only",
            str(sessions),
            "--participants",
            str(args.participants),
            "--statements",
            str(args.statements),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    info = json.loads(out.split("INFO ", 1)[1])
    path = f"/api/municipalities/{CODE}/conversations/{info['conversation_id']}/votes"
    command = [
        SAMSKAB,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
        "--threads",
        str(args.threads),
        "--no-worker",
    ]
    if args.workers > 1:
        command += ["--workers", str(args.workers), "--server", args.server]

    def run_load(server_env: dict[str, str], target: str, name: str, check: bool) -> dict:
        """Serve, then wrk on `target` with every participant's session; with `check`, log in
        through the form first and count the history rows the load stored."""
        assert free(args.port), f"port {args.port} is in use"
        server = subprocess.Popen(
            command, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for(args.port)
            base = f"http://127.0.0.1:{args.port}"
            if check:
                logins = [
                    login_and_vote(base, e, target, info["statements"][0])
                    for e in info["login_emails"][:3]
                ]
                assert logins == [200, 200, 200], logins
            (work / name).write_text(
                LUA
                % {
                    "sessions": sessions,
                    "path": target,
                    "limit": args.max_requests // 2,
                    "statements": ", ".join(map(str, info["statements"])),
                }
            )
            before = count_events(info, env) if check else 0
            load = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.duration}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(work / name),
                    base,
                ],
                capture_output=True,
                text=True,
                timeout=args.duration + 60,
            ).stdout
            result = json.loads(load.split("RESULT ", 1)[1].splitlines()[0])
            time.sleep(1)
            if check:
                result["stored"] = count_events(info, env) - before
        finally:
            server.terminate()
            server.wait(timeout=30)
        return result

    result = run_load(env, path, "votes.lua", check=True)
    stored = result["stored"]
    # Django's floor: the same server and load on an endpoint that only authenticates the
    # session, checks CSRF and reads the JSON (bench/django_floor).
    floor = run_load(
        {
            **env,
            "DJANGO_SETTINGS_MODULE": "django_floor.settings",
            "PYTHONPATH": str(ROOT / "bench"),
        },
        "/bench-floor/",
        "floor.lua",
        check=False,
    )
    assert floor["bad"] == 0, floor
    raw = pgbench(url, info, args.connections, args.duration)
    votes_s = result["ok"] / (result["duration_us"] / 1e6)
    floor_s = floor["ok"] / (floor["duration_us"] / 1e6)
    report = {
        "label": args.label or f"{args.workers}x{args.threads} {args.server}",
        "votes_per_s": round(votes_s, 1),
        "p50_ms": result["p50_ms"],
        "p95_ms": result["p95_ms"],
        "p99_ms": result["p99_ms"],
        "ok": result["ok"],
        "errors": result["bad"] + result["socket_errors"],
        "stored_history_rows": stored,
        "pgbench_tps": raw["tps"],
        "ratio_to_pgbench": round(votes_s / raw["tps"], 4),
        "django_floor_per_s": round(floor_s, 1),
        "django_floor_p99_ms": floor["p99_ms"],
        "ratio_to_django_floor": round(votes_s / floor_s, 4),
        "load_avg": os.getloadavg()[0],
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
