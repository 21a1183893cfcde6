from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "samskab.municipalities"
    label = "municipalities"
    verbose_name = _("Kommuner og bevægelser")
