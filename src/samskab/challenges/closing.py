"""Why an action is closed in a challenge's current phase, and since when, in plain Danish.

A person who could take part but comes after the phase closed is told that (and when), not
that they lack permission. The date is when the phase that allowed the action ended, read from
the audit trail of phase changes (one query); before any change is recorded, the planned date
on the challenge is used, and with neither the sentence goes without a date.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samskab.challenges import phases
from samskab.challenges.models import Challenge
from samskab.core.models import AuditEvent

EDIT = "edit"


def _phases_allowing(action: str) -> set[str]:
    return {p for p in phases.ORDER if phases.allows(p, action)}


def closed_on(challenge: Challenge, action: str) -> date | None:
    """The local day the last phase that allowed `action` ended (None when not known)."""
    allowing = _phases_allowing(action)
    events = AuditEvent.objects.filter(
        municipality_id=challenge.municipality_id,
        action="challenge.phase",
        target_type=Challenge._meta.label_lower,
        target_id=str(challenge.pk),
    ).order_by("-created_at", "-id")
    for created_at, detail in events.values_list("created_at", "detail")[:50]:
        if detail.get("old") in allowing and detail.get("new") not in allowing:
            return timezone.localtime(created_at).date()
    planned = {
        phases.Phase.IDEAS: challenge.ideas_until,
        phases.Phase.PRIORITISATION: challenge.prioritisation_until,
        phases.Phase.DECISION: challenge.decision_on,
    }
    last = [p for p in phases.ORDER if p in allowing]
    return planned.get(last[-1]) if last else None


def _day(value: date) -> str:
    return date_format(value, "j. F Y")


def _has_begun(challenge: Challenge, action: str) -> bool:
    """Whether a phase allowing `action` comes at or before the current one."""
    if challenge.phase not in phases.ORDER:
        return True
    index = phases.ORDER.index(challenge.phase)
    return any(phases.allows(p, action) for p in phases.ORDER[: index + 1])


def phase_refusal(challenge: Challenge, action: str) -> str | None:
    """What to tell a person when the phase does not allow `action` (a phases.Action, or EDIT
    for editing one's own idea); None when the phase allows it."""
    checked = phases.Action.SUBMIT if action == EDIT else action
    if phases.allows(challenge.phase, checked):
        return None
    if not _has_begun(challenge, checked):
        if checked == phases.Action.COMPARE:
            planned = challenge.ideas_until
            if planned:
                return _(
                    "Den parvise sammenligning er ikke begyndt endnu. Den begynder, når idéfasen "
                    "slutter (efter planen den %(date)s)."
                ) % {"date": _day(planned)}
            return _(
                "Den parvise sammenligning er ikke begyndt endnu. Den begynder, når idéfasen "
                "slutter."
            )
        return _("Det kan du ikke gøre i udfordringens nuværende fase.")
    day = closed_on(challenge, checked)
    texts = {
        phases.Action.SUBMIT: (
            _("Idéfasen er slut, så der kan ikke længere komme nye idéer."),
            _("Idéfasen sluttede den %(date)s, så der kan ikke længere komme nye idéer."),
        ),
        EDIT: (
            _("Idéfasen er slut, så idéerne kan ikke længere rettes."),
            _("Idéfasen sluttede den %(date)s, så idéerne kan ikke længere rettes."),
        ),
        phases.Action.SUPPORT: (
            _("Prioriteringen er slut, så støtten kan ikke længere ændres."),
            _("Prioriteringen sluttede den %(date)s, så støtten kan ikke længere ændres."),
        ),
        phases.Action.COMPARE: (
            _("Prioriteringen er slut, så du kan ikke længere sammenligne idéer."),
            _("Prioriteringen sluttede den %(date)s, så du kan ikke længere sammenligne idéer."),
        ),
        phases.Action.COMMENT: (
            _("Der er lukket for kommentarer til udfordringen."),
            _("Der blev lukket for kommentarer den %(date)s."),
        ),
    }
    without, with_date = texts.get(action, texts[checked])
    return with_date % {"date": _day(day)} if day else without
