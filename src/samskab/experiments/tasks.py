"""Background work for experiments: a reminder before each review date (Django Tasks API).

Run `samskab send_review_reminders` once a day (cron or a systemd timer): it queues
`remind_reviews`, which mails each experiment's designer and those who run its initiative
`SAMSKAB_EXPERIMENT_REMINDER_DAYS` days (default 3) before the review date. `reminded_for` keeps
the date a reminder went out for, claimed in one conditional UPDATE, so two runs (or two
workers) never send the same reminder twice; a new review date gets a new reminder.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from django_tasks import task

from samskab.experiments.models import Experiment, Status
from samskab.municipalities.models import Municipality
from samskab.notifications.models import Kind
from samskab.notifications.services import in_language, notify

DEFAULT_DAYS = 3


def reminder_days() -> int:
    return int(getattr(settings, "SAMSKAB_EXPERIMENT_REMINDER_DAYS", DEFAULT_DAYS))


def _recipients(experiment: Experiment) -> list[Any]:
    """The designer, the initiative's creator and the last reviewer, each only while they may
    still review it (someone who lost the role hears nothing)."""
    people: dict[int, Any] = {}
    for person in (
        experiment.created_by,
        experiment.initiative.created_by,
        experiment.reviewed_by,
    ):
        if person is not None and person.is_active:
            people.setdefault(person.pk, person)
    return [p for p in people.values() if p.has_perm("experiments.manage_experiment", experiment)]


def _body(experiment: Experiment, link: str) -> str:
    return _(
        "Eksperimentet »%(title)s« i initiativet »%(initiative)s« skal følges op %(when)s."
        "\n\nHvad har I set? Skal I fortsætte, forstærke, dæmpe eller stoppe? Skriv det her:"
        "\n%(link)s"
    ) % {
        "title": experiment.title,
        "initiative": experiment.initiative.title,
        "when": formats.date_format(experiment.review_on, "j. F Y"),
        "link": link,
    }


def _remind(experiment: Experiment) -> bool:
    # Claim the reminder first: only the run whose UPDATE changes the row sends it.
    claimed = (
        Experiment.objects.filter(pk=experiment.pk, review_on=experiment.review_on)
        .exclude(reminded_for=experiment.review_on)
        .update(reminded_for=experiment.review_on)
    )
    if not claimed:
        return False
    link = settings.SITE_URL + reverse(
        "experiments:review",
        kwargs={
            "municipality": experiment.municipality.slug,
            "initiative": experiment.initiative_id,
            "experiment": experiment.pk,
        },
    )
    for person in _recipients(experiment):
        notify(
            person,
            Kind.STATUS,
            in_language(
                person, lambda: _("Snart opfølgning: %(title)s") % {"title": experiment.title}
            ),
            in_language(person, lambda: _body(experiment, link)),
            link=link,
            municipality=experiment.municipality,
        )
    return True


@task()
def remind_reviews() -> int:
    """Send the reminders that are due; returns how many experiments were reminded of."""
    horizon = timezone.localdate() + timedelta(days=reminder_days())
    # A run has no request and so no municipality: find which have reviews due, then work in
    # each one's scope.
    with scopes_disabled():
        ids = set(
            Experiment.objects.filter(review_on__lte=horizon)
            .exclude(status=Status.STOPPED)
            .values_list("municipality_id", flat=True)
        )
    sent = 0
    for municipality in Municipality.objects.filter(pk__in=ids).order_by("pk"):
        with scope(municipality=municipality):
            due = (
                Experiment.objects.filter(municipality=municipality, review_on__lte=horizon)
                .exclude(status=Status.STOPPED)
                .select_related(
                    "municipality", "initiative__created_by", "created_by", "reviewed_by"
                )
                .order_by("review_on", "pk")
            )
            for experiment in due:
                if experiment.reminded_for != experiment.review_on:
                    sent += _remind(experiment)
    return sent


@task()
def import_experiments(
    *,
    municipality_id: int,
    actor_id: int,
    initiative_id: int | None,
    text: str,
    valid_only: bool,
    language: str,
) -> dict[str, Any]:
    """Import a file of experiments as the person who asked for it; returns the report."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from samskab.experiments.imports import run_import
    from samskab.initiatives.services import initiatives_for

    # A worker has no request and so no municipality yet: look it up first.
    with scopes_disabled():
        municipality = Municipality.objects.get(pk=municipality_id)
        actor = get_user_model().objects.get(pk=actor_id)
    with scope(municipality=municipality), translation.override(language):
        target = None
        if initiative_id is not None:
            target = initiatives_for(actor, municipality).filter(pk=initiative_id).first()
            if target is None:
                reason = _("Initiativet findes ikke, eller du kan ikke se det.")
                return {
                    "rows": 0,
                    "created": 0,
                    "stored": False,
                    "refused": [{"row": 0, "reason": reason}],
                }
        return run_import(municipality, actor, text, target=target, valid_only=valid_only)
