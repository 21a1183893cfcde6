"""Form fields every app's forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from samskab.core.validators import validate_no_cpr

TOO_LONG = _("Skriv højst %(limit_value)d tegn. Du har skrevet %(show_value)d.")
TOO_LONG_NAMED = _("%(what)s må højst være %(limit)s tegn – du har skrevet %(count)s.")

# What the message calls the text, by the field's (Danish) label: "Beskrivelsen må højst …".
# A label not listed (a question, say) is called "Teksten": the message stands next to it.
_DEFINITE = {
    "titel": _("Titlen"),
    "beskrivelse": _("Beskrivelsen"),
    "formål": _("Formålet"),
    "navn": _("Navnet"),
    "rummets navn": _("Navnet"),
    "bevægelsens navn": _("Navnet"),
    "målgruppe": _("Målgruppen"),
    "baggrund": _("Baggrunden"),
    "bemærkning": _("Bemærkningen"),
    "din kommentar": _("Kommentaren"),
    "din idé i én sætning": _("Idéen"),
    "milepæl": _("Milepælen"),
    "budgetpost": _("Budgetposten"),
    "din refleksion": _("Refleksionen"),
    "hvorfor? skriv gerne en sætning": _("Begrundelsen"),
}


def count_text(value: int) -> str:
    """A count in the active language's number format, grouped: 10.259 in Danish."""
    return formats.number_format(value, force_grouping=True)


def _definite(label: Any) -> Any:
    with translation.override("da"):
        source = str(label or "").strip().casefold()
    if source in _DEFINITE:
        return _DEFINITE[source]
    if source.startswith("begrundelse"):
        return _("Begrundelsen")
    return _("Teksten")


class FreeTextField(forms.CharField):
    """A CharField whose too-long message names the text and writes both numbers the way
    the reader's language does ("Beskrivelsen må højst være 5.000 tegn – du har skrevet
    10.259."). The text itself is kept in the form, as for any invalid field."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if self.max_length is not None and value and len(value) > self.max_length:
            raise forms.ValidationError(
                TOO_LONG_NAMED,
                code="max_length",
                params={
                    "what": _definite(self.label),
                    "limit": count_text(self.max_length),
                    "count": count_text(len(value)),
                },
            )


def free_text(label: Any, max_length: int, *, lines: int = 1, **kwargs: Any) -> forms.CharField:
    """A field for what a person writes: one line, or a box of `lines` rows; at most
    `max_length` characters (said plainly when it is too long); never a CPR number."""
    if lines > 1:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": lines}))
    return FreeTextField(
        label=label,
        max_length=max_length,
        validators=[validate_no_cpr, *kwargs.pop("validators", [])],
        error_messages={"max_length": TOO_LONG, **kwargs.pop("error_messages", {})},
        **kwargs,
    )
