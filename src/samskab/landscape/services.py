"""The landscape's use cases: compute a municipality's landscape over a period (the system's
work, in the background), ask for a fresh computation (a person, audited), and read the last
result. Pages, the API and the CLI call these; none of them computes while a page waits.

The computation gathers every capability's activity (`samskab.landscape.sources.collect`) and
the directory (`samskab.accounts.directory`), builds the network (`build`), measures it
(`samskab.analysis.network.analyse`), lays out the map (`samskab.analysis.layout`), counts the
involvement from top to bottom (`involvement`), compares with the previous period of the same
length, and stores one document (`results`) per municipality and period.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from django_tasks import task

from samskab.accounts import directory
from samskab.analysis.network import analyse, compare
from samskab.core.errors import ServiceError
from samskab.core.groups import min_group_size
from samskab.core.models import record
from samskab.landscape import results, sources
from samskab.landscape.build import build
from samskab.landscape.involvement import involvement
from samskab.landscape.models import LandscapeRun
from samskab.municipalities.models import Municipality

__all__ = ["ServiceError"]

logger = logging.getLogger(__name__)

# A computation queued longer ago than this is taken as lost (a worker died, the enqueue failed
# after commit), and the next request queues a new one.
PENDING_TIMEOUT = timedelta(minutes=15)
# The longest period one landscape covers.
MAX_PERIOD_DAYS = 366 * 5
# The export names `export_url` knows, and their API route names.
EXPORTS = {
    "json": "api:landscape_json",
    "graphml": "api:landscape_graphml",
    "csv": "api:landscape_actors_csv",
    "actors.csv": "api:landscape_actors_csv",
    "ties.csv": "api:landscape_ties_csv",
    "network.json": "api:landscape_json_file",
    "network.xlsx": "api:landscape_xlsx",
}


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months, ending today (both days included)."""
    return _years_before(today, 1) + timedelta(days=1), today


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before `start`–`end`."""
    length = end - start
    before_end = start - timedelta(days=1)
    return before_end - length, before_end


def period_choices(today: date) -> list[tuple[str, str, date, date]]:
    """The periods a page offers: (key, label, start, end), the default first."""
    start_12, _end = default_period(today)
    return [
        ("12m", _("De seneste 12 måneder"), start_12, today),
        ("6m", _("De seneste 6 måneder"), today - timedelta(days=182), today),
        ("3m", _("De seneste 3 måneder"), today - timedelta(days=91), today),
        ("year", _("I år"), date(today.year, 1, 1), today),
        (
            "last_year",
            _("Sidste år"),
            date(today.year - 1, 1, 1),
            date(today.year - 1, 12, 31),
        ),
    ]


def check_period(start: Any, end: Any) -> tuple[date, date]:
    """`start`–`end` if it is a usable period; else a ServiceError saying what is wrong."""
    if not isinstance(start, date) or not isinstance(end, date):
        raise ServiceError(_("Vælg en periode med en start- og en slutdato."))
    if end < start:
        raise ServiceError(_("Perioden slutter, før den begynder. Byt om på datoerne."))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ServiceError(_("Vælg en periode på højst fem år."))
    return start, end


def parse_period(fra: str | None, til: str | None, today: date) -> tuple[date, date]:
    """The period named by the query parameters `fra` and `til` (ISO dates, YYYY-MM-DD); a
    missing end is today, a missing start 12 months before the end. A malformed or reversed
    period: a ServiceError with a clear Danish message."""

    def day(value: str, which: str) -> date:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ServiceError(
                _("%(which)s er ikke en dato. Skriv den som ÅÅÅÅ-MM-DD, fx 2026-01-31.")
                % {"which": which}
            ) from None

    end = day(til, _("Slutdatoen")) if til else today
    start = day(fra, _("Startdatoen")) if fra else default_period(end)[0]
    return check_period(start, end)


def export_url(municipality: Any, name: str) -> str:
    """The API address of one export ("json", "graphml", "csv"/"actors.csv", "ties.csv") of
    `municipality`'s landscape; add `?fra=…&til=…` for a period. "" for an unknown name."""
    route = EXPORTS.get(name)
    return reverse(route, kwargs={"code": municipality.code}) if route else ""


# --------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------


def latest(municipality: Any, start: date, end: date) -> LandscapeRun | None:
    """The stored landscape of `municipality` for exactly `start`–`end` (its `data` may still be
    empty while the first computation is queued), or None. Call inside the scope."""
    return LandscapeRun.objects.filter(municipality=municipality, start=start, end=end).first()


def recent(municipality: Any, today: date) -> LandscapeRun | None:
    """The landscape to show when no period is asked for: the last 12 months computed today, or
    else the newest 12-month landscape computed in the past week (the nightly
    `analyse_landscape --alle`), so the page keeps showing yesterday's picture until today's
    is ready. None when there is none. Call inside the scope."""
    runs = LandscapeRun.objects.filter(
        municipality=municipality, end__gte=today - timedelta(days=7), end__lte=today
    ).order_by("-end")
    # Today's own period is the first of these when it is computed.
    for run in runs:
        if run.data and default_period(run.end) == (run.start, run.end):
            return run
    return None


# --------------------------------------------------------------------------------------------
# The system's work
# --------------------------------------------------------------------------------------------


