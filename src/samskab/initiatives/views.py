"""The initiatives' pages. Thin: forms check shape, the services decide and say why not."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samskab.accounts.models import Affiliation, Organisation
from samskab.analysis.economy import Totals
from samskab.challenges.models import Idea, Outcome, Visibility
from samskab.challenges.services import get_challenge_or_404
from samskab.core.converters import IdConverter
from samskab.core.errors import ServiceError
from samskab.core.exports import download, export_filename
from samskab.core.feedback import attempt
from samskab.core.imports import report_of, result_for
from samskab.initiatives import exports, forms, services
from samskab.initiatives.access import (
    get_budget_line_or_404,
    get_commitment_or_404,
    get_document_or_404,
    get_initiative_or_404,
    get_milestone_or_404,
    get_part_or_404,
    get_partner_or_404,
    initiatives_for,
    spaces_to_start_in,
)
from samskab.initiatives.exports import partner_name
from samskab.initiatives.import_tasks import import_initiatives
from samskab.initiatives.models import (
    Agreement,
    BudgetLine,
    Commitment,
    CommitmentKind,
    Document,
    Initiative,
    Milestone,
    Partner,
    Status,
    WorkPart,
)
from samskab.municipalities.access import municipality_view, visible_spaces
from samskab.municipalities.models import Municipality
from samskab.municipalities.panels import INITIATIVE_COLUMNS, INITIATIVE_PANELS, panels_for

PER_PAGE = 50
# A queued task's id (a UUID); anything else is no import of ours.

# The accountability page's orders: key in the address → (what to sort by, biggest first).
SORTS: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "nyeste": (lambda row: (row["initiative"].created_at, row["initiative"].pk), True),
    "titel": (lambda row: row["initiative"].title.casefold(), False),
    "fremdrift": (lambda row: (row["initiative"].progress, row["initiative"].pk), True),
    "budget": (lambda row: (row["economy"].budget, row["initiative"].pk), True),
    "mangler": (lambda row: (row["economy"].gap, row["initiative"].pk), True),
    "slut": (lambda row: (row["initiative"].ends_on is None, row["initiative"].ends_on), False),
}


def _id_param(value: str) -> int | None:
    """An id from the query string, as the URLs' `<id:…>` takes one; None for anything else."""
    return int(value) if re.fullmatch(IdConverter.regex, value) else None


# -- the accountability page -----------------------------------------------------------------


