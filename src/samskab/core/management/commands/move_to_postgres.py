"""`samskab move-to-postgres --to postgres://…`: the laptop's SQLite data into PostgreSQL.

The target must be an empty database (`createdb samskab`). The command sets up its tables with
Samskab's migrations (in a process of its own, pointed at the target, so no data migration can
touch the laptop's file), copies every row of every table of every installed app with its
primary key, in one transaction, sets the sequences after the highest keys, and then counts the
rows and sums each table on both sides (samskab.core.tables). Any difference: exit status 1.
Uploaded files are not in the database; they stay in SAMSKAB_DATA_DIR/media.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from samskab.core.tables import all_models, differences, rows, stored_fields, table_summaries

TARGET = "move_target"
INSERT_PARAMETERS = 20_000


def _target_settings(url: str) -> dict[str, Any]:
    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:
        raise CommandError(f"--to kan ikke læses: {exc}") from None
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise CommandError("--to skal være en PostgreSQL-adresse, fx postgres://bruger@vært/navn")
    config["CONN_MAX_AGE"] = 0
    return connections.configure_settings({"default": config})["default"]


def _shown(url: str) -> str:
    """The address without its password."""
    config = dj_database_url.parse(url)
    host = config.get("HOST") or "localhost"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"{config.get('USER') or ''}@{host}{port}/{config.get('NAME')}"


class Command(BaseCommand):
    help = (
        "Copy this installation's SQLite database into an empty PostgreSQL database, then "
        "compare rows and a checksum per table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            required=True,
            metavar="URL",
            help="The empty PostgreSQL database, e.g. postgres://samskab@127.0.0.1:5432/samskab",
        )

    def handle(self, *args: Any, to: str, **options: Any) -> None:
        source = connections["default"]
        if source.vendor != "sqlite":
            raise CommandError(
                "Flytningen læser fra SQLite-databasen i SAMSKAB_DATA_DIR, men DATABASE_URL "
                "peger på en anden database. Fjern DATABASE_URL, og prøv igen."
            )
        name = str(source.settings_dict["NAME"])
        if not os.path.exists(name):
            raise CommandError(f"Der er ingen SQLite-database i {name}. Intet er ændret.")
        executor = MigrationExecutor(source)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "SQLite-databasen er ikke opdateret: kør samskab migrate først. Intet er ændret."
            )

        connections.settings[TARGET] = _target_settings(to)
        target = connections[TARGET]
        shown = _shown(to)
        try:
            target.ensure_connection()
            self._refuse_unless_empty(target, shown)
        except DatabaseError as exc:
            raise CommandError(f"Kan ikke bruge databasen {shown}: {exc}".strip()) from None
        finally:
            target.close()

        self.stdout.write(f"Opretter tabellerne i {shown} …")
        self._migrate(to)
        self.stdout.write(f"Kopierer fra {name} …")
        self._copy(source, target)
        self.stdout.write("Sammenligner rækker og kontrolsummer for hver tabel …")
        before, after = table_summaries("default"), table_summaries(TARGET)
        target.close()
        wrong = differences(before, after)
        self._report(before, after, wrong)
        media = settings.MEDIA_ROOT
        self.stdout.write(
            f"Uploadede filer ligger ikke i databasen: de bliver i {media}. Start Samskab med "
            "samme SAMSKAB_DATA_DIR (eller kopiér mappen media/ med), og sæt "
            "DATABASE_URL til den nye database."
        )
        if wrong:
            raise CommandError(
                f"{len(wrong)} tabeller er ikke ens efter flytningen: {', '.join(wrong)}. "
                "Brug ikke den nye database; SQLite-databasen er uændret."
            )
        self.stdout.write(self.style.SUCCESS(f"Alt er flyttet: {len(after)} tabeller er ens."))

    def _refuse_unless_empty(self, target: Any, shown: str) -> None:
        tables = target.introspection.table_names()
        if not tables:
            return
        with target.cursor() as cursor:
            for table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {target.ops.quote_name(table)}")  # noqa: S608
                (count,) = cursor.fetchone()
                if count:
                    raise CommandError(
                        f"Databasen {shown} er ikke tom: tabellen {table} har {count} rækker. "
                        "Flyt kun til en tom database (opret en ny med createdb). Intet er ændret."
                    )
        raise CommandError(
            f"Databasen {shown} er ikke tom: den har allerede {len(tables)} tabeller "
            f"(fx {tables[0]}). Flyt kun til en tom database (opret en ny med createdb). "
            "Intet er ændret."
        )

    def _migrate(self, url: str) -> None:
        # A process of its own with the target as its only database: data migrations write to
        # "the" database, and here that must never be the laptop's file.
        env = {**os.environ, "DATABASE_URL": url}
        done = subprocess.run(
            [sys.executable, "-m", "samskab.cli", "migrate", "--no-input", "-v", "0"],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise CommandError(
                "Tabellerne kunne ikke oprettes i den nye database:\n" + done.stderr[-2000:]
            )

    def _copy(self, source: Any, target: Any) -> None:
        models = all_models()
        tables = ", ".join(target.ops.quote_name(m._meta.db_table) for m in models)
        with transaction.atomic(using=TARGET):
            with target.cursor() as cursor:
                # What the migrations put there (municipalities, content types, permissions,
                # templates) comes from the laptop instead, with the laptop's keys.
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            for model in models:
                fields = stored_fields(model)
                names = [field.attname for field in fields]
                size = max(1, INSERT_PARAMETERS // len(fields))
                batch: list[Any] = []
                manager = model._base_manager.using(TARGET)
                for row in rows(model, "default"):
                    batch.append(model.from_db(TARGET, names, row))
                    if len(batch) >= size:
                        manager._insert(batch, fields=fields, raw=True, using=TARGET)
                        batch = []
                if batch:
                    manager._insert(batch, fields=fields, raw=True, using=TARGET)
            with target.cursor() as cursor:
                for sql in target.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)

    def _report(self, before: dict[str, Any], after: dict[str, Any], wrong: list[str]) -> None:
        width = max(len(table) for table in before | after)
        self.stdout.write(
            f"{'Tabel':<{width}}  {'SQLite':>8}  {'PostgreSQL':>10}  Kontrolsum  Resultat"
        )
        for table in sorted(before | after):
            old, new = before.get(table), after.get(table)
            old_rows = old.rows if old else "-"
            new_rows = new.rows if new else "-"
            checksum = (new or old).checksum[:10] if (new or old) else ""
            verdict = "FORSKEL" if table in wrong else "ens"
            self.stdout.write(
                f"{table:<{width}}  {old_rows:>8}  {new_rows:>10}  {checksum:<10}  {verdict}"
            )
