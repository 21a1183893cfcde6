from typing import Any

from django.core.management.base import BaseCommand

from samskab.challenges.digest import send_digests


class Command(BaseCommand):
    help = "Send the daily digest mail (run once a day, e.g. from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{send_digests()} overblik sendt.")