@municipality_view
def accountability(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """Every initiative the person may see: status, progress, economy, with totals."""
    user = request.user
    spaces = list(visible_spaces(user, municipality).order_by("title"))
    everything = initiatives_for(user, municipality)
    counts = dict(
        everything.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    shown = everything.annotate(n_ideas=Count("idea_links", distinct=True))
    status = request.GET.get("status", "")
    if status in Status.values:
        shown = shown.filter(status=status)
    space = request.GET.get("rum", "")
    if space in {s.slug for s in spaces}:
        shown = shown.filter(space__slug=space)
    else:
        space = ""
    initiatives = list(shown)
    found = services.economies(initiatives)
    rows = [{"initiative": i, "economy": found[i.pk]} for i in initiatives]
    sort = request.GET.get("sorter", "nyeste")
    key, descending = SORTS.get(sort, SORTS["nyeste"])
    rows.sort(key=key, reverse=descending)
    totals = {
        name: sum((getattr(row["economy"], name) for row in rows), Decimal("0.00"))
        for name in ("budget", "committed", "spent", "gap", "municipal", "external")
    }
    # The mean progress of what is shown, whole per cent (rounded half up, no float).
    progress = (
        (sum(i.progress for i in initiatives) * 2 + len(rows)) // (2 * len(rows)) if rows else 0
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("side"))
    shown_here = [row["initiative"] for row in page.object_list]
    columns = [column(shown_here) for column in INITIATIVE_COLUMNS]
    for row in page.object_list:
        row["extra"] = [cells.get(row["initiative"].pk, "") for _heading, cells in columns]
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "initiatives/accountability.html",
        {
            "municipality": municipality,
            "page": page,
            "columns": [heading for heading, _cells in columns],
            "n_shown": len(rows),
            "totals": totals,
            "progress": progress,
            "statuses": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
            "status": status if status in Status.values else "",
            "spaces": spaces,
            "space": space,
            "sort": sort if sort in SORTS else "nyeste",
            "query": query.urlencode(),
            "can_create": any(user.has_perm("initiatives.create_initiative", s) for s in spaces),
        },
    )


# -- creating and editing ---------------------------------------------------------------------


@login_required
@municipality_view
def initiative_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """Directly in a space of the movement, or (?udfordring=…) from a challenge's ideas."""
    user = request.user
    challenge = None
    ideas = None
    spaces = None
    if "udfordring" in request.GET:
        challenge_id = _id_param(request.GET["udfordring"])
        if challenge_id is None:
            raise Http404
        challenge = get_challenge_or_404(user, municipality, challenge_id)
        if not user.has_perm("initiatives.create_initiative", challenge):
            raise PermissionDenied
        ideas = list(
            Idea.objects.filter(challenge=challenge, visibility=Visibility.VISIBLE).order_by(
                "title", "pk"
            )
        )
    else:
        spaces = spaces_to_start_in(user, municipality)
        if not spaces:
            raise PermissionDenied
    parents = list(initiatives_for(user, municipality).filter(parent__isnull=True)[:200])
    initial: dict[str, Any] = {}
    if ideas is not None:
        chosen = {str(i) for i in request.GET.getlist("ide")}
        initial["ideas"] = [
            str(i.pk) for i in ideas if str(i.pk) in chosen or i.outcome == Outcome.SELECTED
        ]
        initial["title"] = challenge.title if challenge else ""
    form = forms.InitiativeForm(
        request.POST or None, initial=initial, spaces=spaces, ideas=ideas, parents=parents
    )

    def save(data: dict[str, Any]) -> Initiative:
        return services.create_initiative(
            user,
            space=challenge.space if challenge else data["space"],
            title=data["title"],
            purpose=data["purpose"],
            target_group=data["target_group"],
            challenge=challenge,
            parent=data.get("parent"),
            ideas=data.get("ideas") or (),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )

    return _saved_or_shown(
        request,
        form,
        save,
        _("Initiativet er oprettet."),
        lambda created: created.get_absolute_url(),
        "initiatives/initiative_form.html",
        {"municipality": municipality, "challenge": challenge},
    )


def _saved_or_shown(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    next_url: Callable[[Any], str],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A posted, valid form saved through `save` (a refusal is shown on the form, as typed), then
    on to `next_url(saved)`; else the form, again."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(next_url(saved))
    return render(
        request, template, {**context, "form": form}, status=400 if form.is_bound else 200
    )


def _form_page(
    request: HttpRequest,
    initiative: Initiative,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    submit: str,
    done: str,
    intro: str = "",
    next_url: str | None = None,
) -> HttpResponse:
    """One form about an initiative: show it, or save it through `save` and go back."""
    back = next_url or initiative.get_absolute_url()
    return _saved_or_shown(
        request,
        form,
        save,
        done,
        lambda saved: back,
        "initiatives/form.html",
        {
            "municipality": initiative.municipality,
            "initiative": initiative,
            "title": title,
            "submit": submit,
            "intro": intro,
            "back": back,
        },
    )


def _managed(request: HttpRequest, municipality: Municipality, pk: int, perm: str) -> Initiative:
    found = get_initiative_or_404(request.user, municipality, pk)
    if not request.user.has_perm(perm, found):
        raise PermissionDenied
    return found


Fetch = Callable[..., tuple[Initiative, Any]]


def _managing(perm: str) -> Fetch:
    """The initiative of the address, for those who hold `perm` on it (else 403)."""

    def fetch(request: HttpRequest, municipality: Municipality, initiative: int) -> Any:
        found = _managed(request, municipality, initiative, perm)
        return found, found

    return fetch


def _speaking_for(
    request: HttpRequest, municipality: Municipality, initiative: int, commitment: int
) -> tuple[Initiative, Commitment]:
    """The commitment of the address, for those who speak for its partner (else 403)."""
    found = get_initiative_or_404(request.user, municipality, initiative)
    item = get_commitment_or_404(found, commitment)
    if not request.user.has_perm("initiatives.commit_for", item):
        raise PermissionDenied
    return found, item


def _step(
    fetch: Fetch,
    form_class: type[Any],
    save: Callable[..., Any],
    *,
    title: Any,
    submit: Any,
    done: Any,
    intro: Any = "",
    form_kwargs: Callable[[Initiative], dict[str, Any]] = lambda found: {},
    next_url: Callable[[Any], str] | None = None,
) -> Callable[..., HttpResponse]:
    """A page with one form that one service saves, `save(obj, user, **data)`, where `fetch`
    finds (and authorises) the initiative and the object the form is about."""

    @login_required
    @municipality_view
    def view(request: HttpRequest, municipality: Municipality, **ids: int) -> HttpResponse:
        found, obj = fetch(request, municipality, **ids)
        form = form_class(request.POST or None, request.FILES or None, **form_kwargs(found))
        return _form_page(
            request,
            found,
            form,
            lambda data: save(obj, request.user, **data),
            title=str(title),
            intro=str(intro),
            submit=str(submit),
            done=str(done),
            next_url=next_url(obj) if next_url else None,
        )

    return view


def _at(anchor: str) -> Callable[[Initiative], str]:
    return lambda found: found.get_absolute_url() + anchor


def _economy_url(found: Initiative) -> str:
    return reverse("initiatives:economy", args=[found.municipality.slug, found.pk])


def _as_it_is(found: Initiative) -> dict[str, Any]:
    """The edit form, filled in with the initiative as it is (its weight only for a part)."""
    initial = {name: getattr(found, name) for name in forms.InitiativeForm.base_fields}
    initial["weight"] = str(found.weight).replace(".", ",")
    return {"initial": initial, "weight": found.parent_id is not None}


initiative_edit = _step(
    _managing("initiatives.manage_initiative"),
    forms.InitiativeForm,
    services.update_initiative,
    form_kwargs=_as_it_is,
    title=gettext_lazy("Ret initiativet"),
    submit=gettext_lazy("Gem ændringerne"),
    done=gettext_lazy("Ændringerne er gemt."),
)


status_change = _step(
    _managing("initiatives.manage_initiative"),
    forms.StatusForm,
    services.set_status,
    form_kwargs=lambda found: {"initial": {"status": found.status}},
    title=gettext_lazy("Skift status"),
    intro=gettext_lazy("Dem, der har foreslået eller støttet initiativets idéer, får besked."),
    submit=gettext_lazy("Gem status"),
    done=gettext_lazy("Status er gemt, og tidslinjen er opdateret."),
)


# -- the initiative's page --------------------------------------------------------------------


@municipality_view
def initiative_detail(
    request: HttpRequest, municipality: Municipality, initiative: int
) -> HttpResponse:
    user = request.user
    found = get_initiative_or_404(user, municipality, initiative)
    partners = list(
        Partner.objects.filter(initiative=found).select_related(
            "organisation", "person", "contact", "agreement"
        )
    )
    for partner in partners:
        partner.name = partner_name(partner)
    parts = list(WorkPart.objects.filter(initiative=found).prefetch_related("assignments"))
    matrix = [
        {
            "part": part,
            "roles": [
                next(
                    (a.get_role_display() for a in part.assignments.all() if a.partner_id == p.pk),
                    "",
                )
                for p in partners
            ],
        }
        for part in parts
    ]
    milestones = list(Milestone.objects.filter(initiative=found).prefetch_related("documents"))
    in_milestones = {d.pk for m in milestones for d in m.documents.all()}
    documents = [d for d in Document.objects.filter(initiative=found) if d.pk not in in_milestones]
    ideas = [
        link.idea
        for link in found.idea_links.select_related("idea__challenge", "idea__municipality")
        if link.idea.visibility == Visibility.VISIBLE
    ]
    children = list(
        initiatives_for(user, municipality).filter(parent=found).order_by("title", "pk")
    )
    can_manage = user.has_perm("initiatives.manage_initiative", found)
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "municipality": municipality,
            "initiative": found,
            "parent": found.parent
            if found.parent and user.has_perm("initiatives.view_initiative", found.parent)
            else None,
            "children": children,
            "ideas": ideas,
            "partners": partners,
            "matrix": matrix,
            "milestones": milestones,
            "documents": documents,
            "timeline": services.timeline(found),
            "economy": services.economy(found),
            "can_manage": can_manage,
            "can_edit_milestones": user.has_perm("initiatives.edit_milestones", found),
            "can_add_document": user.has_perm("initiatives.add_document", found),
            "initiative_panels": panels_for(request, found, INITIATIVE_PANELS),
        },
    )


