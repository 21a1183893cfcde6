"""`samskab opinion analyze` reads files and does the math without starting Django, and says
the same as the management command: the same JSON for the same seed, the same Danish message
and exit status 2 for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.opinions.test_cli import DATA, VOTES, run, small_export

# Runs the real entry point, then says on stderr whether anything imported Django or scipy
# (whose import alone took longer than analysing a real conversation).
PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('DJANGO-LOADED' if any(m == 'django' or "
    "m.startswith('django.') for m in sys.modules) else 'NO-DJANGO', file=sys.stderr))\n"
    "atexit.register(lambda: 'scipy' in sys.modules and print('SCIPY-LOADED', file=sys.stderr))\n"
    "from samskab.cli import main\n"
    "main(['samskab', 'opinion', 'analyze', *sys.argv[1:]])\n"
)


def _samskab(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_same_map_as_the_management_command_without_django(tmp_path):
    folder = DATA / "bg2050-volunteers"
    done = _samskab(str(folder), "--seed", "4")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "NO-DJANGO"
    ours = json.loads(done.stdout)
    out, _ = run("analyze", str(folder), "--seed", "4")
    theirs = json.loads(out)
    ours.pop("timing_s"), theirs.pop("timing_s")
    assert ours == theirs
    assert len(ours["groups"]) >= 2


def test_bad_input_says_so_in_danish_with_status_2(tmp_path):
    bad = small_export(tmp_path / "bad", VOTES.replace("1,,0,a,1", "1,,0,a,7"))
    done = _samskab(str(bad))
    assert done.returncode == 2
    assert "Kan ikke læse Pol.is-data" in done.stderr and "votes.csv, line 2" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    missing = _samskab(str(tmp_path / "findes-ikke"))
    assert missing.returncode == 2 and "Kan ikke læse Pol.is-data" in missing.stderr
    empty = small_export(tmp_path / "empty", "timestamp,datetime,comment-id,voter-id,vote\n")
    nothing = _samskab(str(empty))
    assert nothing.returncode == 2 and "der er ingen stemmer" in nothing.stderr
    assert "NO-DJANGO" in nothing.stderr


def test_out_writes_the_file(tmp_path):
    target = tmp_path / "kort.json"
    done = _samskab(str(small_export(tmp_path / "p")), "--out", str(target))
    assert done.returncode == 0 and done.stdout == ""
    assert {p["id"] for p in json.loads(target.read_text())["participants"]} >= {"a", "b"}
