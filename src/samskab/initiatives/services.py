"""State changes for initiatives: one function per use case, atomic, audited, notifying on commit.

Every write checks its own rule (see rules.py) and refuses with a Danish message before
anything is stored. The economy is append-only: a commitment's figures change only by a new
`CommitmentEntry` (a full snapshot, with who and why); its newest entry is its state, and
`samskab.analysis.economy.summarise` turns the entries into totals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from samskab.accounts.models import Organisation, OrganisationKind
from samskab.analysis import economy as economy_math
from samskab.analysis.economy import Economy, hour_value
from samskab.analysis.progress import weighted_progress
from samskab.challenges import services as challenges
from samskab.challenges.models import Challenge, Idea
from samskab.core import periods
from samskab.core.activity import Activity, ActivityReport, Arena
from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.core.validators import clean_free_text
from samskab.initiatives.access import get_initiative_or_404 as get_initiative_or_404
from samskab.initiatives.access import initiatives_for as initiatives_for
from samskab.initiatives.models import (
    DEFAULT_PROGRESS,
    MAX_HOUR_RATE,
    MAX_HOURS,
    MAX_KRONER,
    MIN_HOUR_RATE,
    Agreement,
    Assignment,
    BudgetLine,
    Commitment,
    CommitmentEntry,
    CommitmentKind,
    Document,
    EntryAction,
    Initiative,
    InitiativeIdea,
    Milestone,
    Partner,
    Responsibility,
    Status,
    Update,
    WorkPart,
)
from samskab.municipalities.models import Space
from samskab.municipalities.models import Visibility as SpaceVisibility
from samskab.notifications.models import Kind
from samskab.notifications.services import in_language, notify

__all__ = ["ServiceError", "get_initiative_or_404", "initiatives_for"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = frozenset(
    {".pdf", ".docx", ".xlsx", ".odt", ".ods", ".png", ".jpg", ".jpeg", ".txt", ".csv"}
)
MAX_WEIGHT = Decimal("9999.99")
# Far above every limit below, and small enough to round to øre without leaving Decimal's
# precision: anything this big is a typing mistake, whatever it counts.
TOO_BIG = Decimal("1e15")


def _is(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _require(actor: Any, perm: str, obj: Any, refusal: str) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise ServiceError(refusal)


def _same_municipality(obj: Any, initiative_or_space: Any, refusal: str) -> None:
    if obj is not None and obj.municipality_id != initiative_or_space.municipality_id:
        raise ServiceError(refusal)


def _dates(starts_on: date | None, ends_on: date | None) -> None:
    for value in (starts_on, ends_on):
        if value is not None and not isinstance(value, date):
            raise ServiceError(_("Skriv datoen som en dato, fx 31-12-2026."))
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise ServiceError(_("Slutdatoen kan ikke ligge før startdatoen."))


def _decimal(value: Any, message: str) -> Decimal:
    # A float has already lost the øre; forms and the API hand us Decimal, int or text.
    if isinstance(value, float | bool) or value is None:
        raise ServiceError(message)
    try:
        found = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(message) from None
    if not found.is_finite():
        raise ServiceError(message)
    if abs(found) >= TOO_BIG:
        raise ServiceError(_("Tallet er alt for stort. Tjek, om der er et 0 for meget."))
    if found != found.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        raise ServiceError(_("Skriv højst to decimaler (øre)."))
    return found.quantize(Decimal("0.01"))


def _amount(value: Any, *, hours: bool = False) -> Decimal:
    """Kroner, or with `hours` a number of hours: above 0 and within its limit."""
    if hours:
        wrong, limit = _("Skriv antal timer som et tal, fx 40 eller 7,5."), MAX_HOURS
        not_positive = _("Antal timer skal være større end 0.")
        too_big = _("Så mange timer kan ikke være rigtigt. Tjek tallet.")
    else:
        wrong, limit = _("Skriv beløbet i kroner, fx 12500,00."), MAX_KRONER
        not_positive = _("Beløbet skal være større end 0 kr.")
        too_big = _("Beløbet må højst være 1 mia. kr. Tjek, om der er et 0 for meget.")
    found = _decimal(value, wrong)
    if found <= 0:
        raise ServiceError(not_positive)
    if found > limit:
        raise ServiceError(too_big)
    return found


def _rate(value: Any) -> Decimal:
    if value is None or value == "":
        raise ServiceError(
            _("Timer skal have en timepris, fx erstatningsværdien af lignende arbejde.")
        )
    rate = _decimal(value, _("Skriv timeprisen i kroner, fx 250,00."))
    if not MIN_HOUR_RATE <= rate <= MAX_HOUR_RATE:
        raise ServiceError(
            _("Timeprisen skal ligge mellem %(low)s og %(high)s kr.")
            % {
                "low": number_format(MIN_HOUR_RATE, 2, force_grouping=True),
                "high": number_format(MAX_HOUR_RATE, 2, force_grouping=True),
            }
        )
    return rate


def _link(initiative: Initiative) -> str:
    return settings.SITE_URL + initiative.get_absolute_url()


def _tell(ideas: list[Idea], subject: Any, body: Any, initiative: Initiative) -> None:
    """Mail the authors and supporters of `ideas`, each in their own language, after commit.

    `subject` and `body` are called inside the recipient's language."""
    for person in challenges.idea_people(ideas):
        notify(
            person,
            Kind.STATUS,
            in_language(person, subject),
            in_language(person, body),
            link=initiative.get_absolute_url(),
            municipality=initiative.municipality,
        )


