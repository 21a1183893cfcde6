"""State changes and reads for safe-to-fail experiments: one function per use case, each
checking its own rule, atomic and audited."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samskab.analysis.stacey import Zone
from samskab.complexity.services import latest_zone, zone_name
from samskab.core import periods
from samskab.core.activity import Activity, ActivityReport, Arena
from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.core.validators import clean_free_text
from samskab.experiments.access import get_experiment_or_404 as get_experiment_or_404
from samskab.experiments.access import visible_experiments as visible_experiments
from samskab.experiments.models import (
    RESULT_MAX_LENGTH,
    STATUS_AFTER,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ZONE_HIGH,
    ZONE_LOW,
    Decision,
    Experiment,
    Review,
    Status,
)
from samskab.municipalities.models import Municipality
from samskab.municipalities.models import Visibility as SpaceVisibility
from samskab.notifications.models import Kind
from samskab.notifications.services import in_language, notify
from samskab.reflection import services as reflection

__all__ = ["ServiceError"]

# A review further ahead than this is a typing mistake, not a plan: probes are short.
MAX_REVIEW_AHEAD = timedelta(days=3 * 365)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _may(actor: Any, permission: str, obj: Any) -> bool:
    return bool(_actor(actor) is not None and actor.has_perm(permission, obj))


def _review_date(value: Any, *, required: bool) -> date | None:
    if value is None or value == "":
        if required:
            raise ServiceError(_("Vælg en dato for, hvornår I følger op."))
        return None
    if not isinstance(value, date):
        raise ServiceError(_("Skriv datoen som dd.mm.åååå."))
    today = timezone.localdate()
    if value < today:
        raise ServiceError(_("Datoen er allerede passeret. Vælg i dag eller en senere dag."))
    if value > today + MAX_REVIEW_AHEAD:
        raise ServiceError(_("Følg op inden for tre år. Et sikkert eksperiment er kort."))
    return value


def _zone(value: Any, missing: str | None = None) -> int:
    if value is None and missing:
        raise ServiceError(missing)
    if isinstance(value, bool) or not isinstance(value, int) or not ZONE_LOW <= value <= ZONE_HIGH:
        raise ServiceError(_("Vælg en af de fem zoner i Stacey-matricen."))
    return value


def zone_choices() -> list[tuple[int, str]]:
    """The five zones as (number, name), in the words complexity uses."""
    return [(int(z), zone_name(z)) for z in Zone]


def assessed_zone(initiative: Any) -> int | None:
    """The zone the initiative's challenge was last assessed in, if it was."""
    if initiative.challenge_id is None:
        return None
    return latest_zone(initiative.challenge)


# Each text of a design, with its limit and what to say when it is missing: a probe is safe to
# fail only when all of them are written down beforehand.
_DESIGN_TEXTS: dict[str, tuple[int, Any]] = {
    "title": (TITLE_MAX_LENGTH, gettext_lazy("Giv eksperimentet en titel.")),
    "hypothesis": (
        TEXT_MAX_LENGTH,
        gettext_lazy("Skriv hypotesen: hvad tror I, der sker, når I prøver det?"),
    ),
    "signals": (TEXT_MAX_LENGTH, gettext_lazy("Skriv, hvilke tegn I holder øje med.")),
    "amplify_when": (
        TEXT_MAX_LENGTH,
        gettext_lazy("Skriv, hvad der skal til, før I forstærker eksperimentet."),
    ),
    "dampen_when": (
        TEXT_MAX_LENGTH,
        gettext_lazy("Skriv, hvad der får jer til at dæmpe eksperimentet."),
    ),
    "stop_when": (TEXT_MAX_LENGTH, gettext_lazy("Skriv, hvornår I stopper eksperimentet.")),
}
# What a design form holds and what an experiment's designer gets in their data export.
DESIGN_FIELDS = (*_DESIGN_TEXTS, "review_on", "zone")


