"""Typed readers for settings from the environment.

Every knob is read here, strictly: a value that cannot be parsed stops the process with a message
that names the variable, instead of silently falling back to a default (healthchecks' settings.py
does the same). A `NAME_FILE` variable may hold the path of a file with the value, so secrets can
come from Docker/systemd credentials rather than the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nej", ""}


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        file_var = self.environ.get(f"{name}_FILE")
        if file_var:
            try:
                return Path(file_var).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ImproperlyConfigured(
                    f"{name}_FILE peger på {file_var!r}, som ikke kan læses: {exc.strerror}"
                ) from exc
        return self.environ.get(name)

    def str(self, name: str, default: str) -> str:
        value = self.raw(name)
        return default if value is None else value

    def bool(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} er ikke en gyldig sandhedsværdi; brug true eller false."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value.strip())
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} er ikke et helt tal.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} skal være mindst {minimum}.")
        return number

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self.raw(name)
        if value is None:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default).strip().lower()
        if value not in choices:
            raise ImproperlyConfigured(
                f"{name}={value!r} er ikke gyldig; vælg en af: {', '.join(choices)}."
            )
        return value


def secret_key(env: Env, data_dir: Path) -> str:
    """The configured key, else one created once in the data folder and kept (mode 600)."""
    configured = env.raw("SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ImproperlyConfigured("SECRET_KEY skal være mindst 32 tegn lang.")
        return configured
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    from django.core.management.utils import get_random_secret_key

    key = get_random_secret_key()
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key
