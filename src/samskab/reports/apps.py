from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "samskab.reports"
    label = "reports"
    verbose_name = _("Indstillinger til byrådet")

    def ready(self) -> None:
        # The report's link on the challenge page and on the movement's page (views.*_panel).
        from samskab.municipalities.panels import CHALLENGE_PANELS, MOVEMENT_PANELS
        from samskab.reports.views import challenge_panel, movement_panel

        if challenge_panel not in CHALLENGE_PANELS:
            CHALLENGE_PANELS.append(challenge_panel)
        if movement_panel not in MOVEMENT_PANELS:
            MOVEMENT_PANELS.append(movement_panel)
        # The demo's elderly challenge gets a complete report (reports.demo). Its assessment
        # rounds come before the workshop's (which keeps its round open for the demo people), so
        # it runs right after the reflection rooms are made.
        from samskab.demo.content import EXTENSIONS
        from samskab.reports.demo import load_reports_demo

        if load_reports_demo not in EXTENSIONS:
            after = [
                i for i, e in enumerate(EXTENSIONS) if e.__module__ == "samskab.reflection.demo"
            ]
            EXTENSIONS.insert(after[0] + 1 if after else len(EXTENSIONS), load_reports_demo)
