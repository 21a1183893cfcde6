"""The demo's experiment, and what a person's data export holds of experiments."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.personal_data import export_personal_data
from samskab.demo.content import load_demo
from samskab.experiments import services
from samskab.experiments.models import Experiment, Review

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_experiment_with_one_review_and_loads_twice(kommuner):
    demo = load_demo()
    load_demo()
    with scopes_disabled():
        experiments = list(Experiment.objects.filter(municipality=demo.municipality))
        assert len(experiments) == 1
        assert Review.objects.filter(experiment=experiments[0]).count() == 1
        assert experiments[0].learning


def test_the_export_holds_what_the_person_designed_and_reviewed(town_a, experiment):
    with scope(municipality=town_a.municipality):
        services.review_experiment(experiment, town_a.owner, decision="stop", sensed="Slut.")
    data = export_personal_data(town_a.owner)["experiments"]
    assert [e["title"] for e in data["designed"]] == [experiment.title]
    assert [(r["decision"], r["sensed"]) for r in data["reviews"]] == [("stop", "Slut.")]
    assert export_personal_data(town_a.member)["experiments"] == {"designed": [], "reviews": []}
