from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "samskab.reports"
    label = "reports"
    verbose_name = _("Indstillinger til byrådet")

    def ready(self) -> None:
        # The report's link on the challenge page (views.challenge_panel).
        from samskab.municipalities.panels import CHALLENGE_PANELS
        from samskab.reports.views import challenge_panel

        if challenge_panel not in CHALLENGE_PANELS:
            CHALLENGE_PANELS.append(challenge_panel)
