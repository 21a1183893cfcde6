from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "samskab.challenges"
    label = "challenges"
    verbose_name = _("Udfordringer og idéer")

    def ready(self) -> None:
        from samskab.accounts.personal_data import EXPORTERS
        from samskab.challenges.demo import add_demo
        from samskab.challenges.panels import space_panel
        from samskab.challenges.personal_data import export
        from samskab.challenges.services import start_with_mayor_question
        from samskab.demo.content import EXTENSIONS
        from samskab.municipalities.panels import MOVEMENT_STARTERS, SPACE_PANELS

        SPACE_PANELS.append(space_panel)
        MOVEMENT_STARTERS.append(start_with_mayor_question)
        EXPORTERS["challenges"] = export
        EXTENSIONS.append(add_demo)