# -- milestones and documents -----------------------------------------------------------------


milestone_create = _step(
    _managing("initiatives.edit_milestones"),
    forms.MilestoneForm,
    services.add_milestone,
    title=gettext_lazy("Ny milepæl"),
    submit=gettext_lazy("Tilføj milepælen"),
    done=gettext_lazy("Milepælen er tilføjet."),
    next_url=_at("#milepaele"),
)


@login_required
@municipality_view
def milestone_reach(
    request: HttpRequest, municipality: Municipality, initiative: int, milestone: int
) -> HttpResponse:
    found = _managed(request, municipality, initiative, "initiatives.edit_milestones")
    item = get_milestone_or_404(found, milestone)
    form = forms.ReachForm(request.POST or None)
    return _form_page(
        request,
        found,
        form,
        lambda data: services.reach_milestone(item, request.user, reached_on=data["reached_on"]),
        title=_("Milepælen »%(title)s« er nået") % {"title": item.title},
        submit=_("Gem"),
        done=_("Milepælen er markeret som nået."),
        next_url=found.get_absolute_url() + "#milepaele",
    )


@login_required
@municipality_view
def document_create(
    request: HttpRequest, municipality: Municipality, initiative: int
) -> HttpResponse:
    """Gated as the service is (`initiatives.add_document`): those who run the initiative, and
    a partner's people with their evidence. A milestone is offered only to those who may edit
    milestones, as only they may put a document in one."""
    found = _managed(request, municipality, initiative, "initiatives.add_document")
    milestones = (
        list(Milestone.objects.filter(initiative=found))
        if request.user.has_perm("initiatives.edit_milestones", found)
        else []
    )
    form = forms.DocumentForm(request.POST or None, request.FILES or None, milestones=milestones)
    return _form_page(
        request,
        found,
        form,
        lambda data: services.add_document(found, request.user, **data),
        title=_("Tilføj et dokument"),
        intro=_("Dokumentet kan kun ses af dem, der kan se initiativet."),
        submit=_("Upload dokumentet"),
        done=_("Dokumentet er tilføjet."),
    )


