"""Helpers for the operations tests: real `samskab` processes, PostgreSQL databases of their own,
and a small browser (cookies, CSRF tokens) that talks to a served Samskab over loopback.

Every database made here is named test_ops_… and dropped afterwards. The tests skip, saying
why, when PostgreSQL (or Redis) does not answer.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SAMSKAB = str(BIN / "samskab")
PG_SERVER = os.environ.get("SAMSKAB_OPS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SAMSKAB_OPS_REDIS", "redis://127.0.0.1:6379/9")
COMMAND_TIMEOUT_S = 300


def _postgres(dbname: str = "postgres"):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{dbname}", autocommit=True, connect_timeout=3)


def need_postgres() -> None:
    # These tests make their own PostgreSQL databases and processes, so the test command's
    # PostgreSQL pass would run exactly the same thing again: they run once, in the SQLite pass.
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("startes med egne PostgreSQL-databaser; kører én gang, i SQLite-omgangen")
    try:
        _postgres().close()
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        pytest.skip(f"PostgreSQL svarer ikke på {PG_SERVER}: {exc}")


def need_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis svarer ikke på {REDIS}: {exc}")


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


@contextlib.contextmanager
def new_database(label: str) -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its URL and drops it afterwards."""
    name = f"test_ops_{label}_{secrets.token_hex(4)}"
    with _postgres() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with _postgres() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(data_dir: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "DEBUG"}
    }
    env.update(SAMSKAB_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="samskab.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def samskab(
    *args: str, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [SAMSKAB, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        cwd=ROOT,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"samskab {' '.join(args)}: {done.returncode}\n{done.stderr[-3000:]}")
    return done


def python(code: str, env: dict[str, str]) -> str:
    """Run `code` in a fresh Python with Django set up for `env`; returns what it printed."""
    setup = "import django\ndjango.setup()\n"
    done = subprocess.run(
        [sys.executable, "-c", setup + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def summaries(env: dict[str, str]) -> dict[str, list[object]]:
    """Rows and checksum per table of the database `env` points at (samskab.core.tables)."""
    out = python(
        "import json\nfrom samskab.core.tables import table_summaries\n"
        "print(json.dumps({t: [s.rows, s.checksum] for t, s in table_summaries().items()}))",
        env,
    )
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(env: dict[str, str], *args: str, ready_s: float = 90) -> Iterator[str]:
    """`samskab serve` on a free loopback port; yields its base URL, stops it afterwards."""
    port = free_port()
    log = open(Path(env["SAMSKAB_DATA_DIR"]) / f"serve-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [SAMSKAB, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_s
        while True:
            assert process.poll() is None, Path(log.name).read_text()[-3000:]
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "samskab serve startede ikke"
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """Cookies kept between requests (to any of the servers: they share a host, 127.0.0.1)."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )
        self.last_page = ""

    def request(
        self, url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as answer:
                return answer.status, answer.read().decode(), dict(answer.headers)
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode(), dict(answer.headers)

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")

    def csrf_token(self, url: str) -> str:
        status, page, _ = self.request(url)
        assert status == 200, (status, url)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, url
        return found.group(1)

    def log_in(self, form_url: str, post_url: str, email: str, password: str) -> int:
        """GET the login form at `form_url`, POST it to `post_url`: the status (302 = in)."""
        token = self.csrf_token(form_url)
        status, self.last_page, _ = self.request(
            post_url, {"login": email, "password": password, "csrfmiddlewaretoken": token}
        )
        return status