class DesignTexts(TypedDict):
    """The texts a design is made of, as keyword arguments (their limits and what to say when
    one is missing are in _DESIGN_TEXTS)."""

    title: str
    hypothesis: str
    signals: str
    amplify_when: str
    dampen_when: str
    stop_when: str


def _design(
    texts: Mapping[str, Any], review_on: Any, zone: Any, missing_zone: str | None = None
) -> dict[str, Any]:
    """The design's fields, cleaned, as the experiment stores them."""
    unknown = texts.keys() - _DESIGN_TEXTS.keys()
    if unknown:
        raise TypeError(f"not a text of a design: {', '.join(sorted(unknown))}")
    cleaned = {
        name: clean_free_text(texts.get(name), limit=limit, empty=str(empty))
        for name, (limit, empty) in _DESIGN_TEXTS.items()
    }
    review_on = _review_date(review_on, required=True)
    return {**cleaned, "review_on": review_on, "zone": _zone(zone, missing_zone)}


def design_experiment(
    initiative: Any,
    actor: Any,
    *,
    review_on: date | None,
    zone: int | None = None,
    **texts: Unpack[DesignTexts],
) -> Experiment:
    """A new experiment in the initiative. Without a chosen zone it takes the zone the
    initiative's challenge was last assessed in."""
    if not _may(actor, "experiments.design_experiment", initiative):
        raise ServiceError(_("Kun de, der leder initiativet, kan starte et eksperiment i det."))
    design = _design(
        texts,
        review_on,
        assessed_zone(initiative) if zone is None or zone == "" else zone,
        _("Udfordringen er ikke vurderet endnu. Vælg, hvilken zone I mener, den er i."),
    )
    with transaction.atomic():
        experiment = Experiment.objects.create(
            municipality_id=initiative.municipality_id,
            initiative=initiative,
            created_by=_actor(actor),
            **design,
        )
        record(
            initiative.municipality_id,
            actor,
            "experiments.designed",
            experiment,
            initiative=initiative.pk,
            zone=experiment.zone,
        )
    return experiment


def update_experiment(
    experiment: Experiment,
    actor: Any,
    *,
    review_on: date | None,
    zone: int,
    **texts: Unpack[DesignTexts],
) -> Experiment:
    """Change the design before the first review: afterwards the criteria are what the review
    was judged against, so they stay as they were."""
    if not _may(actor, "experiments.manage_experiment", experiment):
        raise ServiceError(_("Kun de, der leder initiativet, kan ændre eksperimentet."))
    design = _design(texts, review_on, zone)
    with transaction.atomic():
        locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
        if Review.objects.filter(experiment=locked).exists():
            raise ServiceError(
                _(
                    "Eksperimentet er fulgt op, så kriterierne ligger fast. Start et nyt "
                    "eksperiment, hvis I vil prøve noget andet."
                )
            )
        for name, value in design.items():
            setattr(experiment, name, value)
        experiment.save()
        record(
            experiment.municipality_id,
            actor,
            "experiments.changed",
            experiment,
            zone=experiment.zone,
        )
    return experiment


