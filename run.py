#!/usr/bin/env python3
"""Set up and run Samskab on this machine, or run its tests. Needs only Python 3.11+.

    python3 run.py          # create .venv, install, migrate, load the demo, serve on :8000
    python3 run.py test     # the whole test suite (SQLite, and PostgreSQL when reachable)

Settings come from the environment (see README). Nothing here needs Node.js: the front-end
files are shipped in the package.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import venv
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
DEFAULT_TEST_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"


def say(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)


def must(*args: str | Path, env: dict[str, str] | None = None) -> None:
    code = run(*args, env=env)
    if code != 0:
        sys.exit(code)


def ensure_venv(extras: str) -> None:
    """Create .venv and install the package once; again only when pyproject.toml changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an older python3
        sys.exit("Samskab kræver Python 3.11 eller nyere.")
    if not PYTHON.exists():
        say("Opretter virtuelt miljø i .venv")
        venv.create(VENV, with_pip=True)
    stamp = VENV / f".samskab-installed-{extras or 'base'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    say("Installerer Samskab og dets afhængigheder")
    target = f".[{extras}]" if extras else "."
    must(PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target)
    stamp.write_text(wanted)


def start() -> None:
    ensure_venv("")
    samskab = BIN / "samskab"
    # Background tasks (opinion maps, rankings, mail) are queued in the database and run by a
    # thread of the web server, so no page waits for them.
    env = {**os.environ, "TASKS_BACKEND": os.environ.get("TASKS_BACKEND", "database")}
    say("Opretter eller opdaterer databasen")
    must(samskab, "migrate", "--no-input", "-v", "0", env=env)
    say("Indlæser demo-kommunen")
    must(samskab, "demo", env=env)
    say("Starter webserveren – åbn http://127.0.0.1:8000 i din browser")
    sys.exit(run(samskab, "serve", "--host", "127.0.0.1", "--port", "8000", env=env))


def postgres_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), 2):
            return True
    except OSError:
        return False


def test(pytest_args: list[str]) -> None:
    ensure_venv("test")
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    base_env = {**os.environ, "SAMSKAB_DATA_DIR": str(ROOT / "var" / "test")}
    base_env.pop("DATABASE_URL", None)

    say("ruff: format og lint")
    paths = [p for p in ("src", "tests", "bench", "scripts", "run.py") if (ROOT / p).exists()]
    must(BIN / "ruff", "check", *paths)
    must(BIN / "ruff", "format", "--check", *paths)
    say("mypy: samskab.analysis")
    must(BIN / "mypy")
    say("import-linter: hver kapabilitet vogter sine egne data")
    must(BIN / "lint-imports", "--no-cache")

    failures = 0
    say("Tests på SQLite")
    failures += run(PYTHON, "-m", "pytest", *pytest_args, env=base_env) != 0

    pg_url = os.environ.get("SAMSKAB_TEST_POSTGRES", DEFAULT_TEST_POSTGRES)
    if postgres_reachable(pg_url):
        say(f"Tests på PostgreSQL ({pg_url})")
        failures += (
            run(PYTHON, "-m", "pytest", *pytest_args, env={**base_env, "DATABASE_URL": pg_url}) != 0
        )
    elif in_ci:
        print(f"PostgreSQL svarer ikke på {pg_url}, og i CI skal testene køre på begge databaser.")
        failures += 1
    else:
        print(f"\nBEMÆRK: PostgreSQL svarer ikke på {pg_url}; testene kørte kun på SQLite.")
    sys.exit(1 if failures else 0)


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] == "start":
        start()
    elif args[0] == "test":
        test(args[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
