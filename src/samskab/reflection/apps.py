from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionConfig(AppConfig):
    name = "samskab.reflection"
    label = "reflection"
    verbose_name = _("Refleksion og læring")

    def ready(self) -> None:
        from samskab.accounts.personal_data import ERASERS, EXPORTERS
        from samskab.demo.content import EXTENSIONS
        from samskab.municipalities.panels import CHALLENGE_PANELS, MOVEMENT_PANELS
        from samskab.reflection.demo import load_reflection_demo
        from samskab.reflection.erase import forget_private_reflections
        from samskab.reflection.panels import challenge_panel, movement_panel
        from samskab.reflection.personal_data import export

        EXPORTERS["reflection"] = export
        ERASERS["reflection"] = forget_private_reflections
        if challenge_panel not in CHALLENGE_PANELS:
            CHALLENGE_PANELS.append(challenge_panel)
        if movement_panel not in MOVEMENT_PANELS:
            MOVEMENT_PANELS.append(movement_panel)
        if load_reflection_demo not in EXTENSIONS:
            EXTENSIONS.append(load_reflection_demo)
