"""`DJANGO_SETTINGS_MODULE=django_floor.settings` with `bench/` on the path."""

from samskab.settings import *  # noqa: F403

ROOT_URLCONF = "django_floor.urls"
