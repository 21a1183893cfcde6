from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "samskab.initiatives"
    label = "initiatives"
    verbose_name = _("Samskabelsesinitiativer")

    def ready(self) -> None:
        from samskab.accounts.personal_data import EXPORTERS
        from samskab.demo.content import EXTENSIONS
        from samskab.initiatives.demo import load_initiatives_demo
        from samskab.initiatives.digest import initiative_news
        from samskab.initiatives.panels import challenge_panel, idea_panel, movement_panel
        from samskab.initiatives.personal_data import export
        from samskab.municipalities.panels import CHALLENGE_PANELS, IDEA_PANELS, MOVEMENT_PANELS
        from samskab.notifications.services import DIGEST_SECTIONS

        EXPORTERS["initiatives"] = export
        if load_initiatives_demo not in EXTENSIONS:
            EXTENSIONS.append(load_initiatives_demo)
        for registry, panel in (
            (CHALLENGE_PANELS, challenge_panel),
            (IDEA_PANELS, idea_panel),
            (MOVEMENT_PANELS, movement_panel),
        ):
            if panel not in registry:
                registry.append(panel)
        if initiative_news not in DIGEST_SECTIONS:
            DIGEST_SECTIONS.append(initiative_news)