@municipality_view
def document_download(
    request: HttpRequest, municipality: Municipality, initiative: int, document: int
) -> FileResponse:
    """A document, only to those who may see the initiative (never from a public address)."""
    found = get_initiative_or_404(request.user, municipality, initiative)
    item = get_document_or_404(found, document)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = item.file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# -- partners, agreements and the responsibility matrix ---------------------------------------


@login_required
@municipality_view
def partner_create(
    request: HttpRequest, municipality: Municipality, initiative: int
) -> HttpResponse:
    found = _managed(request, municipality, initiative, "initiatives.manage_initiative")
    organisations = list(Organisation.objects.filter(municipality=municipality))
    form = forms.PartnerForm(request.POST or None, organisations=organisations)

    def save(data: dict[str, Any]) -> Any:
        contact = get_user_model().objects.filter(email__iexact=data["contact"]).first()
        if contact is None:
            raise ServiceError(
                _("Der er ingen profil med den e-mail. Bed personen oprette en profil først.")
            )
        organisation = data.get("organisation")
        return services.add_partner(
            found,
            request.user,
            organisation=organisation,
            person=None if organisation else contact,
            contact=contact,
        )

    return _form_page(
        request,
        found,
        form,
        save,
        title=_("Ny partner"),
        intro=_("En partner er en kommunal enhed, en forening, en virksomhed eller en borger."),
        submit=_("Tilføj partneren"),
        done=_("Partneren er tilføjet."),
        next_url=found.get_absolute_url() + "#partnere",
    )


