from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplexityConfig(AppConfig):
    name = "samskab.complexity"
    label = "complexity"
    verbose_name = _("Kompleksitetsvurdering")
