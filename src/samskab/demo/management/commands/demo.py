from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from samskab.demo.content import DEMO_PASSWORD, PEOPLE, demo_email, load_demo


class Command(BaseCommand):
    help = "Load the demo municipality with content and a demo person for every role."

    def handle(self, *args: Any, **options: Any) -> None:
        demo = load_demo()
        self.stdout.write(f"Demo: {demo.movement.title} ({demo.municipality})")
        self.stdout.write(f"Log ind med en af disse (adgangskode: {DEMO_PASSWORD}):")
        for role, name, _pseudonym in PEOPLE:
            self.stdout.write(f"  {role.label:<14} {demo_email(role):<36} {name}")