def _tell_linked(initiative: Initiative, ideas: list[Idea]) -> None:
    link = _link(initiative)

    def body() -> str:
        return _(
            "En idé, du har skrevet eller støttet, bliver nu til virkelighed i "
            "samskabelsesinitiativet »%(title)s«.\n\nFølg med her: %(link)s"
        ) % {"title": initiative.title, "link": link}

    _tell(
        ideas,
        lambda: _("Din idé bliver til et initiativ: %(title)s") % {"title": initiative.title},
        body,
        initiative,
    )


def _check_idea(actor: Any, idea: Any, initiative_or_space: Any) -> Idea:
    refusal = _("Idéen findes ikke, eller du kan ikke se den.")
    if not isinstance(idea, Idea):
        raise ServiceError(refusal)
    _same_municipality(idea, initiative_or_space, refusal)
    if not challenges.visible_ideas(actor, idea.challenge, [idea.pk]):
        raise ServiceError(refusal)
    return idea


def _recompute_ancestors(initiative: Initiative) -> None:
    """A parent's progress is its children's weighted mean (analysis.progress), up the tree."""
    seen = {initiative.pk}
    parent_id = initiative.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        children = list(
            Initiative.objects.filter(parent_id=parent_id).values_list("progress", "weight")
        )
        progress = weighted_progress([(p, w) for p, w in children])
        if progress is not None:
            Initiative.objects.filter(pk=parent_id).update(progress=progress)
        parent_id = (
            Initiative.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
        )


# --- initiatives -------------------------------------------------------------------------------


