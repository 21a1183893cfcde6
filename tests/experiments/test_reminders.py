"""Reminders before review dates: sent once per date, in the person's language, with a link
that works; a new review date gets a new reminder."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.experiments import services
from samskab.experiments.tasks import remind_reviews
from tests.conftest import give_role, make_person
from tests.experiments.conftest import design, make_initiative

pytestmark = pytest.mark.django_db


def _run(capture) -> list:
    mail.outbox.clear()
    with capture(execute=True):
        remind_reviews.enqueue()
    return list(mail.outbox)


def test_a_reminder_goes_out_once_before_the_review_date(
    town_a, client, django_capture_on_commit_callbacks
):
    leader = make_person("leder@kbh.test", "Lene Leder")
    with scopes_disabled():
        give_role(leader, town_a.municipality, Role.MANAGER)
    initiative = make_initiative(town_a)
    soon = design(initiative, leader, review_on=timezone.localdate() + timedelta(days=2))
    design(initiative, leader, title="Senere", review_on=timezone.localdate() + timedelta(days=9))

    sent = _run(django_capture_on_commit_callbacks)
    # The designer and the initiative's creator; the later experiment is not due yet.
    assert sorted(m.to[0] for m in sent) == sorted([leader.email, town_a.owner.email])
    assert all(soon.title in m.subject for m in sent)
    assert _run(django_capture_on_commit_callbacks) == []

    body = next(m.body for m in sent if m.to == [leader.email])
    link = re.search(re.escape(settings.SITE_URL) + r"(/\S+)", body).group(1)
    client.force_login(leader)
    assert client.get(link).status_code == 200

    # A new review date, a new reminder.
    with scope(municipality=town_a.municipality):
        services.review_experiment(
            soon,
            leader,
            decision="continue",
            sensed="",
            next_review_on=timezone.localdate() + timedelta(days=1),
        )
    assert len(_run(django_capture_on_commit_callbacks)) == 2


def test_the_reminder_is_in_the_persons_language(town_a, django_capture_on_commit_callbacks):
    town_a.owner.language = "en"
    town_a.owner.save(update_fields=["language"])
    initiative = make_initiative(town_a)
    review_on = timezone.localdate() + timedelta(days=1)
    design(initiative, town_a.owner, review_on=review_on)
    (sent,) = _run(django_capture_on_commit_callbacks)
    # The month's name is written in the person's language (English capitalises it).
    assert review_on.strftime("%B") in sent.body


def test_no_reminder_for_stopped_experiments_or_people_who_lost_the_right(
    town_a, django_capture_on_commit_callbacks
):
    initiative = make_initiative(town_a)
    experiment = design(initiative, town_a.owner, review_on=timezone.localdate() + timedelta(1))
    with scope(municipality=town_a.municipality):
        services.review_experiment(
            experiment,
            town_a.owner,
            decision="dampen",
            sensed="Få kom.",
            next_review_on=timezone.localdate() + timedelta(days=1),
        )
        services.review_experiment(experiment, town_a.owner, decision="stop", sensed="Ingen.")
    assert _run(django_capture_on_commit_callbacks) == []


def test_the_command_queues_the_reminders(town_a, django_capture_on_commit_callbacks):
    design(make_initiative(town_a), town_a.owner, review_on=timezone.localdate())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [[town_a.owner.email]]
