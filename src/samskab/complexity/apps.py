from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplexityConfig(AppConfig):
    name = "samskab.complexity"
    label = "complexity"
    verbose_name = _("Kompleksitetsvurdering")

    def ready(self) -> None:
        from samskab.accounts.personal_data import EXPORTERS
        from samskab.complexity.demo import load_complexity_demo
        from samskab.complexity.panels import challenge_panel
        from samskab.complexity.personal_data import export
        from samskab.demo.content import EXTENSIONS
        from samskab.municipalities.panels import CHALLENGE_PANELS

        EXPORTERS["complexity"] = export
        if challenge_panel not in CHALLENGE_PANELS:
            CHALLENGE_PANELS.append(challenge_panel)
        if load_complexity_demo not in EXTENSIONS:
            EXTENSIONS.append(load_complexity_demo)
