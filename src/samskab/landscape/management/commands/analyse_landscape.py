"""`samskab analyse_landscape KOMMUNE [--fra YYYY-MM-DD] [--til YYYY-MM-DD] [--seed N]`:
compute and store a municipality's landscape now (the same work as the background task).

`samskab analyse_landscape --alle` (once a night, from cron or a systemd timer): queue the last
12 months of every municipality where someone holds a role, for the background workers, so the
landscape page and the dashboard show yesterday's picture without anyone asking.

KOMMUNE is the municipality's address (slug, e.g. "roskilde") or its four-digit code. Without
a period: the last 12 months. Bad input stops with a message and exit status 2.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.accounts import directory
from samskab.core.errors import ServiceError
from samskab.landscape import services
from samskab.municipalities.models import Municipality


class Command(BaseCommand):
    help = "Beregn samskabelseslandskabet for en kommune (netværk, mål og involvering)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kommune", nargs="?", help="kommunens adresse (fx roskilde) eller kode (0265)"
        )
        parser.add_argument(
            "--alle",
            action="store_true",
            help="sæt de sidste 12 måneder i kø for alle kommuner med brugere (hver nat)",
        )
        parser.add_argument("--fra", help="første dag, ÅÅÅÅ-MM-DD (standard: 12 måneder før)")
        parser.add_argument("--til", help="sidste dag, ÅÅÅÅ-MM-DD (standard: i dag)")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["alle"]:
            self._queue_all()
            return
        name = options["kommune"]
        if not name:
            raise CommandError("Angiv en kommune, eller --alle.", returncode=2)
        with scopes_disabled():
            municipality = (
                Municipality.objects.filter(slug=name).first()
                or Municipality.objects.filter(code=name).first()
            )
        if municipality is None:
            raise CommandError(f"Kommunen {name!r} findes ikke.", returncode=2)
        try:
            start, end = services.parse_period(
                options.get("fra"), options.get("til"), timezone.localdate()
            )
        except ServiceError as exc:
            raise CommandError(str(exc), returncode=2) from None
        run = services.compute(municipality, start, end, seed=options["seed"])
        measures = run.data.get("measures", {})
        self.stdout.write(
            f"{municipality.name} {start.isoformat()}–{end.isoformat()}: "
            f"{measures.get('actors', 0)} aktører, {measures.get('ties', 0)} bånd, "
            f"{measures.get('islands', 0)} øer."
        )

    def _queue_all(self) -> None:
        start, end = services.default_period(timezone.localdate())
        ids = directory.municipalities_with_people()
        with scopes_disabled():
            municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("code"))
        for municipality in municipalities:
            with scope(municipality=municipality):
                services.queue(municipality, start, end)
        self.stdout.write(
            f"{len(municipalities)} kommuner sat i kø for {start.isoformat()}–{end.isoformat()}."
        )
