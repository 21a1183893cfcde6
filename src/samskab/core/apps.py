from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samskab.core"
    label = "core"

    def ready(self) -> None:
        # Registers the <id:…> path converter, so any app's urls.py can be imported on its own.
        import samskab.core.converters  # noqa: F401