AGREEMENT_FIELDS = (
    "purpose",
    "target_group",
    "tasks",
    "volunteer_boundary",
    "starts_on",
    "ends_on",
    "termination",
    "personal_data",
    "works_with_children",
    "child_certificates_checked",
)


def _agreement_of(partner: Partner) -> Agreement | None:
    return (
        Agreement.objects.filter(partner=partner)
        .select_related("signed_for_municipality_by", "signed_for_partner_by")
        .first()
    )


@login_required
@municipality_view
def agreement_edit(
    request: HttpRequest, municipality: Municipality, initiative: int, partner: int
) -> HttpResponse:
    found = _managed(request, municipality, initiative, "initiatives.manage_initiative")
    item = get_partner_or_404(found, partner)
    current = _agreement_of(item)
    if current is not None:
        initial = {name: getattr(current, name) for name in AGREEMENT_FIELDS}
    else:
        initial = {
            "purpose": found.purpose,
            "target_group": found.target_group,
            "starts_on": found.starts_on,
            "ends_on": found.ends_on,
        }
    form = forms.AgreementForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        found,
        form,
        lambda data: services.save_agreement(item, request.user, **data),
        title=_("Samarbejdsaftale med %(name)s") % {"name": partner_name(item)},
        intro=_("Ændrer du en underskrevet aftale, skal den underskrives igen."),
        submit=_("Gem aftalen"),
        done=_("Aftalen er gemt."),
        next_url=reverse("initiatives:agreement", args=[municipality.slug, found.pk, item.pk]),
    )


@municipality_view
def agreement_detail(
    request: HttpRequest, municipality: Municipality, initiative: int, partner: int
) -> HttpResponse:
    """The agreement as it is signed, ready to print."""
    user = request.user
    found = get_initiative_or_404(user, municipality, initiative)
    item = get_partner_or_404(found, partner)
    current = _agreement_of(item)
    if current is None and not user.has_perm("initiatives.manage_initiative", found):
        raise Http404
    return render(
        request,
        "initiatives/agreement.html",
        {
            "municipality": municipality,
            "initiative": found,
            "partner": item,
            "partner_name": partner_name(item),
            "agreement": current,
            "can_manage": user.has_perm("initiatives.manage_initiative", found),
            "can_sign_municipality": current is not None
            and current.signed_for_municipality_at is None
            and user.has_perm("initiatives.sign_for_municipality", current),
            "can_sign_partner": current is not None
            and current.signed_for_partner_at is None
            and user.has_perm("initiatives.sign_for_partner", current),
        },
    )


@require_POST
@login_required
@municipality_view
def agreement_sign(
    request: HttpRequest, municipality: Municipality, initiative: int, partner: int
) -> HttpResponse:
    found = get_initiative_or_404(request.user, municipality, initiative)
    item = get_partner_or_404(found, partner)
    current = _agreement_of(item)
    form = forms.SignForm(request.POST)
    if current is None or not form.is_valid():
        raise Http404
    side = form.cleaned_data["side"]
    attempt(
        request,
        lambda: services.sign_agreement(current, request.user, side=side),
        _("Aftalen er underskrevet."),
    )
    return redirect("initiatives:agreement", municipality.slug, found.pk, item.pk)


