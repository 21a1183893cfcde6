from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "samskab.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from samskab.accounts.personal_data import ERASERS, EXPORTERS
        from samskab.demo.content import EXTENSIONS
        from samskab.workshops.demo import load_workshop_demo
        from samskab.workshops.personal_data import erase, export

        EXPORTERS["workshops"] = export
        ERASERS["workshops"] = erase
        if load_workshop_demo not in EXTENSIONS:
            EXTENSIONS.append(load_workshop_demo)
