from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionConfig(AppConfig):
    name = "samskab.reflection"
    label = "reflection"
    verbose_name = _("Refleksion og læring")

    def ready(self) -> None:
        from samskab.accounts.personal_data import ERASERS, EXPORTERS
        from samskab.demo.content import EXTENSIONS
        from samskab.reflection.demo import load_reflection_demo
        from samskab.reflection.erase import forget_private_reflections
        from samskab.reflection.personal_data import export

        EXPORTERS["reflection"] = export
        ERASERS["reflection"] = forget_private_reflections
        if load_reflection_demo not in EXTENSIONS:
            EXTENSIONS.append(load_reflection_demo)