@login_required
@municipality_view
def part_edit(
    request: HttpRequest, municipality: Municipality, initiative: int, part: int | None = None
) -> HttpResponse:
    found = _managed(request, municipality, initiative, "initiatives.manage_initiative")
    item = get_part_or_404(found, part) if part is not None else None
    partners = list(
        Partner.objects.filter(initiative=found).select_related("organisation", "person")
    )
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {"title": item.title, "description": item.description}
        initial.update({f"role_{a.partner_id}": a.role for a in item.assignments.all()})
    form = forms.PartForm(
        request.POST or None, initial=initial, partners=partners, show=partner_name
    )

    def save(data: dict[str, Any]) -> Any:
        return services.set_part(
            found,
            request.user,
            title=data["title"],
            description=data["description"],
            assignments=form.assignments(),
            part=item,
        )

    return _form_page(
        request,
        found,
        form,
        save,
        title=_("Ret delen af arbejdet") if item else _("Ny del af arbejdet"),
        intro=_(
            "Hver del har præcis én ansvarlig. Bidragydere hjælper, rådgivere giver råd, "
            "og de informerede holdes orienteret."
        ),
        submit=_("Gem"),
        done=_("Ansvarsfordelingen er gemt."),
        next_url=found.get_absolute_url() + "#ansvar",
    )


# -- the economy ------------------------------------------------------------------------------


def _speaks_for(user: Any, partners: list[Partner]) -> list[Partner]:
    """The partners the person may commit for. The rule decides; it is asked only about the
    partners the person is tied to (found in one query), so a page with many partners stays
    query-flat."""
    if not user.is_authenticated:
        return []
    tied = set(
        Affiliation.objects.filter(
            person=user, organisation_id__in=[p.organisation_id for p in partners]
        ).values_list("organisation_id", flat=True)
    )
    return [
        p
        for p in partners
        if (p.person_id == user.pk or p.organisation_id in tied)
        and user.has_perm("initiatives.commit_for", p)
    ]


def _economy_context(request: HttpRequest, found: Initiative) -> dict[str, Any]:
    user = request.user
    found_economy = services.economy(found)
    partners = list(
        Partner.objects.filter(initiative=found).select_related("organisation", "person", "contact")
    )
    lines = list(BudgetLine.objects.filter(initiative=found).select_related("approved_by"))
    commitments = list(
        Commitment.objects.filter(initiative=found).select_related(
            "partner__organisation", "partner__person", "budget_line"
        )
    )
    names = {p.pk: partner_name(p) for p in partners}
    zero = Totals()
    mine = {p.pk for p in _speaks_for(user, partners)}
    rows = [
        {
            "partner": p,
            "name": names[p.pk],
            "totals": found_economy.per_partner.get(p.pk, zero),
            "can_commit": p.pk in mine,
        }
        for p in partners
    ]
    return {
        "municipality": found.municipality,
        "initiative": found,
        "economy": found_economy,
        "partners": rows,
        "can_commit": any(row["can_commit"] for row in rows),
        "lines": [
            {"line": line, "totals": found_economy.per_line.get(line.pk, zero)} for line in lines
        ],
        "kinds": [
            {
                "kind": label,
                "totals": found_economy.per_kind[value],
                "rules": found_economy.valuation_rules.get(value, ()),
                "cash": value == CommitmentKind.MONEY,
            }
            for value, label in CommitmentKind.choices
            if value in found_economy.per_kind
        ],
        "commitments": [
            {
                "commitment": c,
                "name": names.get(c.partner_id, ""),
                "state": found_economy.current.get(c.pk),
            }
            for c in commitments
        ],
        "can_manage": user.has_perm("initiatives.manage_initiative", found),
        "can_approve": user.has_perm("initiatives.approve_budget", found),
    }


