from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "samskab.notifications"
    label = "notifications"
    verbose_name = _("Besked på e-mail")

    def ready(self) -> None:
        from samskab.accounts.personal_data import ERASERS, EXPORTERS
        from samskab.notifications.personal_data import erase, export

        EXPORTERS["notifications"] = export
        # What was said to the person is about them alone: it goes with the account.
        ERASERS["notifications"] = erase
