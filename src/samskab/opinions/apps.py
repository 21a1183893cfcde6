from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "samskab.opinions"
    label = "opinions"
    verbose_name = _("Meningskort")

    def ready(self) -> None:
        from samskab.accounts.personal_data import EXPORTERS
        from samskab.demo.content import EXTENSIONS
        from samskab.municipalities.panels import CHALLENGE_PANELS, SPACE_PANELS
        from samskab.opinions.demo import load_opinions_demo
        from samskab.opinions.panels import challenge_panel, space_panel
        from samskab.opinions.services import personal_data_export

        EXPORTERS["opinions"] = personal_data_export
        if load_opinions_demo not in EXTENSIONS:
            EXTENSIONS.append(load_opinions_demo)
        if space_panel not in SPACE_PANELS:
            SPACE_PANELS.append(space_panel)
        if challenge_panel not in CHALLENGE_PANELS:
            CHALLENGE_PANELS.append(challenge_panel)