def review_experiment(
    experiment: Experiment,
    actor: Any,
    *,
    decision: str,
    sensed: str,
    outcome: str = "",
    learning: str = "",
    next_review_on: date | None = None,
) -> Review:
    """Sense and respond: what was seen, and whether to go on, amplify, dampen or stop.

    Going on needs a new review date; amplifying or dampening may have one (then it is followed
    up again); a stopped experiment is done."""
    if not _may(actor, "experiments.manage_experiment", experiment):
        raise ServiceError(_("Kun de, der leder initiativet, kan følge op på eksperimentet."))
    if decision not in Decision.values:
        raise ServiceError(_("Vælg, om I fortsætter, forstærker, dæmper eller stopper."))
    result = {
        "sensed": clean_free_text(
            sensed,
            limit=RESULT_MAX_LENGTH,
            empty=None
            if decision == Decision.CONTINUE
            else _("Skriv, hvad I har set, før I beslutter at forstærke, dæmpe eller stoppe."),
        ),
        "outcome": clean_free_text(outcome, limit=RESULT_MAX_LENGTH),
        "learning": clean_free_text(learning, limit=TEXT_MAX_LENGTH),
        "next_review_on": None
        if decision == Decision.STOP
        else _review_date(next_review_on, required=decision == Decision.CONTINUE),
    }
    with transaction.atomic():
        locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
        if locked.status == Status.STOPPED:
            raise ServiceError(_("Eksperimentet er stoppet og kan ikke følges op igen."))
        review = Review.objects.create(
            municipality_id=experiment.municipality_id,
            experiment=experiment,
            decision=decision,
            by=_actor(actor),
            **result,
        )
        # The experiment keeps what its newest review says; a review without an outcome or a
        # learning leaves the earlier ones.
        after = {
            "status": STATUS_AFTER[decision],
            "review_on": review.next_review_on,
            "outcome": review.outcome or locked.outcome,
            "learning": review.learning or locked.learning,
            "reviewed_by": review.by,
            "reviewed_at": review.at,
        }
        for name, value in after.items():
            setattr(experiment, name, value)
        experiment.save(update_fields=[*after, "updated_at"])
        record(
            experiment.municipality_id,
            actor,
            "experiments.reviewed",
            experiment,
            decision=decision,
            next_review_on=str(review.next_review_on or ""),
        )
    return review


def authors_of(experiment: Experiment) -> list[Any]:
    """Who designed and who reviewed the experiment: the authors of its learning."""
    people = {experiment.created_by_id: experiment.created_by} if experiment.created_by else {}
    for review in Review.objects.filter(experiment=experiment, by__isnull=False).select_related(
        "by"
    ):
        people.setdefault(review.by_id, review.by)
    return list(people.values())


def _tell_authors(experiment: Experiment, actor: Any, authors: list[Any], link: str) -> None:
    for person in authors:
        if person.pk == actor.pk:
            continue
        notify(
            person,
            Kind.STATUS,
            in_language(
                person, lambda: _("Må læringen deles? %(title)s") % {"title": experiment.title}
            ),
            in_language(
                person,
                lambda: (
                    _(
                        "Læringen fra eksperimentet »%(title)s« er lagt i kommunens "
                        "læringsbibliotek. Du er en af forfatterne. Sig ja eller nej til, at den "
                        "må deles med andre kommuner:\n%(link)s"
                    )
                    % {"title": experiment.title, "link": link}
                ),
            ),
            link=link,
            municipality=experiment.municipality,
        )


def publish_learning(experiment: Experiment, actor: Any) -> Any:
    """Offer the experiment's learning to the municipality's learning library. Its designer and
    reviewers are its authors and are asked at once; it reaches the library all municipalities
    share only when each of them has said yes (as every learning in the library)."""
    if not _may(actor, "experiments.manage_experiment", experiment):
        raise ServiceError(_("Kun de, der leder initiativet, kan dele eksperimentets læring."))
    if not experiment.learning:
        raise ServiceError(_("Skriv først, hvad I har lært, når I følger op på eksperimentet."))
    authors = authors_of(experiment)
    with transaction.atomic():
        locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
        if locked.library_learning_id is not None:
            raise ServiceError(_("Læringen er allerede lagt i læringsbiblioteket."))
        learning = reflection.add_learning_from(
            experiment.municipality,
            actor,
            title=experiment.title,
            text=experiment.learning,
            context=_("Eksperiment i initiativet »%(title)s«")
            % {"title": experiment.initiative.title},
            authors=authors,
            tags=[_("eksperiment")],
        )
        reflection.ask_consent(learning, actor)
        experiment.library_learning = learning
        experiment.save(update_fields=["library_learning", "updated_at"])
        record(
            experiment.municipality_id,
            actor,
            "experiments.learning_offered",
            experiment,
            learning=learning.pk,
        )
        _tell_authors(experiment, actor, authors, settings.SITE_URL + learning.get_absolute_url())
    return learning