@municipality_view
def economy(request: HttpRequest, municipality: Municipality, initiative: int) -> HttpResponse:
    found = get_initiative_or_404(request.user, municipality, initiative)
    return render(request, "initiatives/economy.html", _economy_context(request, found))


budget_line_create = _step(
    _managing("initiatives.manage_initiative"),
    forms.BudgetLineForm,
    services.add_budget_line,
    title=gettext_lazy("Ny budgetpost"),
    submit=gettext_lazy("Tilføj budgetposten"),
    done=gettext_lazy("Budgetposten er tilføjet."),
    next_url=_economy_url,
)


def _approval(
    child: Callable[[Initiative, int], Any],
    approve: Callable[[Any, Any], Any],
    done: Any,
    back: Callable[[Any], str],
) -> Callable[..., HttpResponse]:
    """A button that approves one thing in an initiative: `approve(obj, user)`; the service
    decides who may."""

    @require_POST
    @login_required
    @municipality_view
    def view(
        request: HttpRequest, municipality: Municipality, initiative: int, **ids: int
    ) -> HttpResponse:
        found = get_initiative_or_404(request.user, municipality, initiative)
        (pk,) = ids.values()
        item = child(found, pk)
        attempt(request, lambda: approve(item, request.user), str(done))
        return redirect(back(item))

    return view


budget_line_approve = _approval(
    get_budget_line_or_404,
    services.approve_budget_line,
    gettext_lazy("Budgetposten er godkendt."),
    lambda line: _economy_url(line.initiative),
)


@login_required
@municipality_view
def commitment_create(
    request: HttpRequest, municipality: Municipality, initiative: int
) -> HttpResponse:
    user = request.user
    found = get_initiative_or_404(user, municipality, initiative)
    partners = _speaks_for(
        user,
        list(Partner.objects.filter(initiative=found).select_related("organisation", "person")),
    )
    if not partners:
        raise PermissionDenied
    form = forms.CommitmentForm(
        request.POST or None,
        partners=partners,
        partner_label=partner_name,
        lines=list(BudgetLine.objects.filter(initiative=found)),
        documents=list(Document.objects.filter(initiative=found)),
    )
    return _form_page(
        request,
        found,
        form,
        lambda data: services.commit(found, user, **data),
        title=_("Nyt tilsagn"),
        intro=_(
            "Et tilsagn er det, en partner lover at bidrage med: kroner, timer, lokaler eller "
            "naturalier. Timer værdisættes til en oplyst timepris, lokaler og naturalier til "
            "markedsværdi."
        ),
        submit=_("Giv tilsagnet"),
        done=_("Tilsagnet er gemt."),
        next_url=reverse("initiatives:economy", args=[municipality.slug, found.pk]),
    )


@municipality_view
def commitment_detail(
    request: HttpRequest, municipality: Municipality, initiative: int, commitment: int
) -> HttpResponse:
    """A commitment's history: every step, who and why; nothing is ever edited away."""
    user = request.user
    found = get_initiative_or_404(user, municipality, initiative)
    item = get_commitment_or_404(found, commitment)
    history = services.commitment_history(item)
    newest = history[-1] if history else None
    open_ = newest is not None and not newest.withdrawn
    speaks = user.has_perm("initiatives.commit_for", item)
    return render(
        request,
        "initiatives/commitment.html",
        {
            "municipality": municipality,
            "initiative": found,
            "commitment": item,
            "name": partner_name(item.partner),
            "history": history,
            "newest": newest,
            "can_change": open_ and speaks,
            "can_sign_off": open_ and user.has_perm("initiatives.sign_off", item),
        },
    )


def _commitment_url(item: Commitment) -> str:
    return reverse(
        "initiatives:commitment",
        args=[item.initiative.municipality.slug, item.initiative_id, item.pk],
    )


