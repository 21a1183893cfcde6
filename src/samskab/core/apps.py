from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samskab.core"
    label = "core"
