from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "samskab.demo"
    label = "demo"
