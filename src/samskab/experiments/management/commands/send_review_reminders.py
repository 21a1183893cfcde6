from typing import Any

from django.core.management.base import BaseCommand

from samskab.experiments.tasks import remind_reviews


class Command(BaseCommand):
    help = "Queue the reminders before experiments' review dates (run once a day, e.g. from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        remind_reviews.enqueue()
        self.stdout.write("Påmindelser om opfølgning er sat i kø.")
