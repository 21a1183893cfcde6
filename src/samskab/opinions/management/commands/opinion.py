"""`samskab opinion`: the opinion map on the command line.

samskab opinion analyze PATH [--seed N] [--out FILE]     # a Pol.is export folder → JSON
samskab opinion import PATH --municipality CODE --space SLUG [--challenge ID] [--title T]
samskab opinion export CONVERSATION_ID --out DIR         # ours → Pol.is CSV

Bad input stops with a message naming the file and line, exit status 2, and nothing imported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope, scopes_disabled

from samskab.analysis import cli as analyze_cli
from samskab.analysis import opinion, polis_io
from samskab.municipalities.models import Municipality, Space
from samskab.opinions import polis, services
from samskab.opinions.models import Conversation


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Meningskortet: analysér, importér og eksportér Pol.is-samtaler."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{analyze,import,export}")
        analyze = sub.add_parser("analyze", help="Analyser en Pol.is-eksport og skriv JSON.")
        analyze.add_argument("path", help="mappe med Pol.is CSV- eller API-JSON-filer")
        analyze.add_argument("--seed", type=int, default=0)
        analyze.add_argument("--out", help="skriv JSON til denne fil i stedet for standardud")
        imp = sub.add_parser("import", help="Importér en Pol.is-samtale (alt eller intet).")
        imp.add_argument("path")
        imp.add_argument("--municipality", required=True, help="kommunekode, fx 0265")
        imp.add_argument("--space", required=True, help="rummets adresse (slug)")
        imp.add_argument("--challenge", type=int, help="id på en udfordring i rummet")
        imp.add_argument("--title", help="samtalens titel (ellers Pol.is-emnet)")
        exp = sub.add_parser("export", help="Eksportér en samtale som Pol.is CSV.")
        exp.add_argument("conversation", type=int)
        exp.add_argument("--out", required=True, help="mappe, der skrives til")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "analyze":
            self.analyze(Path(options["path"]), options["seed"], options.get("out"))
        elif action == "import":
            self.do_import(options)
        else:
            self.export(options["conversation"], Path(options["out"]))

    def analyze(self, path: Path, seed: int, out: str | None) -> None:
        # `samskab opinion analyze` runs samskab.analysis.cli without Django; this is the
        # same function for call_command and `manage.py`.
        try:
            text = analyze_cli.analyze_to_text(path, seed)
        except analyze_cli.AnalyzeError as exc:
            raise _fail(str(exc)) from None
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)

    def do_import(self, options: dict[str, Any]) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise _fail(f"Der er ingen kommune med koden {options['municipality']!r}.")
        with scope(municipality=municipality):
            space = Space.objects.filter(municipality=municipality, slug=options["space"]).first()
            if space is None:
                raise _fail(f"{municipality} har intet rum med adressen {options['space']!r}.")
            challenge = None
            if options.get("challenge") is not None:
                from samskab.challenges.models import Challenge

                challenge = Challenge.objects.filter(space=space, pk=options["challenge"]).first()
                if challenge is None:
                    raise _fail(f"Rummet har ingen udfordring med id {options['challenge']}.")
            last = [0]

            def progress(done: int, total: int) -> None:
                # Only worth telling for long imports; a line per batch on stderr.
                if total >= polis.BATCH and done != last[0]:
                    last[0] = done
                    self.stderr.write(f"Importerer stemmer: {done}/{total}")

            try:
                conversation = polis.import_polis(
                    options["path"],
                    space=space,
                    challenge=challenge,
                    title=options.get("title"),
                    progress=progress,
                )
            except polis_io.PolisFormatError as exc:
                raise _fail(f"Kan ikke læse Pol.is-data: {exc}. Intet er importeret.") from None
            except opinion.OpinionInputError as exc:
                raise _fail(f"Kan ikke importere: {exc}. Intet er importeret.") from None
            self.stderr.write("Beregner meningskortet …")
            services.recompute(conversation)
            n = conversation.statements.count()
            self.stdout.write(
                f"Importeret som samtale {conversation.pk}: »{conversation.title}« "
                f"({n} udsagn) i {space} – {conversation.get_absolute_url()}"
            )

    def export(self, conversation_id: int, out: Path) -> None:
        with scopes_disabled():
            found = (
                Conversation.objects.select_related("municipality")
                .filter(pk=conversation_id)
                .first()
            )
        if found is None:
            raise _fail(f"Der er ingen samtale med id {conversation_id}.")
        with scope(municipality=found.municipality):
            try:
                polis.export_polis(found, out)
            except OSError as exc:
                raise _fail(f"Kan ikke skrive til {out}: {exc.strerror}") from None
        self.stdout.write(f"Samtale {conversation_id} er eksporteret til {out}")
        sys.stdout.flush()