def build_document(municipality: Any, start: date, end: date, *, seed: int = 0) -> dict[str, Any]:
    """The landscape document of one period (see `results`), computed now. Call inside the
    municipality's scope."""
    check_period(start, end)
    min_group = min_group_size()
    orgs = directory.organisations(municipality)
    affiliations = directory.affiliations(municipality)

    def citizens_label(arena: Any) -> str:
        # Stored text: in the site's language, whichever language the request that queued it
        # used, so the same input always gives the same document.
        with translation.override(settings.LANGUAGE_CODE):
            if arena is None or not arena.public:
                return _("Borgere i et lukket forløb")
            return _("Borgere i %(arena)s") % {"arena": arena.label}

    report = sources.collect(municipality, start, end)
    built = build(report, orgs, affiliations, min_group=min_group, citizen_label=citizens_label)
    analysis = analyse(built.network, seed=seed, context=built.context)
    rows = involvement(report, orgs, affiliations, min_group=min_group)
    before = previous_period(start, end)
    earlier = sources.collect(municipality, *before)
    change = None
    if earlier.activities:
        previous = build(
            earlier, orgs, affiliations, min_group=min_group, citizen_label=citizens_label
        )
        if previous.network.actors:
            change = compare(previous.network, built.network)
    return results.to_document(
        built,
        analysis,
        start=start,
        end=end,
        seed=seed,
        min_group=min_group,
        involvement=rows,
        change=change,
        previous=before,
    )


def compute(municipality: Any, start: date, end: date, *, seed: int = 0) -> LandscapeRun:
    """Compute and store the landscape of `municipality` over `start`–`end` (the background
    task's work; no person acts, so no permission applies). Clears the pending mark and any
    earlier error."""
    with scope(municipality=municipality):
        data = build_document(municipality, start, end, seed=seed)
        with transaction.atomic():
            run, _created = LandscapeRun.objects.select_for_update().get_or_create(
                municipality=municipality, start=start, end=end
            )
            run.data = data
            run.computed_at = timezone.now()
            run.pending_since = None
            run.error = ""
            run.save(update_fields=["data", "computed_at", "pending_since", "error"])
        return run


def record_failure(municipality: Any, start: date, end: date, error: str) -> None:
    """Note why a computation failed; the previous result is kept (the background task's
    bookkeeping)."""
    with scope(municipality=municipality):
        LandscapeRun.objects.filter(municipality=municipality, start=start, end=end).update(
            pending_since=None, error=error[:200]
        )


def queue(municipality: Any, start: date, end: date) -> LandscapeRun:
    """Mark the landscape of the period as pending and queue its computation once the current
    transaction commits, unless one is queued already (the system's work: e.g. a page asking
    for a period that was never computed). Returns the (possibly still empty) run."""
    check_period(start, end)
    with transaction.atomic():
        run, _created = LandscapeRun.objects.get_or_create(
            municipality=municipality, start=start, end=end
        )
        now = timezone.now()
        claimed = (
            LandscapeRun.objects.filter(pk=run.pk)
            .filter(Q(pending_since__isnull=True) | Q(pending_since__lt=now - PENDING_TIMEOUT))
            .update(pending_since=now)
        )
        if claimed:
            run.pending_since = now
            municipality_id = municipality.pk
            transaction.on_commit(lambda: enqueue(municipality_id, start, end))
    return run


@task()
def compute_landscape(municipality_id: int, start: str, end: str, seed: int = 0) -> bool:
    """Background task: compute the landscape; True when a result was stored. Dates are ISO
    strings (task arguments must be JSON). A failure is stored as the run's `error`, and the
    previous result is kept."""
    with scopes_disabled():
        municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        return False
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    try:
        compute(municipality, first, last, seed=seed)
    except Exception as exc:  # noqa: BLE001 - stored on the run; the last result stays shown
        logger.exception("the landscape of %s %s–%s failed", municipality_id, start, end)
        record_failure(municipality, first, last, f"{type(exc).__name__}: {exc}")
        return False
    return True


def enqueue(municipality_id: int, start: date, end: date) -> None:
    """Queue the background computation (`compute_landscape`)."""
    try:
        compute_landscape.enqueue(municipality_id, start.isoformat(), end.isoformat())
    except Exception:  # noqa: BLE001 - a lost enqueue is retried by the next request
        logger.exception("could not enqueue the landscape of %s", municipality_id)


# --------------------------------------------------------------------------------------------
# A person's request
# --------------------------------------------------------------------------------------------


def request_refresh(actor: Any, municipality: Any, start: date, end: date) -> LandscapeRun:
    """Ask for a fresh computation of the landscape over `start`–`end` (administrators,
    facilitators and the mayor: `landscape.refresh_landscape`). Audited; the computation runs
    in the background after the request's transaction commits, and the page shows the last
    result meanwhile."""
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not actor.has_perm("landscape.refresh_landscape", municipality)
    ):
        raise ServiceError(_("Du kan ikke bestille en ny beregning af landskabet."))
    check_period(start, end)
    with scope(municipality=municipality), transaction.atomic():
        run = queue(municipality, start, end)
        record(
            municipality.pk,
            actor,
            "landscape.refresh_requested",
            run,
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return run
