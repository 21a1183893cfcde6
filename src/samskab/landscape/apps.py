from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandscapeConfig(AppConfig):
    name = "samskab.landscape"
    label = "landscape"
    verbose_name = _("Samskabelseslandskabet")

    def ready(self) -> None:
        from samskab.demo.content import EXTENSIONS
        from samskab.landscape.demo import load_landscape_demo

        if load_landscape_demo not in EXTENSIONS:
            EXTENSIONS.append(load_landscape_demo)

        # The landscape page's link on the movement page (views.movement_panel).
        from samskab.landscape.views import movement_panel
        from samskab.municipalities.panels import MOVEMENT_PANELS

        if movement_panel not in MOVEMENT_PANELS:
            MOVEMENT_PANELS.append(movement_panel)
