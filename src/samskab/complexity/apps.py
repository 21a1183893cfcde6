from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplexityConfig(AppConfig):
    name = "samskab.complexity"
    label = "complexity"
    verbose_name = _("Kompleksitetsvurdering")

    def ready(self) -> None:
        from samskab.accounts.personal_data import EXPORTERS
        from samskab.complexity.demo import load_complexity_demo
        from samskab.complexity.personal_data import export
        from samskab.demo.content import EXTENSIONS

        EXPORTERS["complexity"] = export
        if load_complexity_demo not in EXTENSIONS:
            EXTENSIONS.append(load_complexity_demo)