def _described(
    title: str, purpose: str, target_group: str, starts_on: date | None, ends_on: date | None
) -> dict[str, Any]:
    """What an initiative says about itself, cleaned and checked alike on creating and editing."""
    found = {
        "title": clean_free_text(title, limit=200, empty=_("Giv initiativet en titel.")),
        "purpose": clean_free_text(purpose, limit=5000),
        "target_group": clean_free_text(target_group, limit=2000),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    _dates(starts_on, ends_on)
    return found


def create_initiative(
    actor: Any,
    *,
    space: Space,
    title: str,
    purpose: str = "",
    target_group: str = "",
    challenge: Challenge | None = None,
    parent: Initiative | None = None,
    ideas: Iterable[Idea] = (),
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Initiative:
    """Start an initiative in a space, from a challenge or ideas, or as part of another one.

    The authors and supporters of the linked ideas are told, with a link to it."""
    if not isinstance(space, Space):
        raise ServiceError(_("Vælg et rum i kommunen."))
    if challenge is not None:
        _same_municipality(challenge, space, _("Udfordringen hører ikke til kommunen."))
        if challenge.space_id != space.pk:
            raise ServiceError(_("Udfordringen hører ikke til det valgte rum."))
    _require(
        actor,
        "initiatives.create_initiative",
        challenge if challenge is not None else space,
        _("Du kan ikke oprette et samskabelsesinitiativ her."),
    )
    if challenge is not None and not actor.has_perm("challenges.view_challenge", challenge):
        raise ServiceError(_("Du kan ikke oprette et samskabelsesinitiativ her."))
    if parent is not None:
        _same_municipality(parent, space, _("Det overordnede initiativ hører ikke til kommunen."))
        _require(
            actor,
            "initiatives.manage_initiative",
            parent,
            _("Du kan ikke tilføje et delinitiativ til det initiativ."),
        )
    described = _described(title, purpose, target_group, starts_on, ends_on)
    linked = list({idea.pk: _check_idea(actor, idea, space) for idea in ideas}.values())
    with transaction.atomic():
        initiative = Initiative.objects.create(
            municipality_id=space.municipality_id,
            space=space,
            challenge=challenge,
            parent=parent,
            created_by=_is(actor),
            **described,
        )
        Update.objects.create(
            municipality_id=initiative.municipality_id,
            initiative=initiative,
            status=initiative.status,
            progress=initiative.progress,
            note=_("Initiativet er oprettet."),
            by=_is(actor),
        )
        InitiativeIdea.objects.bulk_create(
            InitiativeIdea(
                municipality_id=initiative.municipality_id, initiative=initiative, idea=i
            )
            for i in linked
        )
        _recompute_ancestors(initiative)
        record(
            initiative.municipality_id,
            actor,
            "initiative.created",
            initiative,
            challenge=challenge.pk if challenge else None,
            parent=parent.pk if parent else None,
            ideas=[i.pk for i in linked],
        )
        if linked:
            _tell_linked(initiative, linked)
    return initiative


def update_initiative(
    initiative: Initiative,
    actor: Any,
    *,
    title: str,
    purpose: str,
    target_group: str,
    starts_on: date | None,
    ends_on: date | None,
    weight: Decimal | None = None,
) -> Initiative:
    _require(
        actor,
        "initiatives.manage_initiative",
        initiative,
        _("Du kan ikke ændre dette initiativ."),
    )
    described = _described(title, purpose, target_group, starts_on, ends_on)
    if weight is not None:
        weight = _decimal(weight, _("Skriv vægten som et tal, fx 1 eller 0,5."))
        if not Decimal(0) <= weight <= MAX_WEIGHT:
            raise ServiceError(_("Vægten skal være mellem 0 og 9999."))
    with transaction.atomic():
        for name, value in described.items():
            setattr(initiative, name, value)
        fields = [*described, "updated_at"]
        if weight is not None:
            initiative.weight = weight
            fields.append("weight")
        initiative.save(update_fields=fields)
        if weight is not None:
            _recompute_ancestors(initiative)
        record(initiative.municipality_id, actor, "initiative.updated", initiative)
    return initiative


def set_status(
    initiative: Initiative,
    actor: Any,
    *,
    status: str,
    progress: int | None = None,
    note: str = "",
) -> Update:
    """Change the status (and progress) and tell the people behind its ideas.

    Without a progress the status's default is used; paused and stopped keep the current one."""
    _require(
        actor,
        "initiatives.manage_initiative",
        initiative,
        _("Du kan ikke ændre status for dette initiativ."),
    )
    if status not in Status.values:
        raise ServiceError(_("Ukendt status."))
    if progress is None:
        progress = DEFAULT_PROGRESS.get(status, initiative.progress)
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ServiceError(_("Fremdriften skal være et helt tal fra 0 til 100."))
    note = clean_free_text(note, limit=5000)
    with transaction.atomic():
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        initiative.status, initiative.progress = status, progress
        initiative.save(update_fields=["status", "progress", "updated_at"])
        update = Update.objects.create(
            municipality_id=initiative.municipality_id,
            initiative=initiative,
            status=status,
            progress=progress,
            note=note,
            by=_is(actor),
        )
        _recompute_ancestors(initiative)
        record(
            initiative.municipality_id,
            actor,
            "initiative.status",
            initiative,
            status=status,
            progress=progress,
        )
        ideas = [link.idea for link in initiative.idea_links.select_related("idea")]
        label = Status(status)
        link = _link(initiative)

        def body() -> str:
            text = _(
                "Samskabelsesinitiativet »%(title)s«, som bygger på en idé, du har skrevet "
                "eller støttet, har fået status: %(status)s (%(progress)d %% færdigt)."
            ) % {"title": initiative.title, "status": label.label, "progress": progress}
            if note:
                text += "\n\n" + note
            return text + "\n\n" + _("Se mere her: %(link)s") % {"link": link}

        _tell(
            ideas,
            lambda: _("Nyt om initiativet: %(title)s") % {"title": initiative.title},
            body,
            initiative,
        )
    return update


def link_idea(initiative: Initiative, actor: Any, idea: Idea) -> InitiativeIdea:
    _require(
        actor,
        "initiatives.manage_initiative",
        initiative,
        _("Du kan ikke knytte idéer til dette initiativ."),
    )
    idea = _check_idea(actor, idea, initiative)
    try:
        with transaction.atomic():
            link = InitiativeIdea.objects.create(
                municipality_id=initiative.municipality_id, initiative=initiative, idea=idea
            )
            record(
                initiative.municipality_id,
                actor,
                "initiative.idea_linked",
                initiative,
                idea=idea.pk,
            )
            _tell_linked(initiative, [idea])
    except IntegrityError:
        raise ServiceError(_("Idéen er allerede knyttet til initiativet.")) from None
    return link


# --- milestones and documents ------------------------------------------------------------------


def add_milestone(
    initiative: Initiative, actor: Any, *, title: str, due_on: date, description: str = ""
) -> Milestone:
    _require(
        actor,
        "initiatives.edit_milestones",
        initiative,
        _("Du kan ikke tilføje milepæle til dette initiativ."),
    )
    title = clean_free_text(title, limit=200, empty=_("Giv milepælen en titel."))
    description = clean_free_text(description, limit=5000)
    if not isinstance(due_on, date):
        raise ServiceError(_("Vælg en dato for milepælen."))
    with transaction.atomic():
        milestone = Milestone.objects.create(
            municipality_id=initiative.municipality_id,
            initiative=initiative,
            title=title,
            description=description,
            due_on=due_on,
        )
        record(initiative.municipality_id, actor, "initiative.milestone_added", milestone)
    return milestone


def reach_milestone(milestone: Milestone, actor: Any, *, reached_on: date) -> Milestone:
    _require(
        actor,
        "initiatives.edit_milestones",
        milestone.initiative,
        _("Du kan ikke ændre milepæle i dette initiativ."),
    )
    if not isinstance(reached_on, date):
        raise ServiceError(_("Vælg den dato, milepælen blev nået."))
    if reached_on > timezone.localdate():
        raise ServiceError(_("En milepæl kan ikke være nået i fremtiden."))
    with transaction.atomic():
        milestone.reached_on = reached_on
        milestone.save(update_fields=["reached_on"])
        record(
            milestone.municipality_id,
            actor,
            "initiative.milestone_reached",
            milestone,
            reached_on=reached_on.isoformat(),
        )
    return milestone


def add_document(
    initiative: Initiative,
    actor: Any,
    *,
    title: str,
    file: Any,
    milestone: Milestone | None = None,
) -> Document:
    """Store a file (at most 10 MB; pdf, docx, xlsx, odt, ods, png, jpg, txt or csv)."""
    _require(
        actor,
        "initiatives.edit_milestones" if milestone is not None else "initiatives.add_document",
        initiative,
        _("Du kan ikke lægge dokumenter i dette initiativ."),
    )
    title = clean_free_text(title, limit=200, empty=_("Giv dokumentet en titel."))
    if file is None or not getattr(file, "name", ""):
        raise ServiceError(_("Vælg en fil."))
    if PurePath(file.name).suffix.lower() not in ALLOWED_EXTENSIONS:
        raise ServiceError(_("Filen skal være pdf, docx, xlsx, odt, ods, png, jpg, txt eller csv."))
    if not file.size or file.size > MAX_UPLOAD_BYTES:
        raise ServiceError(_("Filen må højst fylde 10 MB og må ikke være tom."))
    if milestone is not None and milestone.initiative_id != initiative.pk:
        raise ServiceError(_("Milepælen hører ikke til initiativet."))
    with transaction.atomic():
        document = Document.objects.create(
            municipality_id=initiative.municipality_id,
            initiative=initiative,
            title=title,
            file=file,
            uploaded_by=_is(actor),
        )
        if milestone is not None:
            milestone.documents.add(document)
        record(
            initiative.municipality_id,
            actor,
            "initiative.document_added",
            document,
            milestone=milestone.pk if milestone else None,
        )
    return document


# --- partners, agreements and parts ------------------------------------------------------------


def add_partner(
    initiative: Initiative,
    actor: Any,
    *,
    organisation: Organisation | None = None,
    person: Any = None,
    contact: Any,
) -> Partner:
    """An organisation of the municipality, or a person on their own, takes part."""
    _require(
        actor,
        "initiatives.manage_initiative",
        initiative,
        _("Du kan ikke tilføje partnere til dette initiativ."),
    )
    if organisation is None and person is None:
        raise ServiceError(_("Vælg en organisation eller en person."))
    _same_municipality(organisation, initiative, _("Organisationen hører ikke til kommunen."))
    if contact is None or not getattr(contact, "is_authenticated", False):
        raise ServiceError(_("Vælg en kontaktperson."))
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                municipality_id=initiative.municipality_id,
                initiative=initiative,
                organisation=organisation,
                person=person if organisation is None else None,
                contact=contact,
                is_municipal=organisation is not None
                and organisation.kind == OrganisationKind.DEPARTMENT,
            )
            record(
                initiative.municipality_id,
                actor,
                "initiative.partner_added",
                partner,
                organisation=organisation.pk if organisation else None,
            )
    except IntegrityError:
        raise ServiceError(_("Den partner er allerede med i initiativet.")) from None
    return partner


_AGREEMENT_TEXTS = {
    "purpose": 5000,
    "target_group": 2000,
    "tasks": 5000,
    "volunteer_boundary": 5000,
    "termination": 2000,
    "personal_data": 2000,
}


def save_agreement(
    partner: Partner,
    actor: Any,
    *,
    purpose: str,
    starts_on: date,
    target_group: str = "",
    tasks: str = "",
    volunteer_boundary: str = "",
    ends_on: date | None = None,
    termination: str = "",
    personal_data: str = "",
    works_with_children: bool = False,
    child_certificates_checked: bool = False,
) -> Agreement:
    """Write or change the samarbejdsaftale with a partner. Changing a signed one clears its
    signatures and raises its version, so what was signed is never silently changed."""
    _require(
        actor,
        "initiatives.manage_initiative",
        partner.initiative,
        _("Du kan ikke skrive samarbejdsaftaler for dette initiativ."),
    )
    texts = {
        name: clean_free_text(value, limit=_AGREEMENT_TEXTS[name])
        for name, value in {
            "purpose": purpose,
            "target_group": target_group,
            "tasks": tasks,
            "volunteer_boundary": volunteer_boundary,
            "termination": termination,
            "personal_data": personal_data,
        }.items()
    }
    if not texts["purpose"]:
        raise ServiceError(_("Skriv samarbejdets formål."))
    if not isinstance(starts_on, date):
        raise ServiceError(_("Vælg en startdato for samarbejdet."))
    _dates(starts_on, ends_on)
    fields: dict[str, Any] = {
        **texts,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "works_with_children": bool(works_with_children),
        "child_certificates_checked": bool(works_with_children)
        and bool(child_certificates_checked),
    }
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(partner=partner).first()
        if agreement is None:
            agreement = Agreement.objects.create(
                municipality_id=partner.municipality_id, partner=partner, **fields
            )
            record(partner.municipality_id, actor, "initiative.agreement_written", agreement)
            return agreement
        changed = [n for n, v in fields.items() if getattr(agreement, n) != v]
        if not changed:
            return agreement
        if agreement.signed_for_municipality_by_id or agreement.signed_for_partner_by_id:
            agreement.version += 1
            agreement.signed_for_municipality_by = agreement.signed_for_partner_by = None
            agreement.signed_for_municipality_at = agreement.signed_for_partner_at = None
        for name, value in fields.items():
            setattr(agreement, name, value)
        agreement.save()
        record(
            partner.municipality_id,
            actor,
            "initiative.agreement_changed",
            agreement,
            version=agreement.version,
            changed=changed,
        )
    return agreement


def sign_agreement(agreement: Agreement, actor: Any, *, side: str) -> Agreement:
    """Sign for the municipality (a leader or administrator) or for the partner (its contact
    person or someone affiliated with it)."""
    perms = {
        "municipality": "initiatives.sign_for_municipality",
        "partner": "initiatives.sign_for_partner",
    }
    if side not in perms:
        raise ServiceError(_("Vælg, om du skriver under for kommunen eller for partneren."))
    _require(actor, perms[side], agreement, _("Du kan ikke skrive under på denne aftale."))
    if agreement.works_with_children and not agreement.child_certificates_checked:
        raise ServiceError(
            _(
                "Samarbejdet omfatter børn under 15 år. Aftalen kan først underskrives, når "
                "børneattesterne er indhentet."
            )
        )
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if getattr(locked, f"signed_for_{side}_by_id") is not None:
            raise ServiceError(_("Aftalen er allerede underskrevet for den part."))
        setattr(locked, f"signed_for_{side}_by", actor)
        setattr(locked, f"signed_for_{side}_at", timezone.now())
        locked.save(update_fields=[f"signed_for_{side}_by", f"signed_for_{side}_at", "updated_at"])
        record(
            locked.municipality_id,
            actor,
            "initiative.agreement_signed",
            locked,
            side=side,
            version=locked.version,
        )
    for name in (f"signed_for_{side}_by", f"signed_for_{side}_at"):
        setattr(agreement, name, getattr(locked, name))
    return agreement


def set_part(
    initiative: Initiative,
    actor: Any,
    *,
    title: str,
    assignments: dict[Partner, str],
    description: str = "",
    part: WorkPart | None = None,
) -> WorkPart:
    """Create a part of the work, or replace one, with its responsibility matrix: every part has
    exactly one ansvarlig."""
    _require(
        actor,
        "initiatives.manage_initiative",
        initiative,
        _("Du kan ikke fordele ansvaret i dette initiativ."),
    )
    title = clean_free_text(title, limit=200, empty=_("Giv delen en titel."))
    description = clean_free_text(description, limit=2000)
    if part is not None and part.initiative_id != initiative.pk:
        raise ServiceError(_("Delen hører ikke til initiativet."))
    for partner, role in assignments.items():
        if not isinstance(partner, Partner) or partner.initiative_id != initiative.pk:
            raise ServiceError(_("Kun initiativets partnere kan have en rolle."))
        if role not in Responsibility.values:
            raise ServiceError(_("Ukendt rolle."))
    responsible = sum(1 for role in assignments.values() if role == Responsibility.RESPONSIBLE)
    if responsible == 0:
        raise ServiceError(_("Vælg én ansvarlig for delen."))
    if responsible > 1:
        raise ServiceError(
            _("En del kan kun have én ansvarlig. Du har valgt %(count)d.") % {"count": responsible}
        )
    with transaction.atomic():
        if part is None:
            part = WorkPart.objects.create(
                municipality_id=initiative.municipality_id,
                initiative=initiative,
                title=title,
                description=description,
            )
        else:
            part.title, part.description = title, description
            part.save(update_fields=["title", "description"])
            part.assignments.all().delete()
        Assignment.objects.bulk_create(
            Assignment(
                municipality_id=initiative.municipality_id, part=part, partner=partner, role=role
            )
            for partner, role in assignments.items()
        )
        record(
            initiative.municipality_id,
            actor,
            "initiative.part_saved",
            part,
            roles={str(p.pk): role for p, role in assignments.items()},
        )
    return part


# --- budget and commitments --------------------------------------------------------------------


def add_budget_line(
    initiative: Initiative, actor: Any, *, title: str, amount: Decimal
) -> BudgetLine:
    _require(
        actor,
        "initiatives.manage_initiative",
        initiative,
        _("Du kan ikke lægge budget for dette initiativ."),
    )
    title = clean_free_text(title, limit=200, empty=_("Giv budgetposten en titel."))
    amount = _amount(amount)
    with transaction.atomic():
        line = BudgetLine.objects.create(
            municipality_id=initiative.municipality_id,
            initiative=initiative,
            title=title,
            amount=amount,
        )
        record(
            initiative.municipality_id,
            actor,
            "initiative.budget_line_added",
            line,
            amount=str(amount),
        )
    return line


def approve_budget_line(line: BudgetLine, actor: Any) -> BudgetLine:
    _require(
        actor,
        "initiatives.approve_budget",
        line.initiative,
        _("Kun kommunens ledere og administratorer kan godkende budgetposter."),
    )
    with transaction.atomic():
        locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
        if locked.approved_at is not None:
            raise ServiceError(_("Budgetposten er allerede godkendt."))
        locked.approved_by, locked.approved_at = actor, timezone.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        record(line.municipality_id, actor, "initiative.budget_line_approved", locked)
    line.approved_by, line.approved_at = locked.approved_by, locked.approved_at
    return line


def _evidence(initiative: Initiative, evidence: Document | None) -> Document | None:
    if evidence is not None and evidence.initiative_id != initiative.pk:
        raise ServiceError(_("Dokumentationen hører ikke til initiativet."))
    return evidence


def _value(kind: str, quantity: Any, rate: Decimal | None) -> tuple[Decimal, Decimal]:
    """(quantity, value in kroner): hours at their rate, everything else is kroner already."""
    if kind == CommitmentKind.HOURS:
        hours = _amount(quantity, hours=True)
        value = hour_value(hours, rate)  # type: ignore[arg-type]
        if value > MAX_KRONER:
            raise ServiceError(
                _("Beløbet må højst være 1 mia. kr. Tjek, om der er et 0 for meget.")
            )
        return hours, value
    amount = _amount(quantity)
    return amount, amount


def commit(
    initiative: Initiative,
    actor: Any,
    *,
    partner: Partner,
    kind: str,
    quantity: Decimal,
    hour_rate: Decimal | None = None,
    budget_line: BudgetLine | None = None,
    description: str = "",
    valuation_rule: str = "",
    evidence: Document | None = None,
    note: str = "",
) -> Commitment:
    """A partner commits kroner, hours (at a stated rate), premises or goods in kind (valued in
    kroner). Only someone affiliated with the partner's organisation, or the partner person,
    may commit on its behalf. A `note` is kept with the first step of the history (an import
    puts there what the file said about a sign-off it could not carry)."""
    if not isinstance(partner, Partner) or partner.initiative_id != initiative.pk:
        raise ServiceError(_("Partneren er ikke med i initiativet."))
    _require(
        actor,
        "initiatives.commit_for",
        partner,
        _("Du kan kun give tilsagn på vegne af en organisation, du er tilknyttet."),
    )
    if kind not in CommitmentKind.values:
        raise ServiceError(_("Vælg, om tilsagnet er kroner, timer, lokaler eller naturalier."))
    rate = _rate(hour_rate) if kind == CommitmentKind.HOURS else None
    quantity, value = _value(kind, quantity, rate)
    description = clean_free_text(description, limit=500)
    valuation_rule = clean_free_text(valuation_rule, limit=500)
    if kind != CommitmentKind.MONEY and not valuation_rule:
        raise ServiceError(
            _(
                "Skriv, hvordan værdien er sat – fx timer til erstatningsværdien af lignende "
                "arbejde, lokaler og naturalier til markedspris."
            )
        )
    if budget_line is not None and budget_line.initiative_id != initiative.pk:
        raise ServiceError(_("Budgetposten hører ikke til initiativet."))
    evidence = _evidence(initiative, evidence)
    note = clean_free_text(note, limit=2000)
    with transaction.atomic():
        commitment = Commitment.objects.create(
            municipality_id=initiative.municipality_id,
            initiative=initiative,
            partner=partner,
            budget_line=budget_line,
            kind=kind,
            description=description,
            valuation_rule=valuation_rule if kind != CommitmentKind.MONEY else "",
            created_by=_is(actor),
        )
        CommitmentEntry.objects.create(
            municipality_id=initiative.municipality_id,
            commitment=commitment,
            seq=1,
            action=EntryAction.COMMITTED,
            planned_quantity=quantity,
            hour_rate=rate,
            planned_value=value,
            evidence=evidence,
            reason=note,
            by=_is(actor),
        )
        record(
            initiative.municipality_id,
            actor,
            "initiative.committed",
            commitment,
            kind=kind,
            quantity=str(quantity),
            value=str(value),
        )
    return commitment


def _newest(commitment: Commitment) -> CommitmentEntry:
    """The commitment's newest entry, with the commitment's row locked until the transaction
    ends, so two changes at once are made one after the other and get consecutive numbers."""
    Commitment.objects.select_for_update().filter(pk=commitment.pk).first()
    last = CommitmentEntry.objects.filter(commitment=commitment).order_by("-seq").first()
    if last is None:  # pragma: no cover - commit() always writes the first entry
        raise ServiceError(_("Tilsagnet har ingen historik."))
    if last.withdrawn:
        raise ServiceError(_("Tilsagnet er trukket tilbage og kan ikke ændres."))
    return last


def _append(
    commitment: Commitment,
    actor: Any,
    action: str,
    changes: Callable[[CommitmentEntry], dict[str, Any]],
) -> CommitmentEntry:
    """Append a snapshot: the newest entry's figures with the `changes` worked out from it,
    the commitment locked while they are."""
    with transaction.atomic():
        last = _newest(commitment)
        fields = {
            "planned_quantity": last.planned_quantity,
            "actual_quantity": last.actual_quantity,
            "hour_rate": last.hour_rate,
            "planned_value": last.planned_value,
            "actual_value": last.actual_value,
            "withdrawn": last.withdrawn,
            "evidence": last.evidence,
            **changes(last),
        }
        entry = CommitmentEntry.objects.create(
            municipality_id=commitment.municipality_id,
            commitment=commitment,
            seq=last.seq + 1,
            action=action,
            by=_is(actor),
            **fields,
        )
        record(
            commitment.municipality_id,
            actor,
            f"initiative.commitment_{action}",
            commitment,
            seq=entry.seq,
            planned=str(entry.planned_value),
            actual=str(entry.actual_value) if entry.actual_value is not None else None,
        )
    return entry


def _reason(reason: str) -> str:
    return clean_free_text(reason, limit=2000, empty=_("Skriv hvorfor."))


def correct_commitment(
    commitment: Commitment,
    actor: Any,
    *,
    quantity: Decimal,
    reason: str,
    hour_rate: Decimal | None = None,
) -> CommitmentEntry:
    """Change what was committed; the earlier figure stays in the history, with the reason."""
    _require(
        actor,
        "initiatives.commit_for",
        commitment,
        _("Du kan kun rette tilsagn på vegne af en organisation, du er tilknyttet."),
    )
    reason = _reason(reason)

    def changes(last: CommitmentEntry) -> dict[str, Any]:
        rate = None
        if commitment.kind == CommitmentKind.HOURS:
            rate = _rate(hour_rate if hour_rate is not None else last.hour_rate)
        planned, value = _value(commitment.kind, quantity, rate)
        found: dict[str, Any] = {
            "planned_quantity": planned,
            "planned_value": value,
            "hour_rate": rate,
            "reason": reason,
        }
        if rate is not None and last.actual_quantity is not None:
            found["actual_value"] = hour_value(last.actual_quantity, rate)
        return found

    return _append(commitment, actor, EntryAction.CORRECTED, changes)


def record_actual(
    commitment: Commitment,
    actor: Any,
    *,
    quantity: Decimal,
    reason: str = "",
    evidence: Document | None = None,
) -> CommitmentEntry:
    """What was actually given or spent (hours, or kroner), with evidence if there is some."""
    _require(
        actor,
        "initiatives.commit_for",
        commitment,
        _("Du kan kun indberette forbrug på vegne af en organisation, du er tilknyttet."),
    )
    reason = clean_free_text(reason, limit=2000)
    evidence = _evidence(commitment.initiative, evidence)

    def changes(last: CommitmentEntry) -> dict[str, Any]:
        rate = _rate(last.hour_rate) if commitment.kind == CommitmentKind.HOURS else None
        actual, value = _value(commitment.kind, quantity, rate)
        found: dict[str, Any] = {"actual_quantity": actual, "actual_value": value, "reason": reason}
        if evidence is not None:
            found["evidence"] = evidence
        return found

    return _append(commitment, actor, EntryAction.ACTUAL, changes)


def withdraw_commitment(commitment: Commitment, actor: Any, *, reason: str) -> CommitmentEntry:
    """Withdraw a commitment: it then counts for nothing, and its history stays."""
    _require(
        actor,
        "initiatives.commit_for",
        commitment,
        _("Du kan kun trække tilsagn tilbage på vegne af en organisation, du er tilknyttet."),
    )
    reason = _reason(reason)
    return _append(
        commitment,
        actor,
        EntryAction.WITHDRAWN,
        lambda last: {"withdrawn": True, "reason": reason},
    )


def sign_off_commitment(commitment: Commitment, actor: Any) -> CommitmentEntry:
    """A leader or administrator, never the one who committed, approves the figures as they
    stand."""
    _require(
        actor,
        "initiatives.sign_off",
        commitment,
        _("Kun kommunens ledere og administratorer kan godkende tilsagn – og aldrig deres egne."),
    )

    def changes(last: CommitmentEntry) -> dict[str, Any]:
        if last.action == EntryAction.SIGNED_OFF:
            raise ServiceError(_("Tilsagnet er allerede godkendt, som det står."))
        return {"reason": ""}

    return _append(commitment, actor, EntryAction.SIGNED_OFF, changes)


# --- reads -------------------------------------------------------------------------------------

_ENTRY_FIELDS = (
    "commitment_id",
    "seq",
    "planned_value",
    "actual_value",
    "withdrawn",
    "commitment__partner_id",
    "commitment__budget_line_id",
    "commitment__kind",
    "commitment__valuation_rule",
    "commitment__partner__is_municipal",
    "commitment__initiative_id",
)


def _entry(row: dict[str, Any]) -> economy_math.Entry:
    return economy_math.Entry(
        commitment=row["commitment_id"],
        seq=row["seq"],
        partner=row["commitment__partner_id"],
        line=row["commitment__budget_line_id"],
        kind=row["commitment__kind"],
        municipal=row["commitment__partner__is_municipal"],
        planned=row["planned_value"],
        actual=row["actual_value"],
        withdrawn=row["withdrawn"],
        valuation_rule=row["commitment__valuation_rule"],
    )


def economies(initiatives: Iterable[Initiative] | QuerySet[Initiative]) -> dict[int, Economy]:
    """Each initiative's economy, in two queries whatever their number."""
    if isinstance(initiatives, QuerySet):
        ids: Any = initiatives.values("pk")
        keys = list(initiatives.values_list("pk", flat=True))
    else:
        keys = [i.pk for i in initiatives]
        ids = keys
    lines: dict[int, list[economy_math.Line]] = {k: [] for k in keys}
    for pk, initiative_id, amount in BudgetLine.objects.filter(initiative__in=ids).values_list(
        "pk", "initiative_id", "amount"
    ):
        lines[initiative_id].append(economy_math.Line(pk, amount))
    entries: dict[int, list[economy_math.Entry]] = {k: [] for k in keys}
    for row in CommitmentEntry.objects.filter(commitment__initiative__in=ids).values(
        *_ENTRY_FIELDS
    ):
        entries[row["commitment__initiative_id"]].append(_entry(row))
    return {k: economy_math.summarise(lines[k], entries[k]) for k in keys}


def economy(initiative: Initiative) -> Economy:
    """The initiative's budget, commitments and spending, from the history (two queries)."""
    return economies([initiative])[initiative.pk]


@dataclass(frozen=True)
class TimelineItem:
    """One line of the public timeline: a status update, a milestone or a sign-off."""

    kind: str  # "update", "milestone" or "sign_off"
    on: date
    at: datetime | None
    obj: Any


def timeline(initiative: Initiative) -> list[TimelineItem]:
    """Updates, milestones (by the day they were reached, or are due) and commitments' sign-offs,
    newest first, in three queries."""
    items = [
        TimelineItem("update", timezone.localdate(u.at), u.at, u)
        for u in Update.objects.filter(initiative=initiative).select_related("by")
    ]
    items += [
        TimelineItem("milestone", m.reached_on or m.due_on, None, m)
        for m in Milestone.objects.filter(initiative=initiative).prefetch_related("documents")
    ]
    items += [
        TimelineItem("sign_off", timezone.localdate(e.at), e.at, e)
        for e in CommitmentEntry.objects.filter(
            commitment__initiative=initiative, action=EntryAction.SIGNED_OFF
        ).select_related("by", "commitment__partner__organisation", "commitment__partner__person")
    ]
    earliest = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    items.sort(key=lambda item: (item.on, item.at or earliest), reverse=True)
    return items


def initiatives_for_idea(user: Any, idea: Idea) -> list[Initiative]:
    """What became of an idea: the initiatives (the person may see) that carry it forward."""
    return list(initiatives_for(user, idea.municipality).filter(idea_links__idea=idea).distinct())


def initiatives_for_challenge(user: Any, challenge: Challenge) -> list[Initiative]:
    """Initiatives started from the challenge or from its ideas, that the person may see."""
    return list(
        initiatives_for(user, challenge.municipality)
        .filter(Q(challenge=challenge) | Q(idea_links__idea__challenge=challenge))
        .distinct()
    )


def commitment_history(commitment: Commitment) -> list[CommitmentEntry]:
    return list(
        CommitmentEntry.objects.filter(commitment=commitment)
        .select_related("by", "evidence")
        .order_by("seq")
    )


# --------------------------------------------------------------------------------------------
# The landscape's read function (see samskab.core.activity)
# --------------------------------------------------------------------------------------------


def landscape_activity(municipality: Any, start: date, end: date) -> ActivityReport:
    """Who took part in what here between `start` and `end` (both inclusive).

    Arenas: every initiative that existed by `end`, public when it lies in a public space; its
    parent is its challenge, else the challenge of the first idea it carries, else the initiative
    it is part of. Activities: a partner joining ("partner", on the local day of `joined_at`,
    the partner's organisation, or the person taking part on their own); a commitment
    ("commitment", on the day it was made, for its partner's organisation or person; one whose
    newest entry withdrew it is left out); and the responsibility matrix ("responsibility", the
    partners who are ansvarlig or bidragyder for a part of the work). An assignment keeps no
    date of its own, so it is dated the day its partner joined. Five queries."""
    kwargs = {"municipality": municipality}
    since, until = periods.bounds(start, end)
    in_period = periods.within("joined_at", start, end)
    idea_challenge: dict[int, int] = {}
    for initiative_id, challenge_id in (
        InitiativeIdea.objects.filter(**kwargs)
        .order_by("initiative_id", "linked_at", "pk")
        .values_list("initiative_id", "idea__challenge_id")
    ):
        idea_challenge.setdefault(initiative_id, challenge_id)
    arenas = []
    for pk, title, visibility, challenge_id, parent_id in Initiative.objects.filter(
        **kwargs, created_at__lt=until
    ).values_list("pk", "title", "space__visibility", "challenge_id", "parent_id"):
        challenge_id = challenge_id or idea_challenge.get(pk)
        if challenge_id:
            parent = f"challenge:{challenge_id}"
        else:
            parent = f"initiative:{parent_id}" if parent_id else ""
        arenas.append(
            Arena(
                key=f"initiative:{pk}",
                kind="initiative",
                label=title,
                public=visibility == SpaceVisibility.PUBLIC,
                url=reverse(
                    "initiatives:detail",
                    kwargs={"municipality": municipality.slug, "initiative": pk},
                ),
                parent=parent,
            )
        )
    activities = []
    for initiative_id, org, person, active, joined_at in Partner.objects.filter(
        **kwargs, **in_period
    ).values_list(
        "initiative_id", "organisation_id", "person_id", "person__is_active", "joined_at"
    ):
        activities.append(
            Activity(
                "partner",
                periods.day(joined_at),
                f"initiative:{initiative_id}",
                person_id=None if org else periods.known(person, active),
                organisation_id=org,
            )
        )
    newest = CommitmentEntry.objects.filter(commitment=OuterRef("pk")).order_by("-seq")
    for initiative_id, org, person, active, created_at in (
        Commitment.objects.filter(**kwargs, **periods.within("created_at", start, end))
        .annotate(withdrawn=Subquery(newest.values("withdrawn")[:1]))
        .exclude(withdrawn=True)
        .values_list(
            "initiative_id",
            "partner__organisation_id",
            "partner__person_id",
            "partner__person__is_active",
            "created_at",
        )
    ):
        activities.append(
            Activity(
                "commitment",
                periods.day(created_at),
                f"initiative:{initiative_id}",
                person_id=None if org else periods.known(person, active),
                organisation_id=org,
            )
        )
    for initiative_id, org, person, active, joined_at in Assignment.objects.filter(
        **kwargs,
        role__in=[Responsibility.RESPONSIBLE, Responsibility.CONTRIBUTOR],
        partner__joined_at__gte=since,
        partner__joined_at__lt=until,
    ).values_list(
        "part__initiative_id",
        "partner__organisation_id",
        "partner__person_id",
        "partner__person__is_active",
        "partner__joined_at",
    ):
        activities.append(
            Activity(
                "responsibility",
                periods.day(joined_at),
                f"initiative:{initiative_id}",
                person_id=None if org else periods.known(person, active),
                organisation_id=org,
            )
        )
    return ActivityReport(tuple(arenas), tuple(activities))


# --------------------------------------------------------------------------------------------
# The movement dashboard's read functions (samskab.landscape.dashboard)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """The initiatives the person may see, counted by status (every status present, 0 where
    none), and their economies summed: budget, committed and actually spent, in kroner."""

    by_status: dict[str, int]
    budget: Decimal
    committed: Decimal
    spent: Decimal


def overview(user: Any, municipality: Any) -> Overview:
    """Initiatives by status and their economy totals, in four queries whatever their number."""
    found = initiatives_for(user, municipality)
    by_status = dict.fromkeys(Status.values, 0)
    for status in found.values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    zero = Decimal("0.00")
    totals = economies(found).values()
    return Overview(
        by_status=by_status,
        budget=sum((e.budget for e in totals), zero),
        committed=sum((e.committed for e in totals), zero),
        spent=sum((e.spent for e in totals), zero),
    )


# -- for the council report ---------------------------------------------------------------------


def partners_for_report(user: Any, initiatives: list[Initiative]) -> dict[int, dict[str, Any]]:
    """For each initiative the person may see: its partner organisations' names (people taking
    part in their own name are counted, not named) and how many commitments are not withdrawn.
    Two queries, whatever the number of initiatives."""
    from django.db.models import Count

    seen = [i.pk for i in initiatives if user.has_perm("initiatives.view_initiative", i)]
    out: dict[int, dict[str, Any]] = {pk: {"organisations": [], "people": 0} for pk in seen}
    for pk, name, municipal in (
        Partner.objects.filter(initiative__in=seen)
        .order_by("pk")
        .values_list("initiative_id", "organisation__name", "is_municipal")
    ):
        if name:
            out[pk]["organisations"].append({"name": name, "municipal": municipal})
        else:
            out[pk]["people"] += 1
    counts = dict(
        Commitment.objects.filter(initiative__in=seen)
        .values("initiative_id")
        .annotate(n=Count("pk"))
        .values_list("initiative_id", "n")
    )
    for pk in seen:
        out[pk]["commitments"] = counts.get(pk, 0)
    return out


# -- for search ---------------------------------------------------------------------------------


def search_initiatives(user: Any, municipality: Any, query: str, *, limit: int = 20) -> list[Any]:
    """Initiatives in spaces the person may enter whose title or purpose holds every word of
    the query (samskab.core.search), newest first. One query."""
    from samskab.core import search

    return list(
        search.search(initiatives_for(user, municipality), query, ["title", "purpose"]).order_by(
            "-created_at", "-id"
        )[:limit]
    )
