from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scopes_disabled

from samskab.workshops.services import forget_guests


class Command(BaseCommand):
    help = (
        "Anonymise the guest accounts of workshops that ended more than WORKSHOP_GUEST_DAYS "
        "days ago (run once a day, e.g. from cron; opening a workshop also does it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Instead of the setting.")

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        with scopes_disabled():
            forgotten = forget_guests(days=days)
        self.stdout.write(f"{forgotten} gæster fra afsluttede workshops er anonymiseret.")