# The decision that leads to each status: an imported experiment's one review.
DECISION_FOR: dict[str, str] = {status: decision for decision, status in STATUS_AFTER.items()}


def _imported_review_date(value: Any, status: str) -> date | None:
    """A file is history: its review date may have passed (the reminder then comes at once),
    but it is still a date within three years, and a stopped experiment has none."""
    if value is None or value == "":
        if status == Status.RUNNING:
            raise ServiceError(
                _("Et eksperiment, der er i gang, skal have en dato for næste opfølgning.")
            )
        return None
    if not isinstance(value, date):
        raise ServiceError(_("Skriv datoen som dd.mm.åååå."))
    if status == Status.STOPPED:
        raise ServiceError(
            _("Et stoppet eksperiment har ingen næste opfølgning. Lad datoen være tom.")
        )
    if value > timezone.localdate() + MAX_REVIEW_AHEAD:
        raise ServiceError(_("Følg op inden for tre år. Et sikkert eksperiment er kort."))
    return value


def import_experiment(
    initiative: Any,
    actor: Any,
    *,
    zone: int,
    review_on: date | None,
    status: str = Status.RUNNING,
    outcome: str = "",
    learning: str = "",
    **texts: Unpack[DesignTexts],
) -> Experiment:
    """An experiment read from an export file, in the initiative, for those who may design one
    there. Its design is checked as a new design is; what became of it (a status other than
    running, an outcome, a learning) is kept as one review marked as imported, so the
    experiment still shows what its newest review says and its criteria stay fixed. The
    learning library's copy is not carried: the authors' consent belongs to where they gave it.
    """
    if not _may(actor, "experiments.design_experiment", initiative):
        raise ServiceError(_("Kun de, der leder initiativet, kan lægge eksperimenter ind i det."))
    if status not in Status.values:
        raise ServiceError(_("Status skal være i gang, forstærket, dæmpet eller stoppet."))
    design = _design(texts, timezone.localdate(), zone)
    design["review_on"] = _imported_review_date(review_on, status)
    result = {
        "outcome": clean_free_text(outcome, limit=RESULT_MAX_LENGTH),
        "learning": clean_free_text(learning, limit=TEXT_MAX_LENGTH),
    }
    with transaction.atomic():
        experiment = Experiment.objects.create(
            municipality_id=initiative.municipality_id,
            initiative=initiative,
            created_by=_actor(actor),
            status=status,
            **design,
            **result,
        )
        if status != Status.RUNNING or any(result.values()):
            review = Review.objects.create(
                municipality_id=initiative.municipality_id,
                experiment=experiment,
                decision=DECISION_FOR[status],
                sensed=_("Importeret fra en fil."),
                next_review_on=experiment.review_on,
                by=_actor(actor),
                **result,
            )
            experiment.reviewed_by, experiment.reviewed_at = review.by, review.at
            experiment.save(update_fields=["reviewed_by", "reviewed_at", "updated_at"])
        record(
            initiative.municipality_id,
            actor,
            "experiments.imported",
            experiment,
            initiative=initiative.pk,
            zone=experiment.zone,
            status=status,
        )
    return experiment


# --------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------


def experiments_for_initiative(user: Any, initiative: Any) -> list[Experiment]:
    """The initiative's experiments, newest first; none unless the person may see it."""
    if not user.has_perm("experiments.view_experiment", initiative):
        return []
    found = list(Experiment.objects.filter(initiative=initiative).select_related("municipality"))
    for experiment in found:
        experiment.initiative = initiative
    return found


