from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Finding one's way: the main navigation, the personal start page, and what the movement
    and challenge pages show of the whole (open challenges, workshops). It sits above the
    capabilities and reads them only through their services."""

    name = "samskab.home"
    label = "home"
    verbose_name = _("Start og navigation")

    def ready(self) -> None:
        from samskab.home.panels import challenge_panel, movement_panel
        from samskab.municipalities.panels import CHALLENGE_PANELS, MOVEMENT_LEAD_PANELS

        # The movement's open challenges, above its spaces.
        if movement_panel not in MOVEMENT_LEAD_PANELS:
            MOVEMENT_LEAD_PANELS.append(movement_panel)
        if challenge_panel not in CHALLENGE_PANELS:
            CHALLENGE_PANELS.append(challenge_panel)
