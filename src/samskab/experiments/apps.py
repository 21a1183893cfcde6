from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    name = "samskab.experiments"
    label = "experiments"
    verbose_name = _("Sikre eksperimenter")

    def ready(self) -> None:
        from samskab.accounts.personal_data import EXPORTERS
        from samskab.demo.content import EXTENSIONS
        from samskab.experiments.demo import load_experiments_demo
        from samskab.experiments.panels import (
            accountability_column,
            initiative_panel,
            movement_panel,
        )
        from samskab.experiments.personal_data import export
        from samskab.municipalities import panels

        EXPORTERS["experiments"] = export
        if movement_panel not in panels.MOVEMENT_PANELS:
            panels.MOVEMENT_PANELS.append(movement_panel)
        if accountability_column not in panels.INITIATIVE_COLUMNS:
            panels.INITIATIVE_COLUMNS.append(accountability_column)
        if initiative_panel not in panels.INITIATIVE_PANELS:
            panels.INITIATIVE_PANELS.append(initiative_panel)
        # After the initiatives demo, which makes the initiative the experiment belongs to.
        if load_experiments_demo not in EXTENSIONS:
            EXTENSIONS.append(load_experiments_demo)
