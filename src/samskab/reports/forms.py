from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.fields import free_text


class ReportForm(forms.Form):
    committee = free_text(
        _("Udvalg og vej"),
        300,
        required=False,
        help_text=_("Fx »Social- og Sundhedsudvalget → Økonomiudvalget → Byrådet«"),
    )
    case_kind = free_text(
        _("Sagstype"), 100, required=False, help_text=_("Fx »Beslutning« eller »Orientering«")
    )
    case_number = free_text(_("Sagsnummer"), 50, required=False)
    is_open = forms.BooleanField(label=_("Åbent punkt"), required=False)
    summary = free_text(_("Sagsresumé"), 4000, lines=5, required=False)
    recommendation = free_text(
        _("Indstilling"),
        4000,
        lines=5,
        required=False,
        help_text=_(
            "Én »at …«-sætning pr. linje. Lader du feltet stå tomt, bruger vi forslaget ud fra "
            "resultatet."
        ),
    )
    risks = free_text(_("Risici"), 4000, lines=4, required=False)
    next_steps = free_text(_("Videre proces"), 4000, lines=4, required=False)