commitment_correct = _step(
    _speaking_for,
    forms.CorrectionForm,
    services.correct_commitment,
    title=gettext_lazy("Ret tilsagnet"),
    intro=gettext_lazy("Rettelsen gemmes som et nyt trin i historikken med din begrundelse."),
    submit=gettext_lazy("Gem rettelsen"),
    done=gettext_lazy("Rettelsen er gemt."),
    next_url=_commitment_url,
)
commitment_actual = _step(
    _speaking_for,
    forms.ActualForm,
    services.record_actual,
    form_kwargs=lambda found: {"documents": list(Document.objects.filter(initiative=found))},
    title=gettext_lazy("Faktisk forbrug"),
    submit=gettext_lazy("Gem forbruget"),
    done=gettext_lazy("Forbruget er gemt."),
    next_url=_commitment_url,
)
commitment_withdraw = _step(
    _speaking_for,
    forms.WithdrawForm,
    services.withdraw_commitment,
    title=gettext_lazy("Træk tilsagnet tilbage"),
    intro=gettext_lazy(
        "Tilsagnet tæller derefter ikke med i økonomien, men det står i historikken."
    ),
    submit=gettext_lazy("Træk tilsagnet tilbage"),
    done=gettext_lazy("Tilsagnet er trukket tilbage."),
    next_url=_commitment_url,
)


commitment_sign_off = _approval(
    get_commitment_or_404,
    services.sign_off_commitment,
    gettext_lazy("Tilsagnet er godkendt."),
    _commitment_url,
)


# -- export and import ------------------------------------------------------------------------


@municipality_view
def export(request: HttpRequest, municipality: Municipality, fmt: str) -> HttpResponse:
    """The visible initiatives as JSON, one table as CSV for Danish Excel, or as .xlsx."""
    initiatives = list(initiatives_for(request.user, municipality))
    if fmt == "json":
        body: str | bytes = json.dumps(
            exports.export_data(initiatives), ensure_ascii=False, indent=1
        )
        name = "initiativer"
    elif fmt in exports.CSV_TABLES:
        body = exports.table_csv(fmt, initiatives)
        name = fmt.rsplit(".", 1)[0]
    elif fmt in exports.XLSX_TABLES or fmt == exports.ALL_XLSX:
        body = exports.workbook(fmt, initiatives)
        name = "initiativer" if fmt == exports.ALL_XLSX else fmt.rsplit(".", 1)[0]
    else:
        raise Http404
    extension = "json" if fmt == "json" else fmt.rsplit(".", 1)[1]
    if name != "initiativer":
        name = f"initiativer-{name}"
    return download(body, export_filename(municipality.slug, name, extension))


@login_required
@municipality_view
def import_start(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    user = request.user
    spaces = spaces_to_start_in(user, municipality)
    if not spaces:
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None, spaces=spaces)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            text = exports.read_upload(data["file"])
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            result = import_initiatives.enqueue(
                municipality_id=municipality.pk,
                actor_id=user.pk,
                space_id=data["space"].pk,
                text=text,
                valid_only=data["valid_only"],
                language=get_language(),
            )
            if result.is_finished:
                return _import_report(request, municipality, report_of(result))
            return redirect("initiatives:import_report", municipality.slug, result.id)
    return render(
        request,
        "initiatives/import.html",
        {"municipality": municipality, "form": form},
        status=400 if form.is_bound else 200,
    )


def _import_report(
    request: HttpRequest, municipality: Municipality, report: dict[str, Any] | None
) -> HttpResponse:
    return render(
        request,
        "initiatives/import_report.html",
        {"municipality": municipality, "report": report},
        status=200 if report is None or report["stored"] else 400,
    )


@login_required
@municipality_view
def import_report(request: HttpRequest, municipality: Municipality, result: str) -> HttpResponse:
    """A queued import's report, for the person who started it."""
    found = result_for(import_initiatives, result, request.user, municipality)
    return _import_report(request, municipality, report_of(found))
