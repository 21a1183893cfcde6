"""The `samskab` command: every Django management command, plus `samskab serve`.

samskab migrate          # set up or update the database
samskab demo             # load the demo municipality
samskab serve            # the production-grade web server (waitress)
samskab db_worker        # a background-task worker (TASKS_BACKEND=database)
samskab move-to-postgres --to postgres://…   # the laptop's SQLite data into PostgreSQL
"""

from __future__ import annotations

import os
import sys

# Commands spelt with hyphens on the command line; Django names them by their module.
ALIASES = {"move-to-postgres": "move_to_postgres"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if argv[1:3] == ["opinion", "analyze"]:
        # Pure math on files: no Django to start (samskab.analysis.cli).
        from samskab.analysis import cli as analyze_cli

        raise SystemExit(analyze_cli.main(argv[3:]))
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - import the settings now, to fail loudly on bad values
    except ImproperlyConfigured as exc:
        print(
            f"samskab: kan ikke starte, fordi indstillingerne er forkerte: {exc}", file=sys.stderr
        )
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    argv[0] = "samskab"
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
