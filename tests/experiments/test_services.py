"""Designing, changing, reviewing and sharing experiments; bad input stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenge_services
from samskab.complexity import services as complexity
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.experiments import services
from samskab.experiments.models import Experiment, Review, Status
from samskab.initiatives import services as initiative_services
from samskab.reflection import services as reflection
from samskab.reflection.models import Consent, LearningAuthor
from tests.conftest import give_role, make_person
from tests.experiments.conftest import design, make_initiative

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _count(model) -> int:
    with scopes_disabled():
        return model.objects.count()


def test_design_stores_the_experiment_and_an_audit_row(town_a, initiative):
    experiment = design(initiative, town_a.owner)
    with scope(municipality=town_a.municipality):
        assert experiment.status == Status.RUNNING
        assert experiment.zone == 4
        assert experiment.created_by == town_a.owner
        assert AuditEvent.objects.filter(
            action="experiments.designed", target_id=str(experiment.pk)
        ).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"review_on": TODAY() - timedelta(days=1)}, "passeret"),
        ({"review_on": None}, "Vælg en dato"),
        ({"review_on": TODAY() + timedelta(days=5 * 365)}, "tre år"),
        ({"hypothesis": "   "}, "hypotesen"),
        ({"title": ""}, "titel"),
        ({"signals": ""}, "tegn"),
        ({"stop_when": ""}, "stopper"),
        ({"zone": 9}, "fem zoner"),
        ({"zone": None}, "ikke vurderet"),
        ({"hypothesis": "Spørg 010190-1234 først"}, "CPR"),
        ({"hypothesis": "x" * 2001}, "højst være 2000"),
    ],
)
def test_bad_design_is_refused_in_danish_and_stores_nothing(town_a, initiative, changes, message):
    before = _count(Experiment), _count(AuditEvent)
    with pytest.raises(ServiceError, match=message):
        design(initiative, town_a.owner, **changes)
    assert (_count(Experiment), _count(AuditEvent)) == before


def test_only_those_who_run_the_initiative_design(town_a, initiative):
    with pytest.raises(ServiceError, match="leder initiativet"):
        design(initiative, town_a.member)
    assert _count(Experiment) == 0


def test_the_zone_comes_from_the_challenges_assessment(town_a):
    with scope(municipality=town_a.municipality):
        challenge = challenge_services.pose_challenge(
            town_a.public_space, town_a.owner, title="Regnvand", description="Skybrud."
        )
        round_ = complexity.open_round(challenge, town_a.owner)
        for k in range(3):
            person = make_person(f"rater{k}@test.dk")
            with scopes_disabled():
                give_role(person, town_a.municipality, Role.CITIZEN)
            complexity.rate(round_, person, agreement=5, certainty=5)
        initiative = initiative_services.create_initiative(
            town_a.owner, space=town_a.public_space, title="Regnbede", challenge=challenge
        )
    experiment = design(initiative, town_a.owner, zone=None)
    assert experiment.zone == 1
    # A zone chosen by hand wins: the assessment may be old.
    assert design(initiative, town_a.owner, zone=3, title="Andet").zone == 3


def test_changing_the_design_is_possible_until_the_first_review(town_a, experiment):
    with scope(municipality=town_a.municipality):
        fields = {
            "title": "Ny titel",
            "hypothesis": experiment.hypothesis,
            "signals": experiment.signals,
            "amplify_when": experiment.amplify_when,
            "dampen_when": experiment.dampen_when,
            "stop_when": experiment.stop_when,
            "review_on": experiment.review_on,
            "zone": 2,
        }
        services.update_experiment(experiment, town_a.owner, **fields)
        experiment.refresh_from_db()
        assert (experiment.title, experiment.zone) == ("Ny titel", 2)
        services.review_experiment(
            experiment,
            town_a.owner,
            decision="continue",
            sensed="",
            next_review_on=TODAY() + timedelta(days=7),
        )
        with pytest.raises(ServiceError, match="ligger fast"):
            services.update_experiment(experiment, town_a.owner, **{**fields, "title": "Igen"})
        experiment.refresh_from_db()
        assert experiment.title == "Ny titel"


def test_a_review_sets_status_outcome_learning_and_next_date(town_a, experiment):
    with scope(municipality=town_a.municipality):
        next_on = TODAY() + timedelta(days=20)
        services.review_experiment(
            experiment,
            town_a.owner,
            decision="amplify",
            sensed="20 kom.",
            outcome="Det virker.",
            learning="Personlig invitation virker.",
            next_review_on=next_on,
        )
        experiment.refresh_from_db()
        assert experiment.status == Status.AMPLIFIED
        assert experiment.review_on == next_on
        assert experiment.learning == "Personlig invitation virker."
        assert experiment.reviewed_by == town_a.owner
        services.review_experiment(experiment, town_a.owner, decision="stop", sensed="Slut.")
        experiment.refresh_from_db()
        assert experiment.status == Status.STOPPED
        assert experiment.review_on is None
        # The newest review's learning stays when a later review writes none.
        assert experiment.learning == "Personlig invitation virker."
        assert [r.decision for r in services.reviews_of(experiment)] == ["stop", "amplify"]
        with pytest.raises(ServiceError, match="stoppet"):
            services.review_experiment(experiment, town_a.owner, decision="stop", sensed="Igen.")
        assert Review.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"decision": "maybe", "sensed": "x"}, "fortsætter, forstærker"),
        ({"decision": "amplify", "sensed": ""}, "hvad I har set"),
        ({"decision": "dampen", "sensed": "  "}, "hvad I har set"),
        ({"decision": "stop", "sensed": ""}, "hvad I har set"),
        ({"decision": "continue", "sensed": "x"}, "Vælg en dato"),
        (
            {"decision": "continue", "sensed": "", "next_review_on": TODAY() - timedelta(days=2)},
            "passeret",
        ),
        ({"decision": "amplify", "sensed": "x", "learning": "y" * 2001}, "højst være 2000"),
    ],
)
def test_bad_reviews_are_refused_and_store_nothing(town_a, experiment, kwargs, message):
    before = _count(Review), _count(AuditEvent)
    with scope(municipality=town_a.municipality):
        with pytest.raises(ServiceError, match=message):
            services.review_experiment(experiment, town_a.owner, **kwargs)
        experiment.refresh_from_db()
    assert experiment.status == Status.RUNNING
    assert (_count(Review), _count(AuditEvent)) == before


def test_reviewing_needs_the_right(town_a, experiment):
    with scope(municipality=town_a.municipality), pytest.raises(ServiceError):
        services.review_experiment(experiment, town_a.member, decision="stop", sensed="x")
    assert _count(Review) == 0


def test_the_learning_goes_to_the_library_with_its_authors_consent(
    town_a, settings, django_capture_on_commit_callbacks
):
    settings.TASKS_BACKEND = "immediate"
    leader = make_person("leder@kbh.test", "Lene Leder")
    with scopes_disabled():
        give_role(leader, town_a.municipality, Role.MANAGER)
    initiative = make_initiative(town_a)
    experiment = design(initiative, town_a.owner)
    with scope(municipality=town_a.municipality):
        with pytest.raises(ServiceError, match="hvad I har lært"):
            services.publish_learning(experiment, town_a.owner)
        services.review_experiment(
            experiment, leader, decision="amplify", sensed="Mange kom.", learning="Spørg selv."
        )
        experiment.refresh_from_db()
        with pytest.raises(ServiceError):
            services.publish_learning(experiment, town_a.member)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            learning = services.publish_learning(experiment, town_a.owner)
        experiment.refresh_from_db()
        assert experiment.library_learning == learning
        assert learning.text == "Spørg selv."
        authors = dict(
            LearningAuthor.objects.filter(learning=learning).values_list("person_id", "consent")
        )
        # Designer and reviewer are the authors, and both are asked at once.
        assert authors == {town_a.owner.pk: Consent.ASKED, leader.pk: Consent.ASKED}
        assert [m.to for m in mail.outbox] == [[leader.email]]
        assert learning.get_absolute_url() in mail.outbox[0].body
        with pytest.raises(ServiceError, match="allerede"):
            services.publish_learning(experiment, town_a.owner)
        # Not shared with other municipalities before every author says yes.
        with pytest.raises(ServiceError, match="Alle forfattere"):
            reflection.publish_learning(learning, town_a.owner)
        reflection.answer_consent(learning, town_a.owner, give=True)
        reflection.answer_consent(learning, leader, give=True)
        reflection.publish_learning(learning, town_a.owner)
        assert learning.published_at is not None


def test_the_portfolio_counts_zone_by_status_and_hides_invisible_initiatives(towns):
    town_a, town_b = towns
    public = make_initiative(town_a)
    staff = make_initiative(town_a, space=town_a.staff_space, title="Internt")
    design(public, town_a.owner, zone=4)
    design(public, town_a.owner, zone=4, title="B")
    stopped = design(public, town_a.owner, zone=2, title="C")
    design(staff, town_a.owner, zone=4, title="Hemmeligt")
    with scope(municipality=town_a.municipality):
        services.review_experiment(stopped, town_a.owner, decision="stop", sensed="Nej.")
        found = services.portfolio(town_a.owner, town_a.municipality)
        assert found.total == 4
        by_zone = {r.zone: r for r in found.rows}
        assert by_zone[4].counts["running"] == 3
        assert by_zone[2].counts["stopped"] == 1
        assert found.totals == {"running": 3, "amplified": 0, "dampened": 0, "stopped": 1}
        citizen = services.portfolio(town_b.outsider, town_a.municipality)
        assert citizen.total == 3
        assert "Hemmeligt" not in {e.title for e in citizen.experiments}
        assert services.experiments_for_initiative(town_b.outsider, staff) == []


def test_the_portfolio_is_query_flat(town_a):
    initiative = make_initiative(town_a)

    def queries() -> int:
        with scope(municipality=town_a.municipality), CaptureQueriesContext(connection) as ctx:
            found = services.portfolio(town_a.member, town_a.municipality)
            [e.initiative.title for e in found.experiments]
        return len(ctx.captured_queries)

    for k in range(3):
        design(initiative, town_a.owner, title=f"E{k}")
    queries()  # the person's roles are read once and kept on them
    few = queries()
    for k in range(10):
        design(make_initiative(town_a, title=f"I{k}"), town_a.owner, title=f"F{k}", zone=k % 5 + 1)
    assert queries() == few


def test_counts_per_initiative_in_one_query(town_a):
    one, two = make_initiative(town_a), make_initiative(town_a, title="To")
    design(one, town_a.owner)
    stopped = design(one, town_a.owner, title="B")
    with scope(municipality=town_a.municipality):
        services.review_experiment(stopped, town_a.owner, decision="stop", sensed="Nej.")
        with CaptureQueriesContext(connection) as ctx:
            counts = services.counts_per_initiative([one.pk, two.pk])
    assert len(ctx.captured_queries) == 1
    assert counts == {one.pk: {"running": 1, "amplified": 0, "dampened": 0, "stopped": 1}}
