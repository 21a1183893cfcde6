"""Settings are parsed strictly: a bad value stops the process and names the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from samskab.conf import Env, secret_key


def test_booleans_accept_clear_words_only():
    env = Env({"A": "true", "B": "nej", "C": "maybe"})
    assert env.bool("A", False) is True
    assert env.bool("B", True) is False
    assert env.bool("MISSING", True) is True
    with pytest.raises(ImproperlyConfigured, match="C='maybe'"):
        env.bool("C", False)


def test_integers_and_choices_are_checked():
    env = Env({"PORT": "x", "N": "-1", "T": "redis"})
    with pytest.raises(ImproperlyConfigured, match="PORT"):
        env.int("PORT", 1)
    with pytest.raises(ImproperlyConfigured, match="mindst 0"):
        env.int("N", 1, minimum=0)
    with pytest.raises(ImproperlyConfigured, match="immediate, database"):
        env.choice("T", "immediate", ("immediate", "database"))


def test_file_variables_hold_secrets(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s" * 40 + "\n")
    assert Env({"SECRET_KEY_FILE": str(secret)}).raw("SECRET_KEY") == "s" * 40
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        Env({"SECRET_KEY_FILE": str(tmp_path / "missing")}).raw("SECRET_KEY")


def test_secret_key_is_created_once_and_kept(tmp_path):
    first = secret_key(Env({}), tmp_path)
    assert len(first) >= 50
    assert secret_key(Env({}), tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    with pytest.raises(ImproperlyConfigured, match="32"):
        secret_key(Env({"SECRET_KEY": "short"}), tmp_path)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DEBUG", "perhaps"), ("DATABASE_URL", "nosuchdb://x"), ("TASKS_BACKEND", "celery")],
)
def test_the_command_refuses_to_start_with_bad_settings(tmp_path, variable, value):
    env = {**os.environ, "SAMSKAB_DATA_DIR": str(tmp_path), variable: value}
    result = subprocess.run(
        [sys.executable, "-m", "samskab.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert variable in result.stderr
    assert "kan ikke starte" in result.stderr
