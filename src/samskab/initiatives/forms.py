"""The initiatives' forms check shape only (a number is a number, a date a date); the services
decide what is allowed and say why not."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samskab.core.fields import free_text
from samskab.core.widgets import DkfdsCheckboxSelectMultiple
from samskab.initiatives.models import CommitmentKind, Responsibility, Status

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Danish thousands separators: 1.234.567 (a dot before each group of three digits).
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_amount(text: str) -> Decimal:
    """An amount as people type it: "1.234,50", "1234,50", "1234.50", "1 234,50 kr."."""
    cleaned = text.strip().removesuffix("kr.").removesuffix("kr").strip()
    cleaned = cleaned.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


class AmountField(forms.CharField):
    """Kroner or hours with at most two decimals, typed the Danish way; never a float."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            amount = parse_amount(text)
        except ValueError:
            raise forms.ValidationError(_("Skriv et tal, fx 1.234,50."), code="invalid") from None
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Skriv højst to decimaler."), code="invalid")
        # Larger than any amount the database holds: the service's "absurd" check comes later.
        if abs(amount) >= Decimal("1e12"):
            raise forms.ValidationError(_("Beløbet er alt for stort."), code="invalid")
        return amount.quantize(Decimal("0.01"))


def _choices(objects: Any, label: Any = str) -> list[tuple[str, str]]:
    return [(str(o.pk), label(o)) for o in objects]


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects already fetched (never a lookup by an id someone typed)."""

    def __init__(self, objects: Any = (), show: Any = str, **kwargs: Any) -> None:
        self.objects = {str(o.pk): o for o in objects}
        kwargs.setdefault("error_messages", {"invalid_choice": _("Vælg en af mulighederne.")})
        super().__init__(**kwargs)
        empty = [("", "–")] if not self.required else []
        self.choices = empty + _choices(self.objects.values(), show)

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.objects.get(key) if key else None


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, objects: Any = (), show: Any = str, **kwargs: Any) -> None:
        self.objects = {str(o.pk): o for o in objects}
        kwargs.setdefault("error_messages", {"invalid_choice": _("Vælg blandt mulighederne.")})
        kwargs.setdefault("widget", DkfdsCheckboxSelectMultiple)
        super().__init__(**kwargs)
        self.choices = _choices(self.objects.values(), show)

    def clean(self, value: Any) -> list[Any]:
        return [self.objects[key] for key in super().clean(value)]


class InitiativeForm(forms.Form):
    title = free_text(_("Titel"), 200)
    purpose = free_text(_("Formål"), 5000, lines=3, required=False)
    target_group = free_text(_("Målgruppe"), 2000, lines=2, required=False)
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Slut"), required=False, widget=DATE)

    def __init__(
        self,
        *args: Any,
        spaces: Any = None,
        ideas: Any = None,
        parents: Any = None,
        weight: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if spaces is not None:
            self.fields["space"] = ObjectChoiceField(spaces, label=_("Rum"))
            self.order_fields(["space"])
        if ideas is not None:
            self.fields["ideas"] = ObjectMultipleChoiceField(
                ideas,
                label=_("Idéer, initiativet bygger på"),
                required=False,
                help_text=_("Forslagsstillerne og dem, der støtter idéerne, får besked."),
            )
        if parents:
            self.fields["parent"] = ObjectChoiceField(
                parents, label=_("Del af et større initiativ"), required=False
            )
        if weight:
            self.fields["weight"] = AmountField(
                label=_("Vægt i det overordnede initiativs fremdrift"), required=False
            )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    progress = forms.IntegerField(
        label=_("Fremdrift i procent"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Lad feltet stå tomt, så bruger vi det tal, der hører til statussen."),
    )
    note = free_text(
        _("Hvad er der sket? Teksten vises på tidslinjen."), 5000, lines=3, required=False
    )


class MilestoneForm(forms.Form):
    title = free_text(_("Milepæl"), 200)
    due_on = forms.DateField(label=_("Dato"), widget=DATE)
    description = free_text(_("Beskrivelse"), 5000, lines=2, required=False)


class ReachForm(forms.Form):
    reached_on = forms.DateField(label=_("Nået den"), widget=DATE)


class DocumentForm(forms.Form):
    title = free_text(_("Titel"), 200)
    file = forms.FileField(label=_("Fil"))

    def __init__(self, *args: Any, milestones: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if milestones:
            self.fields["milestone"] = ObjectChoiceField(
                milestones, label=_("Hører til milepælen"), required=False
            )


class PartnerForm(forms.Form):
    contact = forms.EmailField(
        label=_("Kontaktpersonens e-mail"),
        help_text=_("Kontaktpersonen skal have en profil i Samskab."),
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = ObjectChoiceField(
            organisations,
            label=_("Organisation"),
            required=False,
            help_text=_("Lad feltet stå tomt, når kontaktpersonen deltager som privatperson."),
        )
        self.order_fields(["organisation"])


class AgreementForm(forms.Form):
    purpose = free_text(_("Formål"), 5000, lines=3)
    target_group = free_text(_("Målgruppe"), 2000, lines=2, required=False)
    tasks = free_text(_("Hvem gør hvad"), 5000, lines=3, required=False)
    volunteer_boundary = free_text(
        _("Hvor frivilligt arbejde slutter, og medarbejdernes arbejde begynder"),
        5000,
        lines=3,
        required=False,
    )
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("Slut"), required=False, widget=DATE)
    termination = free_text(_("Sådan afsluttes samarbejdet"), 2000, lines=2, required=False)
    personal_data = free_text(
        _("Persondata: hvem behandler hvad, og hvordan"), 2000, lines=2, required=False
    )
    works_with_children = forms.BooleanField(
        label=_("Samarbejdet omfatter arbejde med børn under 15 år"), required=False
    )
    child_certificates_checked = forms.BooleanField(
        label=_("Børneattester er indhentet for dem, der arbejder med børnene"), required=False
    )


class SignForm(forms.Form):
    side = forms.ChoiceField(
        choices=[("municipality", _("Kommunen")), ("partner", _("Partneren"))],
        widget=forms.HiddenInput,
    )


ROLE_CHOICES = [("", _("Ingen rolle")), *Responsibility.choices]


class PartForm(forms.Form):
    title = free_text(_("Del af arbejdet"), 200)
    description = free_text(_("Beskrivelse"), 2000, lines=2, required=False)

    def __init__(self, *args: Any, partners: Any = (), show: Any = str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = list(partners)
        for partner in self.partners:
            self.fields[f"role_{partner.pk}"] = forms.ChoiceField(
                label=show(partner), choices=ROLE_CHOICES, required=False
            )

    def assignments(self) -> dict[Any, str]:
        return {
            p: self.cleaned_data[f"role_{p.pk}"]
            for p in self.partners
            if self.cleaned_data.get(f"role_{p.pk}")
        }


class BudgetLineForm(forms.Form):
    title = free_text(_("Budgetpost"), 200)
    amount = AmountField(label=_("Beløb i kroner"), help_text=_("Fx 25.000,00"))


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Hvad bidrager partneren med?"), choices=CommitmentKind.choices
    )
    quantity = AmountField(
        label=_("Mængde"),
        help_text=_("Antal timer, hvis det er timer – ellers værdien i kroner."),
    )
    hour_rate = AmountField(
        label=_("Timepris i kroner"),
        required=False,
        help_text=_("Kun for timer: fx erstatningsværdien af tilsvarende lønnet arbejde."),
    )
    description = free_text(_("Beskrivelse"), 500, required=False)
    valuation_rule = free_text(
        _("Sådan er værdien sat"),
        500,
        required=False,
        help_text=_("Skal udfyldes for timer, lokaler og naturalier, fx »markedsleje«."),
    )

    def __init__(
        self,
        *args: Any,
        partners: Any = (),
        partner_label: Any = str,
        lines: Any = (),
        documents: Any = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"] = ObjectChoiceField(partners, show=partner_label, label=_("Partner"))
        self.fields["budget_line"] = ObjectChoiceField(lines, label=_("Budgetpost"), required=False)
        self.fields["evidence"] = ObjectChoiceField(
            documents, label=_("Dokumentation"), required=False
        )
        self.order_fields(["partner", "kind", "quantity", "hour_rate", "budget_line"])


class CorrectionForm(forms.Form):
    quantity = AmountField(label=_("Ny mængde"))
    hour_rate = AmountField(label=_("Ny timepris i kroner"), required=False)
    reason = free_text(_("Hvorfor retter du tilsagnet?"), 2000, lines=2)


class ActualForm(forms.Form):
    quantity = AmountField(label=_("Faktisk forbrug"))
    reason = free_text(_("Bemærkning"), 2000, lines=2, required=False)

    def __init__(self, *args: Any, documents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = ObjectChoiceField(
            documents, label=_("Dokumentation"), required=False
        )


class WithdrawForm(forms.Form):
    reason = free_text(_("Hvorfor trækker du tilsagnet tilbage?"), 2000, lines=2)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller JSON)"),
        help_text=_("Samme format som eksporten. CSV med semikolon, som Excel gemmer den."),
    )
    valid_only = forms.BooleanField(
        label=_("Importer de gyldige rækker, selv om nogle rækker afvises"), required=False
    )

    def __init__(self, *args: Any, spaces: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"] = ObjectChoiceField(
            spaces,
            label=_("Rum"),
            help_text=_("Rækker uden et rum kommer i dette rum."),
        )
        self.order_fields(["file", "space", "valid_only"])