def counts_per_initiative(initiatives: Any) -> dict[int, dict[str, int]]:
    """How many experiments each initiative has per status, in one query, for pages that list
    initiatives (the accountability page). Pass initiatives the person may see."""
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Experiment.objects.filter(initiative__in=initiatives)
        .order_by()
        .values("initiative_id", "status")
        .annotate(n=Count("id"))
    ):
        per = counts.setdefault(row["initiative_id"], dict.fromkeys(Status.values, 0))
        per[row["status"]] = row["n"]
    return counts


def reviews_of(experiment: Experiment) -> list[Review]:
    """The experiment's reviews, newest first (the caller has fetched it through access)."""
    return list(Review.objects.filter(experiment=experiment).select_related("by"))


@dataclass
class PortfolioRow:
    zone: int
    name: str
    counts: dict[str, int]
    total: int


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    totals: dict[str, int]
    total: int
    statuses: list[tuple[str, str]]
    experiments: list[Experiment] = field(default_factory=list)


def portfolio(user: Any, municipality: Municipality) -> Portfolio:
    """How many experiments the movement runs, in which Stacey zone, and what became of them:
    counts per zone × status and the list, of initiatives the person may see. Two queries."""
    visible = visible_experiments(user, municipality)
    cells = Counter(
        {
            (row["zone"], row["status"]): row["n"]
            for row in visible.order_by().values("zone", "status").annotate(n=Count("id"))
        }
    )
    statuses = [(s.value, str(s.label)) for s in Status]
    rows = []
    for zone in Zone:
        counts = {s: cells[(int(zone), s)] for s, _label in statuses}
        rows.append(PortfolioRow(int(zone), zone_name(zone), counts, sum(counts.values())))
    totals = {s: sum(r.counts[s] for r in rows) for s, _label in statuses}
    return Portfolio(
        rows=rows,
        totals=totals,
        total=sum(totals.values()),
        statuses=statuses,
        experiments=list(
            visible.order_by(F("review_on").asc(nulls_last=True), "-created_at", "-id")
        ),
    )


# --------------------------------------------------------------------------------------------
# The landscape's read function (see samskab.core.activity)
# --------------------------------------------------------------------------------------------


def landscape_activity(municipality: Any, start: date, end: date) -> ActivityReport:
    """Who took part in what here between `start` and `end` (both inclusive).

    Arenas: every experiment that existed by `end`, its initiative as parent, public when the
    initiative is (it lies in a public space). Activities, kind "experiment": designing it (the
    person who designed it, on the local day of `created_at`) and each review (who reviewed it,
    on the day of the review). Two queries."""
    kwargs = {"municipality": municipality}
    since, until = periods.bounds(start, end)
    arenas, activities = [], []
    for row in Experiment.objects.filter(**kwargs, created_at__lt=until).values_list(
        "pk",
        "title",
        "initiative_id",
        "initiative__space__visibility",
        "created_by_id",
        "created_by__is_active",
        "created_at",
    ):
        pk, title, initiative_id, visibility, designer, active, created_at = row
        key = f"experiment:{pk}"
        arenas.append(
            Arena(
                key=key,
                kind="experiment",
                label=title,
                public=visibility == SpaceVisibility.PUBLIC,
                url=reverse(
                    "experiments:detail",
                    kwargs={
                        "municipality": municipality.slug,
                        "initiative": initiative_id,
                        "experiment": pk,
                    },
                ),
                parent=f"initiative:{initiative_id}",
            )
        )
        if since <= created_at < until:
            activities.append(
                Activity(
                    "experiment", periods.day(created_at), key, periods.known(designer, active)
                )
            )
    for experiment_id, by, active, at in Review.objects.filter(
        **kwargs, **periods.within("at", start, end)
    ).values_list("experiment_id", "by_id", "by__is_active", "at"):
        activities.append(
            Activity(
                "experiment",
                periods.day(at),
                f"experiment:{experiment_id}",
                periods.known(by, active),
            )
        )
    return ActivityReport(tuple(arenas), tuple(activities))
